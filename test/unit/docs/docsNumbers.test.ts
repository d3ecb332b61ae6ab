import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { loadTemplate, type CfnResource } from '../../../sandbox/local/cfnYaml';
import { DEFAULT_RISK_THRESHOLDS } from '../../../src/domain/risk';
import { DEFAULT_FINDING_TIERS } from '../../../src/domain/sources/types';
import { MAX_BACKLOG_SLOTS, PACE_RULES } from '../../../src/domain/pacing';
import {
  DECISION_WINDOW_CHOICES_SECONDS,
  WORKFLOW_TIMEOUT_GRACE_SECONDS,
  defaultApprovalPolicy,
} from '../../../src/domain/policy';
import { MAX_CLOCK_SKEW_SECONDS, REPLAY_MEMORY_SECONDS } from '../../../src/listeners/onceRule';
import { ActionId } from '../../../src/domain/actionIds';
import { LedgerEntryType } from '../../../src/domain/ledger';
import { REQUEST_BOUNDS } from '../../../src/domain/messages';
import { REASON_MAX } from '../../../src/domain/reason';
import { MAX_DETAIL_BYTES } from '../../../src/domain/siemEvent';
import { ANNOUNCE_LEASE_MS, ANNOUNCE_MAX_ATTEMPTS } from '../../../src/domain/announcement';
import { STORM_THRESHOLD_PER_MINUTE } from '../../../src/app/noiseControl';
import { MAX_RECEIPT_TTL_SECONDS } from '../../../src/domain/policy';

/**
 * The numbers the docs state that the code, the template or the benchmark results fix, read from their source:
 * a change to either side that is not made to the other fails here.
 */

const ROOT = path.resolve(__dirname, '../../..');
const doc = (name: string): string => readFileSync(path.join(ROOT, name), 'utf8');
const template = loadTemplate(path.join(ROOT, 'template.yaml'));
const resources = Object.values(template.Resources);
const props = (r: CfnResource): Record<string, unknown> => r.Properties ?? {};

/** The cells of every table row of `text` whose first cell is `` `key` ``. */
function rowOf(text: string, key: string): string[] {
  const line = text.split('\n').find((l) => l.startsWith(`| \`${key}\` |`));
  if (!line) throw new Error(`no table row for ${key}`);
  return line
    .slice(1, -1)
    .split(' | ')
    .map((c) => c.trim());
}

describe('docs/DEPLOY.md: Lambda concurrency', () => {
  const reserved = Object.entries(template.Resources)
    .map(([name, r]) => [name, props(r).ReservedConcurrentExecutions] as const)
    .filter((e): e is readonly [string, number] => typeof e[1] === 'number');
  const total = reserved.reduce((sum, [, n]) => sum + n, 0);
  const of = (name: string): number => reserved.find(([n]) => n === name)?.[1] ?? 0;

  it('states what the template reserves, per function, and the account limit that follows', () => {
    // AWS keeps at least 100 executions unreserved in every account.
    const text = doc('docs/DEPLOY.md').replace(/\s+/g, ' ');
    expect(reserved.map(([n]) => n).sort()).toEqual(['IngestFunction', 'SweepFunction']);
    expect(text).toContain(
      `the stack reserves ${total} executions (ingest ${of('IngestFunction')}, sweep ${of('SweepFunction')}) and AWS always keeps 100 unreserved, so the account's limit must be at least ${total + 100}`,
    );
  });

  it("draws the ingest function's pollers and the sweep's one-at-a-time as the template sets them", () => {
    const lanes = resources.flatMap((r) =>
      Object.values((props(r).Events ?? {}) as Record<string, { Type: string; Properties: Record<string, unknown> }>)
        .filter((e) => e.Type === 'SQS')
        .map((e) => (e.Properties.ScalingConfig as { MaximumConcurrency: number }).MaximumConcurrency),
    );
    expect(lanes).toHaveLength(2);
    const perLane = lanes[0]!;
    expect(lanes.every((n) => n === perLane)).toBe(true);
    expect(doc('docs/DEPLOY.md')).toContain(`λ Ingest<br/>${perLane} per lane, ${of('IngestFunction')} at once`);
    expect(of('SweepFunction')).toBe(1);
    expect(doc('docs/DEPLOY.md')).toContain('λ Sweep<br/>1 at a time');
    const routing = doc('docs/ROUTING.md').replace(/\s+/g, ' ');
    const words = ['zero', 'one', 'two', 'three', 'four', 'five'];
    expect(routing).toContain(
      `Each lane has ${words[perLane]} pollers (\`MaximumConcurrency\`, the minimum) and the function reserves ${words[of('IngestFunction')]}`,
    );
  });

  it('states the log and queue retention the template sets', () => {
    const logDays = new Set(
      resources.filter((r) => r.Type === 'AWS::Logs::LogGroup').map((r) => props(r).RetentionInDays),
    );
    expect([...logDays]).toEqual([90]);
    expect(doc('docs/DEPLOY.md')).toContain('| 90 days |');
    const queueDays = (name: string): number =>
      (props(template.Resources[name]!).MessageRetentionPeriod as number) / 86_400;
    expect(queueDays('IngestQueue')).toBe(4);
    expect(queueDays('UrgentIngestQueue')).toBe(4);
    for (const dlq of ['IngestDLQ', 'DeliveryDLQ', 'AsyncFailureDLQ']) expect(queueDays(dlq)).toBe(14);
    expect(doc('docs/DEPLOY.md')).toContain(
      '`IngestQueue`, `UrgentIngestQueue` 4 days; `IngestDLQ`, `DeliveryDLQ`, `AsyncFailureDLQ` 14 days',
    );
  });
});

