import type { AppDeps } from '../../../src/app/deps';
import type { IngestOutcome } from '../../../src/app/ingestOutcome';
import type { ProcessMessage } from '../../../src/app/ingestRecords';
import type { InboundMessage } from '../../../src/domain/messages';
import type { RejectedPayload } from '../../../src/services/RejectedPayloads';
import { fakeAppDeps } from '../../support/fakes/fakeAppDeps';

/** A notification body of a tier, told apart by its `tx_hash`. */
export const notification = (tx: string, tier?: 'low' | 'medium' | 'high' | 'critical'): string =>
  JSON.stringify({
    kind: 'notification',
    ...(tier && { tier }),
    incident: { tx_hash: tx, amount_usd: 10, protocol: 'p', anomaly_score: 0.1 },
  });

/** The `tx_hash` of a processed message. */
export const txOf = (m: InboundMessage): string =>
  m.kind === 'notification' && 'tx_hash' in m.incident ? String(m.incident.tx_hash) : '?';

/** What the fake ports saw. */
export interface Seen {
  /** What the rejected store kept. */
  readonly kept: readonly RejectedPayload[];
  /** The task tokens the workflow failed, in order. */
  readonly failedTasks: readonly string[];
  /** The messages processed, in the order they ran (their `tx_hash`), and the most that ran at once. */
  processed: string[];
  maxConcurrent: number;
}

/**
 * The ports on fakes ({@link fakeAppDeps}) for the ingest batch code: a
 * rejected store that keeps what it is given (or fails to, with `keepFails`)
 * and a workflow that records failed tasks.
 */
export function buildDeps(options: { keepFails?: boolean } = {}): { deps: AppDeps; seen: Seen } {
  const f = fakeAppDeps({ now: '2025-01-01T00:00:00Z' });
  if (options.keepFails) f.storage.table.faults.failAlways('rejected.keep', new Error('store down'));
  const seen: Seen = {
    kept: f.storage.ports.rejected.kept,
    get failedTasks() {
      return f.workflow.failed.map((t) => t.taskToken);
    },
    processed: [],
    maxConcurrent: 0,
  };
  return { deps: f.deps, seen };
}

/**
 * A message runner that records the order it ran messages in and how many ran
 * at once (each call yields to the event loop before it ends, so a runner
 * started in parallel would overlap); it throws for the `tx_hash`es in `failing`.
 */
export function recordingProcess(seen: Seen, failing: ReadonlySet<string> = new Set()): ProcessMessage {
  let running = 0;
  return async (message) => {
    running++;
    seen.maxConcurrent = Math.max(seen.maxConcurrent, running);
    await new Promise((resolve) => setImmediate(resolve));
    running--;
    const tx = txOf(message);
    seen.processed.push(tx);
    if (failing.has(tx)) throw new Error(`slack down for ${tx}`);
    const outcome: IngestOutcome = { kind: 'created', incidentId: tx, ts: '1.0' };
    return outcome;
  };
}
