import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { getConfig } from '../config';
import { EventBridgeLedgerFeed } from '../services/EventBridgeLedgerFeed';
import type { LedgerFeed } from '../services/LedgerFeed';
import { PowertoolsTelemetry } from '../services/PowertoolsTelemetry';
import { feedFromStream } from './support/ledgerStreamBatches';

interface Ready {
  feed: LedgerFeed;
  telemetry: PowertoolsTelemetry;
}
let ready: Ready | undefined;

/**
 * The SIEM feed, on the ledger table's stream (INSERTs only): every entry,
 * once it has filled its place, goes to the default EventBridge bus as
 * `chainsec Ledger Entry` (docs/ARCHITECTURE.md#the-siem-feed). Partial batch failures
 * are reported (ReportBatchItemFailures).
 */
export async function handler(event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> {
  ready ??= {
    feed: new EventBridgeLedgerFeed({ callTimeoutMs: getConfig().callTimeoutMs }),
    telemetry: new PowertoolsTelemetry(),
  };
  ready.telemetry.startInvocation(context);
  try {
    return await feedFromStream(ready, event, context);
  } finally {
    ready.telemetry.flush();
  }
}