describe('docs/DEPLOY.md: alarms and dead-letter queues', () => {
  it('names every application metric with an alarm, and counts the DLQs', () => {
    const text = doc('docs/DEPLOY.md').replace(/\s+/g, ' ');
    const appMetrics = resources
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && props(r).Namespace === 'ChainSecOps')
      .map((r) => `\`${String(props(r).MetricName)}\``);
    const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven'];
    expect(text).toContain(
      `every function's errors and ${words[appMetrics.length]} application metrics (${appMetrics.join(', ')}) have alarms`,
    );
    const dlqs = Object.keys(template.Resources).filter((n) => n.endsWith('DLQ'));
    expect(text).toContain(`Failed deliveries land in ${words[dlqs.length]} dead-letter queues`);
    expect(text).toContain(`the ${words[dlqs.length]} DLQs, and the alarms`);
  });
});

describe('docs/AUDIT.md: anchors', () => {
  it("states the anchor bucket's default retention and when the AnchorsMissed alarm fires", () => {
    const text = doc('docs/AUDIT.md').replace(/\s+/g, ' ');
    expect(text).toContain(`\`AnchorRetentionDays\` (default ${template.Parameters!.AnchorRetentionDays!.Default})`);
    const alarm = resources.find(
      (r) => r.Type === 'AWS::CloudWatch::Alarm' && props(r).MetricName === 'AnchorsMissed',
    )!;
    expect(text).toContain(`the \`AnchorsMissed\` alarm fires after ${props(alarm).EvaluationPeriods} sweeps in a row`);
  });
});

