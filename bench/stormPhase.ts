/**
 * Bench phase 2 (its own process): a storm of 1000 mixed-tier incidents sent
 * through `POST /sandbox/incidents` (the Step Functions path) as fast as the
 * sandbox accepts them, against a sandbox WITH the local Slack rate limit
 * (1 chat.postMessage per second per channel, as Slack). It only counts: how
 * notifications are grouped is the bot's business.
 *
 * Usage: tsx bench/stormPhase.ts <result.json>
 */
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import type { Sandbox } from '../sandbox/Sandbox';
import { APPROVALS_CHANNEL } from '../sandbox/identities';
import { incidentIdFor, type RawIncidentEvent } from '../src/domain/incident';
import { classify } from '../src/domain/risk';
import { benchPhase, log, pool, prng, sleep } from './lib';
import { criticalCardSeconds, floorSeconds, secondsVsFloor, slackRateLimited } from './stormKeys';

const TOTAL = Number(process.env.BENCH_STORM_SIZE ?? 1000);
const DUPLICATES = 20;
const TIMEOUT_S = Number(process.env.BENCH_STORM_TIMEOUT_S ?? 300);
const SEND_CONCURRENCY = 32;

type Tier = 'critical' | 'high' | 'medium' | 'low';

/** The storm: 2% critical, 8% high, 30% medium, 60% low; on-chain and WAF mixed; repeated patterns; 20 exact duplicates. */
export function stormEvents(total = TOTAL, seed = 0xc4a15ec): Array<Record<string, unknown>> {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const between = (lo: number, hi: number) => lo + rnd() * (hi - lo);
  const hexOf = (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 16).toString(16)).join('');
  const counts: Record<Tier, number> = {
    critical: Math.round(total * 0.02),
    high: Math.round(total * 0.08),
    medium: Math.round(total * 0.3),
    low: 0,
  };
  counts.low = total - counts.critical - counts.high - counts.medium;
  const tiers: Tier[] = (Object.entries(counts) as Array<[Tier, number]>).flatMap(([t, n]) => Array<Tier>(n).fill(t));
  for (let i = tiers.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [tiers[i], tiers[j]] = [tiers[j]!, tiers[i]!];
  }
  // A few patterns the agent keeps reporting: the same source IP + URI (WAF) or the same sender (on-chain).
  const wafPatterns = Array.from({ length: 5 }, (_, k) => ({
    source_ip: `198.51.100.${10 + k}`,
    uri: ['/api/login', '/wp-admin/setup.php', '/api/users?id=1%27--', '/.env', '/graphql'][k]!,
  }));
  const senders = Array.from({ length: 3 }, () => `0x${hexOf(40)}`);
  const wafSeverity: Record<Tier, () => number> = {
    critical: () => 5,
    high: () => 4,
    medium: () => 3,
    low: () => Math.floor(rnd() * 3),
  };
  const score: Record<Tier, () => number> = {
    critical: () => between(0.91, 0.99),
    high: () => between(0.71, 0.89),
    medium: () => between(0.41, 0.69),
    low: () => between(0.02, 0.39),
  };
  const started = Date.parse('2025-06-01T00:00:00Z');
  const events = tiers.map((tier, i): Record<string, unknown> => {
    const timestamp = new Date(started + i * 137).toISOString();
    if (rnd() < 0.5) {
      const pattern =
        rnd() < 0.1
          ? pick(wafPatterns)
          : {
              source_ip: `203.0.113.${Math.floor(rnd() * 254) + 1}`,
              uri: `/api/${pick(['orders', 'users', 'search', 'cart'])}/${Math.floor(rnd() * 10_000)}`,
            };
      return {
        id: `storm-${i}-${hexOf(6)}`,
        timestamp,
        action: pick(['BLOCK', 'COUNT', 'ALLOW']),
        ...pattern,
        http_method: pick(['GET', 'POST']),
        rule_name: pick(['SQLi_BODY', 'XSS_QUERYARGUMENTS', 'AWSManagedRulesKnownBadInputsRuleSet', 'RateLimit_IP']),
        country: pick(['US', 'DE', 'BR', 'VN', 'RU', 'NL']),
        analysis: {
          severity_rating: wafSeverity[tier](),
          security_analysis: `Storm WAF event ${i}.`,
          follow_up_suggestion: 'Review the source.',
        },
      };
    }
    return {
      tx_hash: `0x${hexOf(64)}`,
      amount_usd:
        tier === 'critical' && rnd() < 0.3 ? Math.round(between(100_001, 900_000)) : Math.round(between(100, 90_000)),
      protocol: pick(['Uniswap', 'Aave', 'Curve', 'Compound']),
      anomaly_score: Math.round(score[tier]() * 1000) / 1000,
      chain: 'ethereum',
      from: rnd() < 0.1 ? pick(senders) : `0x${hexOf(40)}`,
      to: `0x${hexOf(40)}`,
      timestamp,
    };
  });
  // Exact duplicates of earlier events (an at-least-once producer), spread through the storm after its
  // first 100 events (its first half when smaller; at most one in ten).
  const first = Math.min(100, Math.floor(total / 2));
  for (let d = 0; d < Math.min(DUPLICATES, Math.floor(total / 10)); d++) {
    const at = first + Math.floor(rnd() * (total - first));
    events[at] = { ...events[Math.floor(rnd() * at)]! };
  }
  return events;
}

