import { spawn } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import type { Sandbox } from '../sandbox/Sandbox';
import { httpApiEvent } from '../sandbox/lambdaEvents';
import { log, median, signedClick, summarize, type PendingCard } from './lib';

const ROOT = path.resolve(__dirname, '..');
/** The Node the Lambda runtime would be (22), not whatever `node` is on PATH. */
const NODE = path.join(ROOT, 'node_modules/.bin/node');
const CHILD = path.join(__dirname, 'coldStartChild.cjs');

interface ColdRun {
  readyMs: number;
  requireStartMs: number;
  requiredMs: number;
  statusCode: number;
  body: string;
  /** Spawn to exit, as the parent saw it. */
  wallMs: number;
}

/** BENCH_CPU_PROF=<dir>: each cold process also writes a V8 CPU profile there (for digging, not for the numbers). */
const PROFILE_ARGS = process.env.BENCH_CPU_PROF
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`, '--cpu-prof-interval=100']
  : [];

/** Spawns one fresh process that requires `bundle` and invokes it with `event`. */
function coldStart(bundle: string, event: unknown, env: NodeJS.ProcessEnv): Promise<ColdRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(NODE, [...PROFILE_ARGS, CHILD, bundle], {
      env: { ...env, BENCH_EVENT: JSON.stringify(event) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (code !== 0 || !line) return reject(new Error(`cold start of ${bundle} exited ${code}: ${err.slice(-2000)}`));
      resolve({
        ...(JSON.parse(line.slice('BENCH_RESULT '.length)) as Omit<ColdRun, 'wallMs'>),
        wallMs: performance.now() - t0,
      });
    });
  });
}

type Bundle = 'slackEvents' | 'bareBolt' | 'bareBoltSlim';
const BUNDLES: readonly Bundle[] = ['slackEvents', 'bareBolt', 'bareBoltSlim'];

/**
 * Cold starts of dist/slackEvents (pointed at the running sandbox's local
 * services, so the vote really lands) vs dist/bareBolt (the contract's
 * baseline: a bare Bolt app built the standard way) and dist/bareBoltSlim
 * (the same app slimmed like ours), each invoked once with the same signed
 * block_actions request. The order rotates from sample to sample.
 */
export async function coldStarts(sandbox: Sandbox, cards: PendingCard[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' };
  delete env.NODE_OPTIONS;
  const runs: Record<Bundle, ColdRun[]> = { slackEvents: [], bareBolt: [], bareBoltSlim: [] };
  let votesLanded = 0;
  for (const [i, card] of cards.entries()) {
    const { body, headers } = signedClick(sandbox, card, 'U0APPROVER1', 'chainsec_approve');
    const fake = { method: 'POST', url: '/slack/events', headers } as unknown as IncomingMessage;
    const event = httpApiEvent(fake, body);
    for (let k = 0; k < BUNDLES.length; k++) {
      const name = BUNDLES[(i + k) % BUNDLES.length]!;
      const run = await coldStart(path.join(ROOT, 'dist', name, 'index.js'), event, env);
      if (run.statusCode !== 200) throw new Error(`${name} cold start answered ${run.statusCode}: ${run.body}`);
      runs[name].push(run);
    }
    if (sandbox.sfn.taskSuccessRequests(card.executionArn).some((r) => r.outcome === 'resumed')) votesLanded++;
    await sandbox.sfn.waitForCompletion(card.executionArn, 30_000);
  }
  const med = (name: Bundle) => median(runs[name].map((r) => r.readyMs));
  const ratio = (name: Bundle) => Math.round((med('slackEvents') / med(name)) * 1000) / 1000;
  log(
    `cold start: slackEvents median ${med('slackEvents').toFixed(1)} ms, bareBolt ${med('bareBolt').toFixed(1)} ms, bareBoltSlim ${med('bareBoltSlim').toFixed(1)} ms`,
  );
  const describe = (name: Bundle) => ({
    handlerReadyMs: summarize(runs[name].map((r) => r.readyMs)),
    requireDoneMs: summarize(runs[name].map((r) => r.requiredMs)),
    firstInvocationMs: summarize(runs[name].map((r) => r.readyMs - r.requiredMs)),
    spawnToExitMs: summarize(runs[name].map((r) => r.wallMs)),
  });
  return {
    ratioVsBareBolt: ratio('bareBolt'),
    ratioVsSlimBareBolt: ratio('bareBoltSlim'),
    slackEventsMedianMs: Math.round(med('slackEvents') * 100) / 100,
    bareBoltMedianMs: Math.round(med('bareBolt') * 100) / 100,
    bareBoltSlimMedianMs: Math.round(med('bareBoltSlim') * 100) / 100,
    samples: cards.length,
    slackEvents: describe('slackEvents'),
    bareBolt: describe('bareBolt'),
    bareBoltSlim: describe('bareBoltSlim'),
    slackEventsVotesLanded: votesLanded,
    method:
      `fresh ${path.relative(ROOT, NODE)} process per sample and bundle: require the bundle, invoke handler(event, context) once with a signed block_actions ` +
      "request (API Gateway v2 event), performance.now() (ms since the process started) once it returned. slackEvents runs against the sandbox's local services " +
      '(its env) and really records and signs the vote, commits it, resumes the workflow and updates the card; the bare Bolt apps only ack. ' +
      'bareBolt is the standard bare Bolt app (the contract baseline); bareBoltSlim is the same app slimmed like our handlers (Bolt modules imported directly, unused receivers stubbed).',
  };
}