describe('docs/CONFIGURATION.md', () => {
  const text = doc('docs/CONFIGURATION.md');
  const source = doc('src/config.ts');
  const schema = source.slice(source.indexOf('const EnvSchema'), source.indexOf('export interface Config'));
  const variables = [...schema.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);

  it('lists every variable src/config.ts reads', () => {
    expect(variables.length).toBeGreaterThan(20);
    for (const v of variables) expect(() => rowOf(text, v)).not.toThrow();
  });

  it("states each variable's default as src/config.ts sets it", () => {
    for (const m of schema.matchAll(/^ {2}([A-Z][A-Z0-9_]+): z\._default\(.*, '?([^',]+?)'?\),$/gm)) {
      expect([m[1], rowOf(text, m[1]!).at(-1)]).toEqual([m[1], `\`${m[2]}\``]);
    }
    // Booleans default to false; the decision windows to the default policy's.
    for (const m of schema.matchAll(/^ {2}([A-Z][A-Z0-9_]+): bool,/gm))
      expect(rowOf(text, m[1]!).at(-1)).toBe('`false`');
    const policy = defaultApprovalPolicy({ approverUserIds: ['U1'], approvalsChannel: 'C1' });
    expect(rowOf(text, 'HIGH_DECISION_WINDOW_SECONDS').at(-1)).toBe(`\`${policy.high.decisionWindowSeconds}\``);
    expect(rowOf(text, 'CRITICAL_DECISION_WINDOW_SECONDS').at(-1)).toBe(`\`${policy.critical.decisionWindowSeconds}\``);
  });

  it('lists the decision windows the state machine can be deployed with', () => {
    const list = DECISION_WINDOW_CHOICES_SECONDS.slice(0, -1).join(', ');
    expect(text.replace(/\s+/g, ' ')).toContain(
      `The allowed decision windows are ${list} and ${DECISION_WINDOW_CHOICES_SECONDS.at(-1)} seconds`,
    );
  });

  it('states the default policy per tier as src/domain/policy.ts sets it', () => {
    const p = defaultApprovalPolicy({ approverUserIds: ['U1'], approvalsChannel: 'C1' });
    const cell = (key: string): string => rowOf(text, key).at(-1)!;
    expect(cell('approvalsNeeded')).toBe(`${p.high.approvalsNeeded} / ${p.critical.approvalsNeeded}`);
    expect(cell('ackSlaSeconds`, `dmPrimaryImmediately')).toBe(
      `${p.high.ackSlaSeconds} / ${p.critical.ackSlaSeconds}, \`${p.high.dmPrimaryImmediately}\` / \`${p.critical.dmPrimaryImmediately}\``,
    );
    expect(cell('onTimeout')).toBe(`\`${p.high.onTimeout}\` / \`${p.critical.onTimeout}\``);
    expect(cell('receiptTtlSeconds')).toBe(`${p.high.receiptTtlSeconds} / ${p.critical.receiptTtlSeconds}`);
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain(
      `\`high\` needs ${p.high.approvalsNeeded} approver and is denied (fail closed) after ${p.high.decisionWindowSeconds / 3600} hour`,
    );
    expect(flat).toContain(`within ${p.critical.decisionWindowSeconds / 3600} hours`);
    expect(flat).toContain(
      `(critical ${p.critical.ackSlaSeconds / 60} min — critical pages the primary at once — high ${p.high.ackSlaSeconds / 60} min)`,
    );
    expect(flat).toContain(`a grace of ${WORKFLOW_TIMEOUT_GRACE_SECONDS} s`);
    expect(p.critical.dmPrimaryImmediately).toBe(true);
  });
});

describe('docs/SOURCES.md: default tiers', () => {
  const text = doc('docs/SOURCES.md');
  const t = DEFAULT_RISK_THRESHOLDS;

  it('states the on-chain thresholds', () => {
    const o = t.onchain;
    expect(text).toContain(
      `\`anomaly_score\` > ${o.critical} or \`amount_usd\` > ${o.criticalAmountUsd} critical, > ${o.high} high, > ${o.medium} medium`,
    );
  });

  it("states GuardDuty's bounds", () => {
    const g = DEFAULT_FINDING_TIERS.guardduty;
    const below = (n: number): string => (n - 0.1).toFixed(1);
    expect(text).toContain(
      `\`severity\` 1.0–${below(g.medium)} low, ${g.medium.toFixed(1)}–${below(g.high)} medium, ${g.high.toFixed(1)}–${below(g.critical)} high, ${g.critical.toFixed(1)}–10.0 critical`,
    );
  });

  it("states OCSF's severity ids", () => {
    const o = DEFAULT_FINDING_TIERS.ocsfSeverity;
    expect([o[1], o[2], o[3], o[4], o[5], o[6], o[0]]).toEqual([
      'low',
      'low',
      'medium',
      'high',
      'critical',
      'critical',
      'medium',
    ]);
    expect(text).toContain('`severity_id` 1–2 low, 3 medium, 4 high, 5–6 critical (0, 99 medium)');
  });

  it('states the WAF ratings', () => {
    expect(t.wafSeverity).toEqual(['low', 'low', 'low', 'medium', 'high', 'critical']);
    expect(t.wafUnrated).toBe('medium');
    expect(text).toContain('`analysis.severity_rating` 0–2 low, 3 medium, 4 high, 5 critical; unrated medium');
  });
});

