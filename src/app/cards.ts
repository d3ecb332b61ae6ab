import { buildIncidentCard } from '../blocks';
import { buildUndeliveredCard } from '../blocks/undeliveredCard';
import type { IncidentRecord } from '../domain/incidentRecord';
import type { SlackMessage } from '../services/SlackGateway';
import type { AppDeps } from './deps';
import { recordPolicy } from './routing';

/** The card for a record as of now (one saying so when its approval request could not be delivered). */
export function cardFor(deps: Pick<AppDeps, 'config' | 'clock'>, record: IncidentRecord): SlackMessage {
  if (record.undelivered) return buildUndeliveredCard(record);
  const policy = recordPolicy(deps, record);
  return buildIncidentCard(record, {
    now: deps.clock.now(),
    approvalsNeeded: policy.approvalsNeeded,
    onTimeout: policy.onTimeout,
  });
}

/**
 * Updates the card in place from the latest stored state (re-read, so a slow
 * update from an older click cannot overwrite a newer card). A failed update
 * never undoes a decision: the record is marked stale and the sweep retries it.
 * @returns whether the card is now current
 */
export async function refreshCard(
  deps: Pick<AppDeps, 'config' | 'clock' | 'slack' | 'incidents' | 'telemetry'>,
  incidentId: string,
): Promise<boolean> {
  const record = (await deps.incidents.get(incidentId))?.record;
  return record ? showCard(deps, record) : false;
}

/**
 * Updates the card in place from `record`, which the caller knows to be
 * current (it has just written it); otherwise use {@link refreshCard}.
 * Failure handling as there.
 */
export async function showCard(
  deps: Pick<AppDeps, 'config' | 'clock' | 'slack' | 'incidents' | 'telemetry'>,
  record: IncidentRecord,
): Promise<boolean> {
  if (!record.channel || !record.ts) return false;
  try {
    await deps.slack.update(record.channel, record.ts, cardFor(deps, record));
  } catch (e) {
    deps.telemetry.warn('card update failed; the sweep will retry', {
      incidentId: record.incident.id,
      error: (e as Error).message,
    });
    deps.telemetry.metric('CardUpdateFailures');
    if (!record.cardStale) await deps.incidents.update(record.incident.id, (r) => ({ ...r, cardStale: true }));
    return false;
  }
  if (record.cardStale) await deps.incidents.update(record.incident.id, (r) => ({ ...r, cardStale: false }));
  return true;
}
