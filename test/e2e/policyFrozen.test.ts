import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { APPROVALS_CHANNEL } from '../../sandbox/identities';
import { getConfig, parseConfig, type Config } from '../../src/config';
import { eventually } from '../support/localAws';
import { useTempFiles } from '../support/tempFiles';
import { incidentIdOf, ledgerOf, requestApproval, unique, useHarness } from '../support/sandboxHarness';

const ROOT = resolve(__dirname, '../..');

/**
 * The rules of a request are fixed when it arrives. The sandbox's handlers
 * share one parsed configuration per container, as on Lambda; replacing it in
 * place is what a redeploy with another configuration does to every container
 * that handles the request afterwards (the click, the sweep).
 */
describe('E2E: a request is decided by the policy it arrived under, and the ledger says which rule', () => {
  const h = useHarness();
  const tmp = useTempFiles('chainsec-policy-');
  let original: Config | undefined;

  /** Every container from now on runs with `env` over the sandbox's environment. */
  function redeploy(env: Record<string, string>): void {
    const live = getConfig();
    original ??= { ...live };
    Object.assign(live, parseConfig({ ...process.env, ...env }));
  }
  afterAll(() => {
    if (original) Object.assign(getConfig(), original);
  });

  /** `npx chainsec verify ...` as an auditor runs it: the real executable, in a fresh process. */
  function chainsecVerify(ledgerText: string, keyPem: string): { status: number | null; lines: string[] } {
    const args = [
      'verify',
      '--ledger',
      tmp.file('ledger.jsonl', ledgerText),
      '--public-key',
      tmp.file('key.pem', keyPem),
    ];
    const result = spawnSync(join(ROOT, 'node_modules/.bin/node'), [join(ROOT, 'bin/chainsec.js'), ...args], {
      cwd: tmp.dir,
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { status: result.status, lines: result.stdout.trimEnd().split('\n') };
  }

  const waiting = (arn: string) => h.sandbox.sfn.waitingTasks(arn).length;

  it('a critical created under 2 approvals is not decided by one vote after the configuration says 1', async () => {
    // Prepare: a critical under the default policy (two approvals), then a configuration that asks for one
    const { arn, card, id } = await requestApproval(h, {
      tx_hash: `0x${unique()}f1`,
      amount_usd: 300_000,
      protocol: 'Curve',
      anomaly_score: 0.97,
    });
    await eventually(async () => (waiting(arn) > 0 ? true : undefined));
    redeploy({ POLICY_OVERRIDES: JSON.stringify({ critical: { approvalsNeeded: 1 } }) });

    // Act
    const first = await h.click({ user: 'U0APPROVER1', actionId: 'chainsec_approve', value: id, messageTs: card.ts });
    const afterOne = waiting(arn);
    const newer = await requestApproval(h, {
      tx_hash: `0x${unique()}f2`,
      amount_usd: 300_000,
      protocol: 'Curve',
      anomaly_score: 0.97,
    });
    await h.click({ user: 'U0APPROVER2', actionId: 'chainsec_approve', value: id, messageTs: card.ts });
    await h.click({
      user: 'U0APPROVER1',
      actionId: 'chainsec_approve',
      value: newer.id,
      messageTs: newer.card.ts,
    });
    const [execution, newerExecution] = [await h.waitForExecution(arn), await h.waitForExecution(newer.arn)];
    await h.json('POST', '/sandbox/tick', {});
    const entries = await ledgerOf(h, id);

    // Assess: the old request needed its two approvals; the new one follows the new configuration
    expect(first.status).toBe(200);
    expect(afterOne).toBe(1);
    expect(execution.output.approval.decision).toBe('approve');
    expect([...execution.output.approval.decidedBy].sort()).toEqual(['U0APPROVER1', 'U0APPROVER2']);
    expect(newerExecution.output.approval.decidedBy).toEqual(['U0APPROVER1']);
    const received = entries.find((e) => e.type === 'incident_received')!;
    expect(received.rule).toBe('default:critical');
    expect(received.policy).toMatchObject({ rule: 'default:critical', approvalsNeeded: 2, onTimeout: 'rollback' });
    expect(entries.find((e) => e.type === 'decision')).toMatchObject({ rule: 'default:critical', approvalsNeeded: 2 });
    expect(incidentIdOf(card)).toBe(id);
    expect(card.channel).toBe(APPROVALS_CHANNEL);
  });

  it('`chainsec verify` says which rule decided each decision', async () => {
    // Prepare
    const ledgerText = await (await fetch(`${h.url}/sandbox/ledger`)).text();
    const key = await (await fetch(`${h.url}/sandbox/public-key`)).text();

    // Act
    const verified = chainsecVerify(ledgerText, key);

    // Assess
    expect(verified.status).toBe(0);
    const rules = verified.lines.find((l) => l.startsWith('decisions by rule: '));
    expect(rules).toContain('default:critical (2 needed) 1');
    expect(rules).toContain('default:critical (1 needed) 1');
    expect(verified.lines.at(-1)).toMatch(/^OK \d+ entries in \d+ chains verified$/);
  });
});