describe('docs/SOURCES.md: adding a source', () => {
  /** Files of src/ outside the source modules that branch on an incident's kind. */
  function kindSwitches(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) return full.endsWith(path.join('domain', 'sources')) ? [] : kindSwitches(full);
      const text = e.name.endsWith('.ts') ? readFileSync(full, 'utf8') : '';
      const branches =
        /\b(?:incident|i|before)\??\.kind (?:===|!==) '(?:onchain|waf|request|finding)'|case '(?:onchain|waf|request)'/;
      return branches.test(text) ? [path.relative(ROOT, full)] : [];
    });
  }

  it('lists every file that still switches on the incident kind', () => {
    const text = doc('docs/SOURCES.md');
    const section = text.slice(text.indexOf('## Adding a source'), text.indexOf('## The sources'));
    const listed = [...section.matchAll(/`(src\/[^`]+\.ts)`/g)]
      .map((m) => m[1]!)
      .filter((f) => !['src/domain/risk.ts', 'src/domain/sources/types.ts'].includes(f));
    expect(listed.sort()).toEqual(kindSwitches(path.join(ROOT, 'src')).sort());
  });
});

describe('docs/ROUTING.md: pacing', () => {
  const text = doc('docs/ROUTING.md').replace(/\s+/g, ' ');
  const post = PACE_RULES['chat.postMessage'];

  it('states the post interval and the late tolerance', () => {
    expect(text).toContain(`${post.intervalMs / 1000} s for posts`);
    expect(text).toContain(`more than ${post.lateToleranceMs} ms after its slot`);
  });

  it("states each priority's backlog", () => {
    const b = MAX_BACKLOG_SLOTS;
    expect(text).toContain(`(high ${b.high} slots, escalation ${b.escalation}, bulk ${b.bulk})`);
    expect(b.critical).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('docs/INTERFACES.md and the security pages', () => {
  it('names every action id and every ledger entry type the code defines', () => {
    const text = doc('docs/INTERFACES.md');
    for (const id of Object.values(ActionId)) expect(text).toContain(`| \`${id}\` |`);
    for (const type of Object.values(LedgerEntryType)) expect(text).toContain(`\`${type}\``);
  });

  it('states the clock skew the signature check allows', () => {
    expect(doc('docs/INTERFACES.md').replace(/\s+/g, ' ')).toContain(
      `a timestamp more than ${MAX_CLOCK_SKEW_SECONDS} s from now either way`,
    );
  });
});

