/**
 * `npm run bench`: every benchmark of docs/PERFORMANCE.md, side by side in one
 * run, written to bench/results.json, with a short table on stdout.
 *
 * Each phase runs in its own process with its own sandbox (the handlers keep
 * per-container state, as in Lambda) and a fresh DynamoDB Local (the real
 * engine): the click phase (decision overhead, ack latency, cold start) with
 * the local Slack rate limit off for its setup, the storm with it on, then
 * agents over MCP.
 *
 * Knobs (environment): BENCH_DECISION_SAMPLES (100), BENCH_WARMUP (20),
 * BENCH_COLD_SAMPLES (15), BENCH_STORM_SIZE (1000), BENCH_STORM_TIMEOUT_S (300).
 *
 * `--only decision,ack,coldStart` (any of them) runs the click phase alone, no
 * storm, and prints its keys without writing bench/results.json (a partial
 * run is not a round's results).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDbLocal } from '../sandbox/local/DynamoDbLocal';
import { log } from './lib';

const ROOT = path.resolve(__dirname, '..');
const NODE = path.join(ROOT, 'node_modules/.bin/node');
const TSX = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');

/** Size of each handler's bundle in dist/ (and of the two baselines), by name. */
function bundleBytes(): Record<string, number> {
  const handlers = readdirSync(path.join(ROOT, 'src/handlers'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.basename(f, '.ts'));
  const out: Record<string, number> = {};
  for (const name of [...handlers, 'bareBolt', 'bareBoltSlim'].sort()) {
    const file = path.join(ROOT, 'dist', name, 'index.js');
    if (existsSync(file)) out[name] = statSync(file).size;
  }
  return out;
}

/** Runs one phase in its own process, against a fresh DynamoDB Local; its result is a JSON file. */
async function phase(script: string): Promise<Record<string, any>> {
  const dynamo = new DynamoDbLocal();
  await dynamo.start();
  try {
    // Straight to the Java engine: the fault-injection front (a Node proxy in
    // this process) is test plumbing, and it would add a hop to every
    // DynamoDB call of both the bot and the raw baseline.
    return await runPhase(script, {
      ...process.env,
      BENCH_DYNAMODB_ENDPOINT: dynamo.directUrl,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
  } finally {
    await dynamo.stop();
  }
}

function runPhase(script: string, env: NodeJS.ProcessEnv): Promise<Record<string, any>> {
  const out = path.join(os.tmpdir(), `chainsec-bench-${path.basename(script, '.ts')}-${process.pid}.json`);
  rmSync(out, { force: true });
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [TSX, path.join(__dirname, script), out], {
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0 || !existsSync(out)) return reject(new Error(`${script} exited ${code}`));
      const result = JSON.parse(readFileSync(out, 'utf8')) as Record<string, any>;
      rmSync(out, { force: true });
      resolve(result);
    });
  });
}

/** The click phase's keys; `--only` takes any of them. */
const CLICK_KEYS = ['decision', 'ack', 'coldStart'] as const;

/** `--only a,b`: the click keys asked for, or undefined for the whole bench. */
function onlyKeys(argv: readonly string[]): string[] | undefined {
  const at = argv.indexOf('--only');
  if (at < 0) return undefined;
  const keys = (argv[at + 1] ?? '').split(',').filter(Boolean);
  const unknown = keys.filter((k) => !(CLICK_KEYS as readonly string[]).includes(k));
  if (keys.length === 0 || unknown.length > 0)
    throw new Error(`--only takes some of ${CLICK_KEYS.join(',')}; got ${argv[at + 1] ?? 'nothing'}`);
  return keys;
}

async function main(): Promise<void> {
  const started = Date.now();
  const only = onlyKeys(process.argv.slice(2));
  // `npm run build` bundles the handlers; the bare Bolt baseline needs `--bench`.
  const bare = path.join(ROOT, 'dist/bareBolt/index.js');
  const stale =
    !existsSync(bare) ||
    !existsSync(path.join(ROOT, 'dist/bareBoltSlim/index.js')) ||
    statSync(bare).mtimeMs <
      Math.max(
        statSync(path.join(__dirname, 'bareBolt.ts')).mtimeMs,
        statSync(path.join(__dirname, 'slimBoltIndex.ts')).mtimeMs,
      );
  if (stale || !existsSync(path.join(ROOT, 'dist/slackEvents/index.js'))) {
    log('bundling (node scripts/build.mjs --bench)');
    const built = spawnSync(NODE, [path.join(ROOT, 'scripts/build.mjs'), '--bench'], { stdio: 'inherit' });
    if (built.status !== 0) throw new Error('build failed');
  }
  const bytes = bundleBytes();

  // Each phase gets a DynamoDB Local of its own: the engine slows as tables
  // fill (the storm leaves a thousand incidents and their ledgers behind),
  // and a phase must not measure what the one before it left.
  const clicks = await phase('clickPhase.ts');
  const storm = only ? {} : await phase('stormPhase.ts');
  const mcp = only ? {} : await phase('mcpPhase.ts');
  if (only) {
    console.log(JSON.stringify(Object.fromEntries(only.map((k) => [k, clicks[k]])), null, 2));
    return;
  }

  const cpus = os.cpus();
  const results = {
    measuredAt: new Date().toISOString(),
    node: process.version,
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      memory: os.totalmem(),
      memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    },
    decision: clicks.decision,
    ack: clicks.ack,
    coldStart: clicks.coldStart,
    bundle: { bytes },
    storm: storm,
    mcp: mcp.mcp,
    setup: clicks.setup,
    benchSeconds: Math.round((Date.now() - started) / 100) / 10,
  };
  writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  printTable(results);
}

