import type { Context } from '@slack/bolt';
import type { StoredIncident } from '../services/IncidentRepository';
import type { OnceClaim } from '../services/RequestClaims';

/** Slack's own window, applied in both directions (Bolt checks only the past). */
export const MAX_CLOCK_SKEW_SECONDS = 300;

/** A Slack request as the guard in front of Bolt read it from its headers. */
export interface SlackRequestIdentity {
  /** The one-time key of the request: its verified signature digest. */
  readonly claimKey: string;
  /** Slack said it is a retry (`x-slack-retry-num`). */
  readonly isRetry: boolean;
}

/**
 * What chainsec adds to Bolt's context (`App<ChainsecContext>`):
 *
 * - `slackRequest`: the request's identity, put there by the receiver's
 *   `customPropertiesExtractor` from the headers the guard checked.
 * - `voteClick`: for one click on a vote button, the claim the vote's own
 *   commit takes (in the incident's item: the click is recorded together with
 *   its effect, one write fewer), and the incident read, already started
 *   (only a hint: the commit is conditioned on the version read).
 */
export interface ChainsecContext extends Context {
  slackRequest: SlackRequestIdentity;
  voteClick?: {
    readonly claim: OnceClaim;
    readonly incidentRead?: { incidentId: string; read: Promise<StoredIncident | undefined> };
  };
}

/**
 * What a listener or the guard acknowledges with when the request was
 * processed before: the handler turns Bolt's answer carrying it into the
 * repeat's own answer (200 for a Slack retry, 401 for a replay).
 */
export const REPEATED_REQUEST = { chainsec: 'repeated_request' } as const;
/** The body Bolt's receiver answers {@link REPEATED_REQUEST} with. */
export const REPEATED_REQUEST_BODY = JSON.stringify(REPEATED_REQUEST);

/**
 * Acknowledges a request as processed before ({@link REPEATED_REQUEST}). Bolt
 * types an action's `ack` without a body; the receiver sends whatever it is given.
 */
export function ackRepeated(ack: (response?: never) => Promise<void>): Promise<void> {
  return (ack as (response: unknown) => Promise<void>)(REPEATED_REQUEST);
}
