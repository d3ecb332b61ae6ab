import { ConcurrentUpdateError, IncidentNotFoundError } from '../errors';
import type { IncidentRecord } from '../domain/incidentRecord';
import { LedgerEntryType } from '../domain/ledger';
import type { StoredIncident } from '../services/IncidentRepository';
import type { OnceClaim } from '../services/RequestClaims';
import type { AppDeps } from './deps';
import { chainEntries, publishEntries, signEntries, type EntryDraft } from './ledgerWriter';

/** What a step decides after reading the current state. */
export type StepPlan<R> =
  | { kind: 'stop'; result: R }
  /**
   * The state is not ready yet, but soon will be (a card posted whose `ts`
   * is not stored yet): read again after a pause, and give `result` when it
   * still is not, after {@link MAX_WAITS} pauses.
   */
  | { kind: 'wait'; result: R }
  | { kind: 'commit'; next: IncidentRecord; drafts: EntryDraft[]; result: R };

const MAX_ATTEMPTS = 8;
const MAX_WAITS = 6;
const WAIT_MS = 100;

/** How a signature requested alongside the entries' turned out (it never throws on its own). */
export type Settled<A> = { ok: true; value: A } | { ok: false; error: unknown };

/** Options of {@link commitWithRetry}. */
export interface CommitOptions<A = undefined> {
  /**
   * Receives the incident as written (callers that act on it next skip a read),
   * and what {@link CommitOptions.signAlongside} gave for that write.
   */
  onCommitted?: (written: StoredIncident, alongside?: Settled<A>) => void;
  /**
   * More signing to do from the record about to be written (its entries'
   * hashes are known, as they do not cover signatures), requested in parallel
   * with the entries' signatures so the write waits on one round trip to the
   * key, not two. Its failure does not stop the write: the caller gets it in
   * `onCommitted` and decides (the decision path does not resume then).
   */
  signAlongside?: (next: IncidentRecord) => Promise<A>;
  /** The causing request's one-time key, taken in the same write (see IncidentRepository.commit). */
  claim?: OnceClaim;
  /** A read of the incident already under way, used by the first attempt (a failed one is read again). */
  firstRead?: Promise<StoredIncident | undefined>;
  /**
   * Leaves the new ledger entries unpublished (they are in the ledger from the
   * commit on, inside the incident) for the sweep to publish: the vote path,
   * whose Lambda a person waits on. By default they are published right after
   * the commit.
   */
  publishLater?: boolean;
}

/**
 * Read → plan → sign → one conditional write of the state with its entries,
 * retried when another writer got there first (N concurrent clicks produce
 * exactly one outcome per rule, never a lost or duplicated vote). Signing
 * happens before the write, so a signing failure writes nothing.
 * @throws ReplayedRequestError when `options.claim` was taken before (nothing written)
 */
export async function commitWithRetry<R, A = undefined>(
  deps: Pick<AppDeps, 'incidents' | 'outbox' | 'signer' | 'telemetry'>,
  incidentId: string,
  plan: (current: StoredIncident) => Promise<StepPlan<R>> | StepPlan<R>,
  options: CommitOptions<A> = {},
): Promise<R> {
  for (let attempt = 1, waits = 0; ; attempt++) {
    // The early read serves the very first pass only: after a wait or a conflict, read the store again.
    const first = attempt === 1 && waits === 0;
    const early = first && options.firstRead ? await options.firstRead.catch(() => undefined) : undefined;
    const current = early?.record.incident.id === incidentId ? early : await deps.incidents.get(incidentId);
    if (!current) throw new IncidentNotFoundError(incidentId);
    const step = await plan(current);
    if (step.kind === 'stop') return step.result;
    if (step.kind === 'wait') {
      if (++waits > MAX_WAITS) return step.result;
      await new Promise((r) => setTimeout(r, WAIT_MS * waits));
      attempt--;
      continue;
    }
    const chained = chainEntries(
      deps.signer,
      incidentId,
      { seq: current.record.ledgerSeq, hash: current.record.ledgerHead },
      step.drafts,
    );
    const last = chained[chained.length - 1];
    const decision = chained.find((e) => e.type === LedgerEntryType.Decision);
    const next: IncidentRecord = {
      ...step.next,
      ...(last && { ledgerSeq: last.seq, ledgerHead: last.hash }),
      // The workflow output cites the decision entry, so it can be traced to the ledger.
      ...(decision && { decisionHash: decision.hash }),
    };
    const alongside = options.signAlongside && settle(options.signAlongside(next));
    const [entries, extra] = await Promise.all([signEntries(deps.signer, chained), alongside]);
    let written: StoredIncident;
    try {
      written = await deps.incidents.commit(current, next, entries, options.claim);
    } catch (e) {
      if (!(e instanceof ConcurrentUpdateError) || attempt >= MAX_ATTEMPTS) throw e;
      // Back off a little with jitter so colliding writers spread out.
      await new Promise((r) => setTimeout(r, Math.random() * 15 * attempt));
      continue;
    }
    options.onCommitted?.(written, extra);
    if (!options.publishLater && entries.length > 0) await publishEntries(deps, incidentId, written);
    return step.result;
  }
}

/** A promise that never rejects: its outcome as a value. */
function settle<A>(p: Promise<A>): Promise<Settled<A>> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}
