import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { LedgerEntry } from '../domain/ledger';
import { LEDGER_EVENT_DETAIL_TYPE, LEDGER_EVENT_SOURCE, ledgerEventDetail } from '../domain/siemEvent';
import { LedgerFeedError } from '../errors';
import { clientOptions } from './awsClients';
import type { LedgerFeed } from './LedgerFeed';

/** PutEvents takes at most 10 entries per call. */
const MAX_ENTRIES_PER_CALL = 10;

/** Options of {@link EventBridgeLedgerFeed}. */
export interface EventBridgeLedgerFeedOptions {
  callTimeoutMs: number;
  /** The bus; the account's default bus when left out. */
  eventBusName?: string;
  /** Injected for tests; built from the environment otherwise (AWS_ENDPOINT_URL_EVENTBRIDGE). */
  client?: EventBridgeClient;
}

/** The PutEvents entry of one ledger entry (exported for the tests and the sandbox's stand-in). */
export function ledgerEventEntry(entry: LedgerEntry, eventBusName?: string): PutEventsRequestEntry {
  return {
    Source: LEDGER_EVENT_SOURCE,
    DetailType: LEDGER_EVENT_DETAIL_TYPE,
    Detail: JSON.stringify(ledgerEventDetail(entry)),
    Time: new Date(entry.at),
    ...(eventBusName && { EventBusName: eventBusName }),
  };
}

/** {@link LedgerFeed} on Amazon EventBridge (PutEvents, 10 entries a call). */
export class EventBridgeLedgerFeed implements LedgerFeed {
  private readonly client: EventBridgeClient;

  public constructor(private readonly options: EventBridgeLedgerFeedOptions) {
    this.client = options.client ?? new EventBridgeClient(clientOptions(options.callTimeoutMs));
  }

  public async emit(entries: readonly LedgerEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += MAX_ENTRIES_PER_CALL) {
      const chunk = entries.slice(i, i + MAX_ENTRIES_PER_CALL);
      const out = await this.client.send(
        new PutEventsCommand({ Entries: chunk.map((e) => ledgerEventEntry(e, this.options.eventBusName)) }),
      );
      if ((out.FailedEntryCount ?? 0) > 0) {
        // Entries answer in request order; a failed one carries an ErrorCode.
        const failed = (out.Entries ?? []).flatMap((r, j) =>
          r.ErrorCode ? [{ place: placeOf(chunk[j]), error: r.ErrorCode }] : [],
        );
        throw new LedgerFeedError(`EventBridge refused ${out.FailedEntryCount} ledger event(s)`, { failed });
      }
    }
  }
}

function placeOf(entry: LedgerEntry | undefined): string {
  return entry ? `${entry.incidentId}#${entry.seq}` : 'unknown';
}
