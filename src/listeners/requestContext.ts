import type { Context } from '@slack/bolt';
import type { StoredIncident } from '../services/IncidentRepository';
import type { OnceClaim } from '../services/RequestClaims';
import type { SlackRequestIdentity } from './onceRule';

/**
 * What chainsec adds to Bolt's context (`App<ChainsecContext>`):
 *
 * - `slackRequest`: the request's identity, put there by the receiver's
 *   `customPropertiesExtractor` from the headers the guard checked.
 * - `claimInWrite`: for a request that changes an incident (a vote, "I'm on
 *   it", false positive: see `onceRule.ts`), the claim its own commit takes (in
 *   the same transaction as the change), and the incident read, already
 *   started (only a hint: the commit is conditioned on the version read).
 */
export interface ChainsecContext extends Context {
  slackRequest: SlackRequestIdentity;
  claimInWrite?: {
    readonly claim: OnceClaim;
    readonly incidentRead?: { incidentId: string; read: Promise<StoredIncident | undefined> };
  };
}