function printTable(r: Record<string, any>): void {
  const row = (k: string, v: string, note = '') => console.log(`${k.padEnd(34)} ${v.padStart(12)}  ${note}`);
  console.log(
    `\nchainsec bench — ${r.measuredAt}, node ${r.node}, ${r.machine.cpus} CPU(s), ${r.machine.memoryGiB} GiB\n`,
  );
  row(
    'decision.overheadRatio',
    String(r.decision.overheadRatio),
    `bot median ${r.decision.botMedianMs} ms / raw median ${r.decision.rawMedianMs} ms (target <= 1.15)`,
  );
  row(
    'ack.p99Ms',
    String(r.ack.p99Ms),
    `p50 ${r.ack.p50} · p90 ${r.ack.p90} · max ${r.ack.max} ms over ${r.ack.clicks} clicks`,
  );
  row(
    'coldStart.ratioVsBareBolt',
    String(r.coldStart.ratioVsBareBolt),
    `slackEvents ${r.coldStart.slackEventsMedianMs} ms / bareBolt ${r.coldStart.bareBoltMedianMs} ms (target <= 0.8)`,
  );
  row(
    'coldStart.ratioVsSlimBareBolt',
    String(r.coldStart.ratioVsSlimBareBolt),
    `vs bare Bolt slimmed like ours, ${r.coldStart.bareBoltSlimMedianMs} ms (target <= 1.6)`,
  );
  for (const [name, b] of Object.entries(r.bundle.bytes as Record<string, number>))
    row(`bundle.bytes.${name}`, String(b), `${(b / 1024).toFixed(0)} KiB`);
  const s = r.storm;
  row('storm.sent / uniqueSent', `${s.sent} / ${s.uniqueSent}`);
  row(
    'storm.recorded / lost',
    `${s.recorded} / ${s.lost}`,
    s.allRecorded ? '' : `timed out after ${s.timeoutSeconds} s`,
  );
  row('storm.approvalCards', String(s.approvalCards));
  row(
    'storm.slackPosts',
    String(s.slackPosts),
    `${s.slackPostsDelivered} delivered, ${s.slackRateLimited} answered 429`,
  );
  row('storm.maxPostsPerSecondPerChannel', String(s.maxPostsPerSecondPerChannel));
  row('storm.seconds', String(s.seconds), `sent in ${s.sendSeconds} s; drained ${s.drainedSeconds ?? 'no'}`);
  row('storm.slackRateLimited', String(s.slackRateLimited), 'chat.postMessage calls answered 429');
  const c = s.criticalCardSeconds ?? {};
  row(
    'storm.criticalCardSeconds',
    `p50 ${c.p50} / p99 ${c.p99} / max ${c.max}`,
    `${c.n} cards, ${c.unposted} unposted; alone at 1/s from each send: p99 ${c.floor?.p99} / max ${c.floor?.max}`,
  );
  row('storm.secondsVsFloor', String(s.secondsVsFloor), `floor ${s.floorSeconds} s`);
  const m = r.mcp?.requestToCardMs ?? {};
  row('mcp.requestToCardMs', `p50 ${m.p50} / p99 ${m.p99}`, `${m.n} request_approval calls to their cards`);
  const px = r.mcp?.proxy ?? {};
  row(
    'mcp.proxy.addedMs',
    `p50 ${px.addedMs?.p50} / p99 ${px.addedMs?.p99}`,
    `${px.allowedCallMs?.n} allowed calls through chainsec (p99 ${px.allowedCallMs?.p99}) vs straight to the upstream (p99 ${px.directCallMs?.p99})`,
  );
  console.log(`\nwritten to bench/results.json in ${r.benchSeconds} s`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