function main(): Promise<void> {
  // The ingest queue may be waiting out Slack 429s: do not wait for it for long when stopping.
  return benchPhase({}, run, 10_000);
}

async function run(sandbox: Sandbox) {
  const events = stormEvents();
  const ids = events.map((e) => incidentIdFor(e as unknown as RawIncidentEvent));
  const unique = new Set(ids);
  const tiers: Record<string, number> = {};
  for (const e of events)
    tiers[classify(e as unknown as RawIncidentEvent)] = (tiers[classify(e as unknown as RawIncidentEvent)] ?? 0) + 1;
  log(
    `storm: sending ${events.length} incidents (${unique.size} unique) with the Slack rate limit ON; timeout ${TIMEOUT_S} s`,
  );

  // Critical incidents are shuffled through the storm (2 %); each one's first send time, Date.now() as the Slack call log.
  const criticalSentAt = new Map<string, number>();
  const firstSendMs = Date.now();
  const t0 = performance.now();
  const statuses: Record<string, number> = {};
  await pool(events, SEND_CONCURRENCY, async (event, i) => {
    const id = ids[i]!;
    if (!criticalSentAt.has(id) && classify(event as unknown as RawIncidentEvent) === 'critical')
      criticalSentAt.set(id, Date.now());
    const res = await fetch(`${sandbox.url}/sandbox/incidents`, {
      method: 'POST',
      body: JSON.stringify(event),
      headers: { 'content-type': 'application/json' },
    });
    await res.text();
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
  });
  const sendSeconds = (performance.now() - t0) / 1000;
  log(`storm: sent in ${sendSeconds.toFixed(1)} s; waiting for every incident to be recorded`);

  const ddb = new DynamoDBClient({});
  const recordedIds = async (): Promise<Set<string>> => {
    const found = new Set<string>();
    const pages = paginateScan(
      { client: ddb },
      {
        TableName: process.env.LEDGER_TABLE!,
        ProjectionExpression: 'incidentId',
        FilterExpression: '#t = :r',
        ExpressionAttributeNames: { '#t': 'type' },
        ExpressionAttributeValues: { ':r': { S: 'incident_received' } },
      },
    );
    for await (const page of pages)
      for (const item of page.Items ?? []) if (item.incidentId?.S) found.add(item.incidentId.S);
    return found;
  };
  const deadLettered = (): Set<string> => {
    const out = new Set<string>();
    for (const d of sandbox.ingestDeadLetters()) {
      try {
        const message = JSON.parse((JSON.parse(d.body) as { Message: string }).Message) as {
          incident?: { id?: string };
        };
        if (message.incident?.id) out.add(message.incident.id);
      } catch {
        /* unreadable: counted lost anyway */
      }
    }
    return out;
  };

  const deadline = t0 + TIMEOUT_S * 1000;
  let recorded = new Set<string>();
  let dead = new Set<string>();
  let recordedAt: number | undefined;
  while (performance.now() < deadline) {
    recorded = await recordedIds();
    dead = deadLettered();
    if ([...unique].every((id) => recorded.has(id) || dead.has(id))) {
      recordedAt = performance.now();
      break;
    }
    await sleep(2000);
  }
  log(
    `storm: ${recorded.size}/${unique.size} recorded${recordedAt ? '' : ' (timed out)'}; waiting for the ingest queue to drain`,
  );
  let drainedAt: number | undefined;
  while (performance.now() < deadline) {
    const q = sandbox.ingestStats();
    const running = sandbox.sfn
      .listExecutions()
      .filter((e) => e.status === 'RUNNING' && sandbox.sfn.waitingTasks(e.executionArn).length === 0).length;
    if (q.waiting === 0 && q.inFlight === 0 && running === 0) {
      drainedAt = performance.now();
      break;
    }
    await sleep(1000);
  }
  const end = performance.now();
  const recordedSet = await recordedIds();
  const stats = sandbox.slack.stats();
  const messages = sandbox.slack.messages.all();
  const postCalls = sandbox.slack.calls('chat.postMessage');
  const floor = floorSeconds(stats.postsByChannel);
  const approvalCards = messages.filter(
    (m) =>
      m.channel === APPROVALS_CHANNEL &&
      m.kind === 'message' &&
      JSON.stringify(m.blocks).includes('"chainsec_approve"'),
  ).length;
  const recordedUnique = [...unique].filter((id) => recordedSet.has(id)).length;
  const recordedSent = ids.filter((id) => recordedSet.has(id)).length;
  const executions = sandbox.sfn.listExecutions();
  const byStatus: Record<string, number> = {};
  for (const e of executions) byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
  return {
    sent: events.length,
    uniqueSent: unique.size,
    duplicatesSent: events.length - unique.size,
    recorded: recordedUnique,
    recordedSentEvents: recordedSent,
    lost: unique.size - recordedUnique,
    deadLettered: dead.size,
    approvalCards,
    slackPosts: stats.byMethod['chat.postMessage'] ?? 0,
    slackPostsDelivered: Object.values(stats.postsByChannel).reduce((a, b) => a + b, 0),
    slackRateLimited: slackRateLimited(postCalls),
    slackRateLimitedAllMethods: stats.rateLimited,
    criticalCardSeconds: criticalCardSeconds(criticalSentAt, postCalls),
    floorSeconds: floor,
    secondsVsFloor: secondsVsFloor(firstSendMs, postCalls, floor),
    slackCallsByMethod: stats.byMethod,
    postsByChannel: stats.postsByChannel,
    maxPostsPerSecondPerChannel: stats.maxPostsPerSecondPerChannel,
    seconds: Math.round((((recordedAt ?? end) - t0) / 1000) * 10) / 10,
    allRecorded: recordedAt !== undefined,
    sendSeconds: Math.round(sendSeconds * 10) / 10,
    drainedSeconds: drainedAt !== undefined ? Math.round(((drainedAt - t0) / 1000) * 10) / 10 : null,
    timeoutSeconds: TIMEOUT_S,
    tiersSent: tiers,
    sendStatuses: statuses,
    executions: byStatus,
    ingestQueues: sandbox.ingestStats(),
    method:
      `${events.length} raw events (seeded; 2/8/30/60% critical/high/medium/low, ~half on-chain, half WAF, repeated IP+URI / sender patterns, ${events.length - unique.size} exact duplicates) ` +
      `POSTed to /sandbox/incidents, ${SEND_CONCURRENCY} in flight. recorded = distinct incidents with an incident_received ledger entry in DynamoDB ` +
      '(an incident sent twice is recorded once); lost = uniqueSent - recorded (dead-lettered, or not recorded before the timeout). ' +
      'seconds = first send until every incident is recorded (or the timeout); card and post counts are taken after the ingest queue drained (or the timeout). ' +
      'slackPosts = every chat.postMessage call, 429s included; slackPostsDelivered = the ones that posted; slackRateLimited = chat.postMessage calls answered 429 ' +
      '(slackRateLimitedAllMethods: any method). criticalCardSeconds = per critical incident, its first send until the first delivered chat.postMessage whose blocks ' +
      "carry its id (its floor: the same if critical cards had the channel to themselves at 1/s from each send); floorSeconds = the busiest channel's delivered posts / 1 per s; secondsVsFloor = first send until the last delivered post, / floorSeconds.",
  };
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`storm phase failed: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
