import type { Context } from 'aws-lambda';
import { getConfig } from '../config';
import { systemClock } from '../domain/clock';
import { classifyEvent, type ClassifiedState } from '../app/classifyEvent';
import { DynamoDbFullTextStore } from '../services/DynamoDbFullTextStore';
import { DynamoDbIncidentStore } from '../services/DynamoDbIncidentStore';
import { PowertoolsTelemetry } from '../services/PowertoolsTelemetry';

const config = getConfig();
const telemetry = new PowertoolsTelemetry();
const store = new DynamoDbIncidentStore({ incidentsTable: config.incidentsTable, ledgerTable: config.ledgerTable, callTimeoutMs: config.callTimeoutMs });

const fullText = new DynamoDbFullTextStore({ incidentsTable: config.incidentsTable, callTimeoutMs: config.callTimeoutMs });

/** The workflow's Classify task: no Slack, no signing; it only needs the store for rejected events and long text. */
export async function handler(event: { event: unknown; executionArn?: string }, _context?: Context): Promise<ClassifiedState> {
  try {
    return await classifyEvent({ config, clock: systemClock, store, fullText, telemetry }, event);
  } finally {
    telemetry.flush();
  }
}
