import { writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { Sandbox, type SandboxOptions } from '../sandbox/Sandbox';
import type { RecordedMessage } from '../sandbox/local/MessageStore';
import { blockActionsPayload, signSlackRequest } from '../sandbox/local/slackSigning';
import { APPROVALS_CHANNEL } from '../sandbox/identities';

/** Percentiles and friends of a set of samples (milliseconds), rounded to 0.01 ms. */
export interface Summary {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  min: number;
  mean: number;
}

const round = (x: number) => Math.round(x * 100) / 100;

/** Nearest-rank percentile of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Median (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function summarize(values: readonly number[]): Summary {
  const s = [...values].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: round(median(s)),
    p90: round(percentile(s, 90)),
    p99: round(percentile(s, 99)),
    max: round(s[s.length - 1] ?? Number.NaN),
    min: round(s[0] ?? Number.NaN),
    mean: round(s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)),
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until `check` returns a value, or throws after `timeoutMs`. */
export async function until<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
  everyMs = 5,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`bench: ${what} not reached within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

/** Runs `task` over `items` with at most `limit` in flight. */
export async function pool<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= items.length) return;
        out[i] = await task(items[i]!, i);
      }
    }),
  );
  return out;
}

/** A deterministic PRNG (mulberry32), so every run sends the same storm. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** An on-chain event tagged `tag` moving `amountUsd` on `protocol` with `anomalyScore`, fresh hashes and addresses. */
function onChainEvent(tag: string, amountUsd: number, protocol: string, anomalyScore: number): Record<string, unknown> {
  return {
    tx_hash: `0x${tag}${hex(20)}`,
    amount_usd: amountUsd,
    protocol,
    anomaly_score: anomalyScore,
    chain: 'ethereum',
    from: `0x${hex(20)}`,
    to: `0x${hex(20)}`,
  };
}

/** A high-tier on-chain event (one approver decides). */
export const highEvent = (tag: string): Record<string, unknown> => onChainEvent(tag, 25_000, 'Aave', 0.8);

/** A critical-tier on-chain event (two approvers decide). */
export const criticalEvent = (tag: string): Record<string, unknown> => onChainEvent(tag, 250_000, 'Uniswap', 0.95);

/** A pending approval request, ready to be clicked. */
export interface PendingCard {
  executionArn: string;
  incidentId: string;
  ts: string;
  txHash: string;
}

/**
 * Starts `events` as workflows through `POST /sandbox/incidents` and waits
 * until each has its approval card and the ingest queue is idle.
 */
export async function createPending(
  sandbox: Sandbox,
  events: Array<Record<string, unknown>>,
  concurrency = 8,
): Promise<PendingCard[]> {
  const arns = await pool(events, concurrency, async (event) => {
    const res = await fetch(`${sandbox.url}/sandbox/incidents`, {
      method: 'POST',
      body: JSON.stringify(event),
      headers: { 'content-type': 'application/json' },
    });
    const body = (await res.json()) as { executionArn?: string };
    if (res.status !== 202 || !body.executionArn)
      throw new Error(`start incident: ${res.status} ${JSON.stringify(body)}`);
    return body.executionArn;
  });
  const cards = await until(
    `${events.length} approval cards`,
    () => {
      const byTx = new Map<string, RecordedMessage>();
      for (const m of sandbox.slack.messages.all()) {
        if (m.channel !== APPROVALS_CHANNEL || m.kind !== 'message') continue;
        const tx = /tx (0x[0-9a-f]+)/.exec(m.text)?.[1];
        if (tx) byTx.set(tx, m);
      }
      const found = events.map((e) => byTx.get(String(e.tx_hash)));
      return found.every(Boolean) ? (found as RecordedMessage[]) : undefined;
    },
    120_000,
    50,
  );
  await sandbox.ingestDrained(120_000);
  return cards.map((card, i) => {
    const incidentId = /INC-[0-9A-Z]{10}/.exec(JSON.stringify(card.blocks))?.[0];
    if (!incidentId) throw new Error('card without an incident id');
    return { executionArn: arns[i]!, incidentId, ts: card.ts, txHash: String(events[i]!.tx_hash) };
  });
}

/** A signed Slack click request (body and headers), as Slack sends it. */
export function signedClick(
  sandbox: Sandbox,
  card: PendingCard,
  user: string,
  actionId: string,
): { body: string; headers: Record<string, string> } {
  const body = blockActionsPayload({
    user,
    actionId,
    value: card.incidentId,
    channel: APPROVALS_CHANNEL,
    messageTs: card.ts,
    responseUrl: sandbox.responseUrlFor({ channel: APPROVALS_CHANNEL, user }),
  });
  const signed = signSlackRequest(body, sandbox.signingSecret);
  return { body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...signed } };
}

/** Writes a phase's result where the orchestrator reads it. */
export function writeResult(file: string | undefined, result: unknown): void {
  const text = JSON.stringify(result, null, 2);
  if (file) writeFileSync(file, text);
  else process.stdout.write(`${text}\n`);
}

/**
 * One bench phase: a sandbox with `options` (on the bench's own DynamoDB Local
 * when BENCH_DYNAMODB_ENDPOINT names one), `run` against it, its result written
 * to the file named on the command line, then the sandbox stopped, waiting for
 * that at most `stopWaitMs`.
 */
export async function benchPhase(
  options: SandboxOptions,
  run: (sandbox: Sandbox) => Promise<unknown>,
  stopWaitMs = 15_000,
): Promise<void> {
  const sandbox = new Sandbox({
    port: 0,
    ...(process.env.BENCH_DYNAMODB_ENDPOINT && { dynamoDbEndpoint: process.env.BENCH_DYNAMODB_ENDPOINT }),
    logLevel: 'ERROR',
    ...options,
  });
  await sandbox.start();
  try {
    writeResult(process.argv[2], await run(sandbox));
  } finally {
    await Promise.race([sandbox.stop(), sleep(stopWaitMs)]);
  }
}

/** Progress, on stderr (stdout stays clean). */
export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

const clickAgent = new Agent({ keepAlive: true });

/**
 * POSTs a signed click the way Slack's servers would, over a kept-alive
 * node:http connection: the client's own cost stays out of the bot's numbers
 * (Node's fetch spends ~1 ms more per request on this machine).
 */
export function postClick(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent: clickAgent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.once('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.once('error', reject);
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}
