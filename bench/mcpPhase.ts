/**
 * Bench phase: agents over MCP. `requestToCardMs`: from an agent's
 * `request_approval` call (the official SDK client, Streamable HTTP, a bearer
 * token) to its card being in the local Slack, over sequential requests
 * against one sandbox whose local Slack rate limit is off.
 *
 * Usage: tsx bench/mcpPhase.ts <result.json>
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Sandbox } from '../sandbox/Sandbox';
import { SANDBOX_AGENTS } from '../sandbox/identities';
import { hex, log, sleep, summarize, writeResult } from './lib';

const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
const SAMPLES = Number(process.env.BENCH_MCP_SAMPLES ?? 100);

async function main(): Promise<void> {
  const sandbox = new Sandbox({
    port: 0,
    ...(process.env.BENCH_DYNAMODB_ENDPOINT && { dynamoDbEndpoint: process.env.BENCH_DYNAMODB_ENDPOINT }),
    slackRateLimit: false,
    logLevel: 'ERROR',
  });
  await sandbox.start();
  try {
    writeResult(process.argv[2], await run(sandbox));
  } finally {
    await Promise.race([sandbox.stop(), sleep(15_000)]);
  }
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
  await client.close();
  return { mcp: { requestToCardMs: summarize(samples) } };
}

void main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
