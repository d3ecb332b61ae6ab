/**
 * Bench phase: agents over MCP. `requestToCardMs`: from an agent's
 * `request_approval` call (the official SDK client, Streamable HTTP, a bearer
 * token) to its card being in the local Slack, over sequential requests
 * against one sandbox whose local Slack rate limit is off. `proxy`: the
 * governing proxy's added latency for a call that passes at once (`echo` of
 * the sandbox's upstream, server-everything): the same call through chainsec
 * and straight to the upstream, each with one connected SDK client.
 *
 * Usage: tsx bench/mcpPhase.ts <result.json>
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Sandbox } from '../sandbox/Sandbox';
import { SANDBOX_AGENTS } from '../sandbox/identities';
import { KmsSigner } from '../src/services/KmsSigner';
import { DynamoDbToolCallLedger } from '../src/services/dynamodb/DynamoDbToolCallLedger';
import { benchPhase, hex, log, sleep, summarize } from './lib';

const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
const SAMPLES = Number(process.env.BENCH_MCP_SAMPLES ?? 100);

function main(): Promise<void> {
  return benchPhase({ slackRateLimit: false, governedUpstream: true }, run);
}

async function run(sandbox: Sandbox) {
  const agent = SANDBOX_AGENTS.find((a) => a.mayRequest)!;
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${sandbox.url}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${agent.token}` } },
    }),
  );
  const samples: number[] = [];
  log(`mcp: ${WARMUP} warm-up + ${SAMPLES} request_approval calls, each until its card is posted`);
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const title = `bench ${hex(6)}`;
    const started = performance.now();
    const result = await client.callTool({
      name: 'request_approval',
      arguments: {
        tier: 'high',
        title,
        proposedAction: { type: 'disable_key', target: `AKIA${hex(8)}`, reversible: true },
      },
    });
    if (result.isError) throw new Error(`request refused: ${JSON.stringify(result.content)}`);
    // The card is posted before the call answers; checked, so a change there cannot flatter the number.
    while (!sandbox.slack.messages.all().some((m) => m.text.includes(title))) await sleep(1);
    if (i >= WARMUP) samples.push(performance.now() - started);
  }
  const proxy = await proxyLatency(sandbox, client);
  await client.close();
  return { mcp: { requestToCardMs: summarize(samples), proxy } };
}

const round = (n: number): number => Math.round(n * 100) / 100;

/**
 * Milliseconds spent signing and writing ledger entries since the last
 * `take()`: the two adapters' methods timed in place (a measurement shim of
 * this bench process, never of the product).
 */
function ledgerTimer() {
  let spent = 0;
  const time = <T extends object>(proto: T, name: keyof T & string) => {
    const original = proto[name] as (...args: unknown[]) => Promise<unknown>;
    (proto as Record<string, unknown>)[name] = async function (this: unknown, ...args: unknown[]) {
      const started = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        spent += performance.now() - started;
      }
    };
  };
  time(KmsSigner.prototype, 'signDigest');
  time(DynamoDbToolCallLedger.prototype, 'append');
  return {
    take(): number {
      const t = spent;
      spent = 0;
      return t;
    },
  };
}

/** An allowed call through the proxy and straight to the upstream, alternately, `SAMPLES` times each. */
async function proxyLatency(sandbox: Sandbox, viaChainsec: Client) {
  const direct = new Client({ name: 'bench-direct', version: '1.0.0' });
  // The upstream lets in only chainsec's token: the direct client shows it too.
  await direct.connect(
    new StreamableHTTPClientTransport(new URL(sandbox.upstream!.url), {
      requestInit: { headers: sandbox.upstream!.headers },
    }),
  );
  const proxied: number[] = [];
  const straight: number[] = [];
  const recorded: number[] = [];
  const ledger = ledgerTimer();
  log(`mcp proxy: ${WARMUP} warm-up + ${SAMPLES} allowed calls through chainsec and as many straight to the upstream`);
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const message = `bench ${hex(6)}`;
    ledger.take();
    let started = performance.now();
    const via = await viaChainsec.callTool({ name: 'everything__echo', arguments: { message } });
    const viaMs = performance.now() - started;
    const ledgerMs = ledger.take();
    started = performance.now();
    await direct.callTool({ name: 'echo', arguments: { message } });
    const directMs = performance.now() - started;
    if (via.isError) throw new Error(`proxied call refused: ${JSON.stringify(via.content)}`);
    if (i >= WARMUP) {
      proxied.push(viaMs);
      straight.push(directMs);
      recorded.push(ledgerMs);
    }
  }
  await direct.close();
  const p = summarize(proxied);
  const d = summarize(straight);
  return {
    allowedCallMs: p,
    directCallMs: d,
    addedMs: { p50: round(p.p50 - d.p50), p99: round(p.p99 - d.p99) },
    // Of the added time, what the call's two signed ledger entries took (signing and writing, before and after it).
    ledgerMs: summarize(recorded),
  };
}

void main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
