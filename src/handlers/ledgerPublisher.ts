import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { getConfig } from '../config';
import { createDynamoDbPorts } from '../services/dynamodb/createDynamoDbPorts';
import type { LedgerOutbox } from '../services/LedgerOutbox';
import { PowertoolsTelemetry } from '../services/PowertoolsTelemetry';
import { publishFromStream } from './support/ledgerStreamBatches';

interface Ready {
  outbox: LedgerOutbox;
  telemetry: PowertoolsTelemetry;
}
let ready: Ready | undefined;

/** The outbox port and telemetry only: no Slack, no KMS (the entries are signed already). */
function init(): Ready {
  const config = getConfig();
  const { outbox } = createDynamoDbPorts({
    incidentsTable: config.incidentsTable,
    ledgerTable: config.ledgerTable,
    callTimeoutMs: config.callTimeoutMs,
  });
  return { outbox, telemetry: new PowertoolsTelemetry() };
}

/**
 * The outbox publisher, on the incidents table's stream (NEW_IMAGE, filtered
 * to incidents holding unpublished entries): publishes them seconds after
 * their commit. Partial batch failures are reported (ReportBatchItemFailures).
 */
export async function handler(event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> {
  ready ??= init();
  ready.telemetry.startInvocation(context);
  try {
    return await publishFromStream(ready, event, context);
  } finally {
    ready.telemetry.flush();
  }
}
