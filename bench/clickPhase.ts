/**
 * Bench phase 1 (its own process, so the handlers' per-container state is
 * fresh): click-to-resumed vs the raw service calls, ack latency of 200 clicks,
 * and cold starts of the bundled handler vs a bare Bolt bundle — all against
 * one sandbox whose local Slack rate limit is off (setup posts ~300 cards).
 *
 * Usage: tsx bench/clickPhase.ts <result.json>
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { SFNClient, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { LogLevel, WebClient } from '@slack/web-api';
import type { Sandbox } from '../sandbox/Sandbox';
import { clientOptions } from '../src/services/awsClients';
import { slackFetch } from '../src/services/WebApiSlackGateway';
import { coldStarts } from './coldStart';
import {
  benchPhase,
  createPending,
  criticalEvent,
  highEvent,
  log,
  median,
  postClick,
  signedClick,
  summarize,
  until,
  type PendingCard,
} from './lib';

const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
const DECISION_SAMPLES = Number(process.env.BENCH_DECISION_SAMPLES ?? 100);
const ACK_CLICKS = 200;
const COLD_SAMPLES = Number(process.env.BENCH_COLD_SAMPLES ?? 15);
/** The ack clicks: one per high incident, two per critical incident. */
const ACK_HIGH = 60;
const ACK_CRITICAL = (ACK_CLICKS - ACK_HIGH) / 2;

function main(): Promise<void> {
  return benchPhase({ slackRateLimit: false }, run);
}

async function run(sandbox: Sandbox) {
  // ---- setup: every pending request the phase clicks, made up front --------
  const setupStarted = performance.now();
  const nHigh = 2 * (WARMUP + DECISION_SAMPLES) + ACK_HIGH + COLD_SAMPLES;
  log(`setup: ${nHigh} high + ${ACK_CRITICAL} critical pending approvals (local Slack rate limit off)`);
  const highs = await createPending(
    sandbox,
    Array.from({ length: nHigh }, () => highEvent('')),
  );
  const criticals = await createPending(
    sandbox,
    Array.from({ length: ACK_CRITICAL }, () => criticalEvent('')),
  );
  const setupSeconds = (performance.now() - setupStarted) / 1000;
  const take = (n: number) => highs.splice(0, n);
  const botPool = take(WARMUP + DECISION_SAMPLES);
  const rawPool = take(WARMUP + DECISION_SAMPLES);
  const ackHighs = take(ACK_HIGH);
  const coldPool = take(COLD_SAMPLES);

  // ---- decision: click-to-resumed vs the same raw calls ---------------------
  const raw = rawCalls(sandbox);
  const bot: number[] = [];
  const botAck: number[] = [];
  const direct: number[] = [];
  const parts: Record<'transactWrite' | 'sign' | 'sendTaskSuccess' | 'chatUpdate', number[]> = {
    transactWrite: [],
    sign: [],
    sendTaskSuccess: [],
    chatUpdate: [],
  };
  log(`decision: ${WARMUP} warm-up + ${DECISION_SAMPLES} samples each, bot and raw alternating`);
  for (let i = 0; i < WARMUP + DECISION_SAMPLES; i++) {
    const b = await botDecision(sandbox, botPool[i]!);
    const r = await raw(rawPool[i]!, i);
    if (i < WARMUP) continue;
    bot.push(b.resumedMs);
    botAck.push(b.ackMs);
    direct.push(r.total);
    for (const k of Object.keys(parts) as Array<keyof typeof parts>) parts[k].push(r[k]);
  }

  // ---- ack: 200 valid votes, one at a time ------------------------------------
  log(`ack: ${ACK_CLICKS} signed vote clicks (${ACK_HIGH} high, ${ACK_CRITICAL} critical x 2)`);
  const ack: number[] = [];
  const statuses: Record<string, number> = {};
  const click = async (card: PendingCard, user: string, actionId: string, decides: boolean) => {
    const { body, headers } = signedClick(sandbox, card, user, actionId);
    const t0 = performance.now();
    const res = await postClick(`${sandbox.url}/slack/events`, body, headers);
    ack.push(performance.now() - t0);
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    // Samples stay independent: the decided workflow finishes before the next click.
    if (decides) await sandbox.sfn.waitForCompletion(card.executionArn, 30_000);
  };
  for (let i = 0; i < ACK_CRITICAL; i++) {
    const crit = criticals[i]!;
    await click(crit, 'U0APPROVER1', 'chainsec_approve', false);
    if (i < ACK_HIGH)
      await click(
        ackHighs[i]!,
        i % 2 ? 'U0APPROVER3' : 'U0APPROVER2',
        i % 3 === 0 ? 'chainsec_deny' : 'chainsec_approve',
        true,
      );
    await click(crit, 'U0ONCALL1', i % 4 === 0 ? 'chainsec_deny' : 'chainsec_approve', true);
  }
  const clicked = new Set([...criticals, ...ackHighs].map((c) => c.incidentId));
  const ledger = await (await fetch(`${sandbox.url}/sandbox/ledger`)).text();
  const votesRecorded = ledger
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; incidentId: string })
    .filter((e) => e.type === 'vote' && clicked.has(e.incidentId)).length;

  // ---- cold start ---------------------------------------------------------------
  log(`cold start: ${COLD_SAMPLES} fresh processes per bundle`);
  const cold = await coldStarts(sandbox, coldPool);

  const botMedian = median(bot);
  const rawMedian = median(direct);
  return {
    setup: {
      seconds: Math.round(setupSeconds * 10) / 10,
      pendingCreated: nHigh + ACK_CRITICAL,
      slackRateLimit: 'off (setup only: ~300 cards would take ~300 s at 1/s)',
    },
    decision: {
      overheadRatio: Math.round((botMedian / rawMedian) * 1000) / 1000,
      botMedianMs: Math.round(botMedian * 100) / 100,
      rawMedianMs: Math.round(rawMedian * 100) / 100,
      samples: DECISION_SAMPLES,
      warmup: WARMUP,
      bot: { clickToResumed: summarize(bot), clickToHttpAnswer: summarize(botAck) },
      raw: {
        total: summarize(direct),
        ...Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, summarize(v)])),
      },
      method:
        'bot: signed Approve click on a fresh HIGH request (1 approver) -> first SendTaskSuccess read by the local Step Functions for that execution. ' +
        'raw: DynamoDB TransactWriteItems (the record and the click key), KMS Sign (DIGEST), SFN SendTaskSuccess on another waiting execution, Slack chat.update on an existing card, sequential, ' +
        "with the clients configured as the bot's (AWS SDK v3, WebClient on the same node:http transport), same local services. " +
        'Bot and raw samples alternate; each waits for its workflow to finish before the next.',
    },
    ack: {
      ...summarize(ack),
      p99Ms: summarize(ack).p99,
      clicks: ack.length,
      statuses,
      votesRecorded,
      setup:
        'sandbox with the local Slack rate limit off, so the 200 pending cards post at once; clicks sent one at a time, each after the previous decided workflow finished',
    },
    coldStart: cold,
  };
}

