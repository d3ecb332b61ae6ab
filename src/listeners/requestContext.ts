import type { Context } from '@slack/bolt';
import type { StoredIncident } from '../services/IncidentRepository';
import type { OnceClaim } from '../services/RequestClaims';
import type { SlackRequestIdentity } from './onceRule';

/**
 * What chainsec adds to Bolt's context (`App<ChainsecContext>`):
 *
 * - `slackRequest`: the request's identity, put there by the receiver's
 *   `customPropertiesExtractor` from the headers the guard checked.
 * - `voteClick`: for a vote (a click on a vote button, or the reason modal's
 *   submission), the claim the vote's own commit takes (in the same
 *   transaction as the vote: see `onceRule.ts`), and the incident read,
 *   already started (only a hint: the commit is conditioned on the version read).
 */
export interface ChainsecContext extends Context {
  slackRequest: SlackRequestIdentity;
  voteClick?: {
    readonly claim: OnceClaim;
    readonly incidentRead?: { incidentId: string; read: Promise<StoredIncident | undefined> };
  };
}
