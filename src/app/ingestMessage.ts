import type { Delivery } from '../domain/origin';
import type { InboundMessage } from '../domain/messages';
import { ingestApproval, type IngestApprovalDeps } from './ingestApproval';
import type { IngestOutcome } from './ingestOutcome';
import { ingestNotification, type IngestNotificationDeps } from './ingestNotification';

/** What ingesting either kind of message needs. */
export type IngestDeps = IngestApprovalDeps & IngestNotificationDeps;

/**
 * Ingests one approval request or notification: stores the incident (with its
 * task token, which never goes to Slack) and its signed `incident_received`
 * entry, posts the card and stores its `ts`. Idempotent: a redelivered message
 * posts nothing twice, and finishes a card a crash left unposted. Long text is
 * kept as a bounded preview (the full text stored apart, see `keepFullText`),
 * so the incident item stays under DynamoDB's 400 KB. `delivery` (how the
 * message reached chainsec, read by the handler from the Lambda event) decides
 * its origin, and so what it may do (see `origin.ts`). The request's path is
 * `ingestApproval.ts`, the notification's `ingestNotification.ts`.
 */
export async function ingestMessage(
  deps: IngestDeps,
  message: InboundMessage,
  delivery: Delivery,
): Promise<IngestOutcome> {
  return message.kind === 'approval_request'
    ? ingestApproval(deps, message, delivery)
    : ingestNotification(deps, message, delivery);
}
