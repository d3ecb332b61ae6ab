import type { Context } from 'aws-lambda';
import { getConfig } from '../config';
import { systemClock } from '../domain/clock';
import { classifyEvent, type ClassifiedState } from '../app/classifyEvent';
import { DynamoDbIncidentStore } from '../services/DynamoDbIncidentStore';
import { PowertoolsTelemetry } from '../services/PowertoolsTelemetry';

const config = getConfig();
const telemetry = new PowertoolsTelemetry();
const store = new DynamoDbIncidentStore({ incidentsTable: config.incidentsTable, ledgerTable: config.ledgerTable, callTimeoutMs: config.callTimeoutMs });

/** The workflow's Classify task: no Slack, no signing; it only needs the store for rejected events. */
export async function handler(event: { event: unknown; executionArn?: string }, _context?: Context): Promise<ClassifiedState> {
  try {
    return await classifyEvent({ config, clock: systemClock, store, telemetry }, event);
  } finally {
    telemetry.flush();
  }
}
