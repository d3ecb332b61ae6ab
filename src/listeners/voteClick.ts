import type { Context } from '@slack/bolt';
import type { OnceClaim, StoredIncident } from '../services/IncidentStore';

/**
 * What the handler prepares for a vote click before Bolt dispatches it:
 *
 * - `claim`: the request's one-time claim, not taken up front: the vote's own
 *   commit takes it, in the incident's own item (one write fewer on the click
 *   path, and the click is recorded together with its effect). The listener sets `replayed` when the
 *   claim was already taken; the handler then answers as for any repeat.
 * - `incidentRead`: the incident, read while Bolt dispatches (the vote's
 *   first read, started a little earlier). Only a hint: the commit is still
 *   conditioned on the version read.
 */
export interface PreparedVoteClick {
  readonly claim: OnceClaim;
  readonly incidentRead?: { incidentId: string; read: Promise<StoredIncident | undefined> };
  replayed: boolean;
}

/** The Bolt context property that carries a {@link PreparedVoteClick}. */
export const PREPARED_VOTE_CLICK = 'chainsecVoteClick';

/** The click's preparation, when the handler made one. */
export function preparedVoteClickOf(context: Context): PreparedVoteClick | undefined {
  return context[PREPARED_VOTE_CLICK] as PreparedVoteClick | undefined;
}