/** One bot sample: the signed click, until Step Functions reads SendTaskSuccess. */
async function botDecision(sandbox: Sandbox, card: PendingCard): Promise<{ resumedMs: number; ackMs: number }> {
  const { body, headers } = signedClick(sandbox, card, 'U0APPROVER1', 'chainsec_approve');
  const t0 = performance.now();
  const res = await postClick(`${sandbox.url}/slack/events`, body, headers);
  const ackMs = performance.now() - t0;
  if (res.status !== 200) throw new Error(`click answered ${res.status}`);
  const first = await until('SendTaskSuccess', () => sandbox.sfn.taskSuccessRequests(card.executionArn)[0], 10_000, 1);
  if (first.outcome !== 'resumed') throw new Error(`SendTaskSuccess answered ${first.outcome}`);
  await sandbox.sfn.waitForCompletion(card.executionArn, 30_000);
  return { resumedMs: first.at - t0, ackMs };
}

/** The raw calls, made directly with SDK clients configured as the bot's. */
function rawCalls(sandbox: Sandbox) {
  const opts = clientOptions(2500);
  const ddb = new DynamoDBClient(opts);
  const kms = new KMSClient(opts);
  const sfn = new SFNClient(opts);
  // The bot's Slack transport too (node:http, keep-alive), so the two paths differ only in what the bot does.
  const slack = new WebClient(process.env.SLACK_BOT_TOKEN, {
    slackApiUrl: process.env.SLACK_API_URL!,
    logLevel: LogLevel.ERROR,
    retryConfig: { retries: 1 },
    fetch: slackFetch(),
  });
  const table = process.env.INCIDENTS_TABLE!;
  const keyId = process.env.SIGNING_KEY_ID!;
  return async (card: PendingCard, i: number) => {
    const token = sandbox.sfn.waitingTasks(card.executionArn)[0]?.taskToken;
    if (!token) throw new Error('raw sample: no waiting task');
    const message = sandbox.slack.messages.all().find((m) => m.ts === card.ts)!;
    const output = JSON.stringify({
      decision: 'deny',
      decidedBy: ['U0APPROVER2'],
      decidedAt: new Date().toISOString(),
      incidentId: card.incidentId,
      ledgerHash: '0'.repeat(64),
      dryRun: false,
    });
    const t0 = performance.now();
    // The bot's one write: the incident and the click's one-time key in a single transaction.
    await ddb.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Put: {
              TableName: table,
              Item: {
                pk: { S: `BENCH#${i}` },
                sk: { S: 'BENCH' },
                payload: { S: randomBytes(1024).toString('base64') },
              },
            },
          },
          {
            Put: {
              TableName: table,
              Item: { pk: { S: `BENCH#ONCE#${i}` }, sk: { S: 'ONCE' } },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
    const t1 = performance.now();
    await kms.send(
      new SignCommand({
        KeyId: keyId,
        Message: randomBytes(32),
        MessageType: 'DIGEST',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    const t2 = performance.now();
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output }));
    const t3 = performance.now();
    await slack.chat.update({
      channel: message.channel,
      ts: message.ts,
      text: message.text,
      blocks: message.blocks as never,
    });
    const t4 = performance.now();
    await sandbox.sfn.waitForCompletion(card.executionArn, 30_000);
    return { total: t4 - t0, transactWrite: t1 - t0, sign: t2 - t1, sendTaskSuccess: t3 - t2, chatUpdate: t4 - t3 };
  };
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`click phase failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
