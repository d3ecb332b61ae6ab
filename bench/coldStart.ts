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

/** Spawns one fresh process that requires `bundle` and invokes it with `event`. */
function coldStart(bundle: string, event: unknown, env: NodeJS.ProcessEnv): Promise<ColdRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(NODE, [...(process.env.PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof', '--cpu-prof-interval=100'] : []), CHILD, bundle], { env: { ...env, BENCH_EVENT: JSON.stringify(event) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (code !== 0 || !line) return reject(new Error(`cold start of ${bundle} exited ${code}: ${err.slice(-2000)}`));
      resolve({ ...(JSON.parse(line.slice('BENCH_RESULT '.length)) as Omit<ColdRun, 'wallMs'>), wallMs: performance.now() - t0 });
    });
  });
}

/**
 * Cold starts of dist/slackEvents (pointed at the running sandbox's local
 * services, so the vote really lands) vs dist/bareBolt, each invoked once with
 * the same signed block_actions request. The two alternate which goes first.
 */
export async function coldStarts(sandbox: Sandbox, cards: PendingCard[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' };
  delete env.NODE_OPTIONS;
  const bundles = { slackEvents: path.join(ROOT, 'dist/slackEvents/index.js'), bareBolt: path.join(ROOT, 'dist/bareBolt/index.js') };
  const runs: Record<'slackEvents' | 'bareBolt', ColdRun[]> = { slackEvents: [], bareBolt: [] };
  let votesLanded = 0;
  for (const [i, card] of cards.entries()) {
    const { body, headers } = signedClick(sandbox, card, 'U0APPROVER1', 'chainsec_approve');
    const fake = { method: 'POST', url: '/slack/events', headers } as unknown as IncomingMessage;
    const event = httpApiEvent(fake, body);
    const order = i % 2 === 0 ? (['bareBolt', 'slackEvents'] as const) : (['slackEvents', 'bareBolt'] as const);
    for (const name of order) {
      const run = await coldStart(bundles[name], event, env);
      if (run.statusCode !== 200) throw new Error(`${name} cold start answered ${run.statusCode}: ${run.body}`);
      runs[name].push(run);
    }
    if (sandbox.sfn.taskSuccessRequests(card.executionArn).some((r) => r.outcome === 'resumed')) votesLanded++;
    await sandbox.sfn.waitForCompletion(card.executionArn, 30_000);
  }
  const med = (name: 'slackEvents' | 'bareBolt') => median(runs[name].map((r) => r.readyMs));
  const ratio = med('slackEvents') / med('bareBolt');
  log(`cold start: slackEvents median ${med('slackEvents').toFixed(1)} ms, bareBolt ${med('bareBolt').toFixed(1)} ms`);
  const describe = (name: 'slackEvents' | 'bareBolt') => ({
    handlerReadyMs: summarize(runs[name].map((r) => r.readyMs)),
    requireDoneMs: summarize(runs[name].map((r) => r.requiredMs)),
    firstInvocationMs: summarize(runs[name].map((r) => r.readyMs - r.requiredMs)),
    spawnToExitMs: summarize(runs[name].map((r) => r.wallMs)),
  });
  return {
    ratioVsBareBolt: Math.round(ratio * 1000) / 1000,
    slackEventsMedianMs: Math.round(med('slackEvents') * 100) / 100,
    bareBoltMedianMs: Math.round(med('bareBolt') * 100) / 100,
    samples: cards.length,
    slackEvents: describe('slackEvents'),
    bareBolt: describe('bareBolt'),
    slackEventsVotesLanded: votesLanded,
    method:
      `fresh ${path.relative(ROOT, NODE)} process per sample: require the bundle, invoke handler(event, context) once with a signed block_actions ` +
      'request (API Gateway v2 event), performance.now() after it returned. slackEvents runs against the sandbox\'s local services ' +
      '(its env) and really records the vote and resumes the workflow; bareBolt only acks.',
  };
}