describe('bounds the code fixes', () => {
  const flat = (name: string): string => doc(name).replace(/\s+/g, ' ');

  it('states the bounds of an approval request', () => {
    const b = REQUEST_BOUNDS;
    expect(flat('docs/INTERFACES.md')).toContain(`or a \`title\` (at most ${b.title} characters)`);
    expect(flat('docs/INTERFACES.md')).toContain(
      `\`context\` is up to ${b.contextEntries} \`label: value\` pairs (label ≤ ${b.contextLabel}, value ≤ ${b.contextValue} characters)`,
    );
  });

  it("states a reason's bound, the notices' attempts and the SIEM feed's size limit", () => {
    expect(flat('docs/ARCHITECTURE.md')).toContain(`bounded to ${REASON_MAX} characters`);
    expect(flat('docs/SECURITY.md')).toContain(`A reason is bounded (${REASON_MAX} characters)`);
    expect(flat('docs/ARCHITECTURE.md')).toContain(`gives up after ${ANNOUNCE_MAX_ATTEMPTS} attempts`);
    expect(flat('docs/ARCHITECTURE.md')).toContain(`An entry over ${MAX_DETAIL_BYTES / 1000} KB of JSON`);
  });

  it("states the notices' lease, the noise threshold and how long a request's claim is kept", () => {
    expect(flat('docs/ARCHITECTURE.md')).toContain(`after the ${ANNOUNCE_LEASE_MS / 60_000}-minute lease`);
    expect(flat('docs/ARCHITECTURE.md')).toContain(
      `while a channel gets more than ${STORM_THRESHOLD_PER_MINUTE} notifications a minute`,
    );
    // The claim outlives any valid timestamp: twice the allowed skew plus a minute (onceRule.ts).
    expect(REPLAY_MEMORY_SECONDS).toBe(2 * MAX_CLOCK_SKEW_SECONDS + 60);
    expect(flat('docs/DEPLOY.md')).toContain(
      `${REPLAY_MEMORY_SECONDS} s (twice the ${MAX_CLOCK_SKEW_SECONDS} s clock skew + 60 s)`,
    );
  });

  it("states a receipt's default and longest life", () => {
    const p = defaultApprovalPolicy({ approverUserIds: ['U1'], approvalsChannel: 'C1' });
    expect(flat('docs/RECEIPTS.md')).toContain(
      `default ${p.high.receiptTtlSeconds}, at most ${MAX_RECEIPT_TTL_SECONDS}`,
    );
  });
});

describe('docs/PERFORMANCE.md', () => {
  const results = JSON.parse(doc('bench/results.json')) as Record<string, unknown>;
  const valueAt = (key: string): unknown =>
    key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], results);
  const rows = doc('docs/PERFORMANCE.md')
    .split('\n')
    .map((l) => /^\| `([a-zA-Z0-9.]+)` \| ([0-9.]+) \|/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null);

  it('states the measurement date of bench/results.json', () => {
    expect(doc('docs/PERFORMANCE.md')).toContain(`measured ${String(results.measuredAt).slice(0, 10)}`);
  });

  it.each(rows.map((m) => [m[1]!, m[2]!]))('%s is %s in bench/results.json', (key, shown) => {
    expect(valueAt(key)).toBe(Number(shown));
  });

  it('shows the headline keys', () => {
    const shown = rows.map((m) => m[1]);
    for (const key of ['decision.overheadRatio', 'ack.p99Ms', 'coldStart.ratioVsBareBolt', 'storm.lost'])
      expect(shown).toContain(key);
  });
});

describe('links in the README and docs/', () => {
  const pages = [
    'README.md',
    ...readdirSync(path.join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];

  it.each(pages)('%s links only to files that exist (docs/MCP.md may still be on its way)', (page) => {
    const dir = path.dirname(path.join(ROOT, page));
    const missing = [...doc(page).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
      .map((m) => m[1]!)
      .filter((target) => !/^[a-z]+:/.test(target))
      .filter((target) => !existsSync(path.join(dir, target)))
      .filter((target) => path.basename(target) !== 'MCP.md');
    expect(missing).toEqual([]);
  });

  /** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
  const slug = (heading: string): string =>
    heading
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-');

  it.each(pages)('%s links only to headings that exist', (page) => {
    const dir = path.dirname(path.join(ROOT, page));
    const broken = [...doc(page).matchAll(/\]\(([^)#\s]*)#([^)]+)\)/g)]
      .filter((m) => path.basename(m[1]!) !== 'MCP.md')
      .filter((m) => {
        const target = m[1] ? path.relative(ROOT, path.join(dir, m[1])) : page;
        const anchors = [...doc(target).matchAll(/^#+ (.+)$/gm)].map((h) => slug(h[1]!));
        return !anchors.includes(m[2]!);
      })
      .map((m) => `${m[1]}#${m[2]}`);
    expect(broken).toEqual([]);
  });

  it('docs/SECURITY.md names only tests that exist', () => {
    const named = [...doc('docs/SECURITY.md').matchAll(/`((?:unit|integration|e2e)\/[^`]+\.test\.ts)`/g)].map(
      (m) => m[1]!,
    );
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter((t) => !existsSync(path.join(ROOT, 'test', t)))).toEqual([]);
  });
});
