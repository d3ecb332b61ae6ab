import { Sandbox } from './Sandbox';

/** `npm start`: the local sandbox on PORT (default 3000). */
async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  // The sweep runs every minute, as the EventBridge schedule does in AWS.
  // Summaries run against the local Bedrock stand-in, with a guardrail, so the card shows the real path.
  // It also governs a real upstream MCP server (server-everything) through the proxy.
  const sandbox = new Sandbox({
    port,
    sweepEveryMs: 60_000,
    summaries: { enabled: true, guardrailId: 'gr-sandbox' },
    governedUpstream: true,
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`chainsec sandbox stopping (${signal})\n`);
    await sandbox.stop().catch((e: unknown) => process.stderr.write(`error while stopping: ${(e as Error).message}\n`));
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  try {
    await sandbox.start();
  } catch (e) {
    process.stderr.write(`chainsec sandbox failed to start: ${(e as Error).message}\n`);
    await sandbox.stop().catch(() => undefined);
    process.exit(1);
  }
  process.stdout.write(`chainsec sandbox ready on ${sandbox.url}\n`);
}

void main();
