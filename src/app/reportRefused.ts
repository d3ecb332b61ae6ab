import { RawIncidentEventSchema } from '../domain/incidentSchemas';
import { isFindingEnvelope } from '../domain/sources';
import { incidentEventError, unstorableError } from './parseInbound';
import { announceRefusals, type RefusalDeps, refusalsOf } from './refusals';

/**
 * The workflow's report of an event its Classify step refused or could not
 * handle (an agent event the stores cannot keep, a finding that cannot be
 * read, a store that kept failing): what needed people is announced in the
 * channel and paged, once. The reason is worked out again from the event
 * itself; the failed step's `cause` is used only when the event is valid.
 * @returns how many notices were posted
 */
export async function reportRefused(deps: RefusalDeps, event: unknown, cause: string): Promise<number> {
  if (isFindingEnvelope(event)) return announceRefusals(deps, refusalsOf(event, cause, deps));
  const refused =
    unstorableError(event) ?? (RawIncidentEventSchema.safeParse(event).success ? undefined : incidentEventError(event));
  const reason = refused?.message ?? `it could not be classified: ${cause}`;
  return announceRefusals(deps, refusalsOf(event, reason, deps));
}
