import type { LedgerEntry } from '../domain/ledger';
import { ErrorCode } from '../errors';
import type { LedgerFeed } from '../services/LedgerFeed';
import type { AppDeps } from './deps';

/**
 * Publishes what an incident's outbox holds now, as the incidents table's
 * stream reports a write holding unpublished entries (seconds after the
 * commit; the sweep stays the backstop). The incident is read again
 * (consistently) rather than trusting the stream's image: a stale image
 * publishes nothing twice and a later write's entries are published too.
 * Unlike `publishEntries` (ledgerWriter) it throws, so the stream retries the
 * record; the entries stay in the outbox until published either way.
 * @returns how many entries this call put in the ledger table (0: nothing was left)
 * @throws LedgerConflictError when another entry holds an entry's place (a poison record)
 */
export async function publishOutbox(deps: Pick<AppDeps, 'outbox' | 'telemetry'>, incidentId: string): Promise<number> {
  try {
    const published = await deps.outbox.publish(incidentId);
    if (published > 0) deps.telemetry.metric('LedgerEntriesPublishedFromStream', published);
    return published;
  } catch (e) {
    const error = e as Error & { code?: string; details?: object };
    if (error.code === ErrorCode.LedgerConflict) {
      deps.telemetry.error('ledger entry conflicts with the stored one; left unpublished', {
        incidentId,
        ...error.details,
      });
      deps.telemetry.metric('LedgerConflicts');
    }
    throw e;
  }
}

/**
 * Copies entries that have just landed in the ledger table to the SIEM feed.
 * Throws when the feed refused them, so the stream delivers them again
 * (at-least-once: consumers deduplicate on `hash`).
 */
export async function feedLedger(
  deps: { feed: LedgerFeed } & Pick<AppDeps, 'telemetry'>,
  entries: readonly LedgerEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await deps.feed.emit(entries);
  deps.telemetry.metric('LedgerEventsEmitted', entries.length);
}
