import type { AwsEvent } from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import { VOTE_ACTION_IDS } from '../../domain/actionIds';
import { INCIDENT_ID } from '../../domain/incident';
import type { PreparedVoteClick } from '../../listeners/voteClick';
import type { IncidentStore, OnceClaim } from '../../services/IncidentStore';
import { header, rawBody } from './requestGuard';

const VOTES = new Set<string>(VOTE_ACTION_IDS);

/**
 * The incident a request votes on, when it is one click on a vote button
 * (whose claim the vote's commit can take); `undefined` for anything else,
 * unexpected shapes included (those are claimed up front).
 */
function voteClickOf(event: AwsEvent): { incidentId: string } | undefined {
  if (!/^application\/x-www-form-urlencoded/i.test(header(event, 'content-type') ?? '')) return undefined;
  const payload = new URLSearchParams(rawBody(event)).get('payload');
  if (!payload) return undefined;
  try {
    const body = JSON.parse(payload) as { type?: unknown; actions?: Array<{ action_id?: unknown; value?: unknown }> };
    if (body.type !== 'block_actions' || !Array.isArray(body.actions) || body.actions.length !== 1) return undefined;
    const [action] = body.actions;
    if (!VOTES.has(String(action?.action_id))) return undefined;
    return { incidentId: typeof action?.value === 'string' ? action.value : '' };
  } catch {
    return undefined;
  }
}

/**
 * For a vote click, what the handler hands to the vote listener (see
 * src/listeners/voteClick.ts): the click's claim, to be taken in the vote's
 * commit, and the incident read, started now so it runs while Bolt
 * dispatches. `undefined` for any other request (claimed up front).
 */
export function prepareVoteClick(event: AwsEvent, claim: OnceClaim, store: Pick<IncidentStore, 'get'>): PreparedVoteClick | undefined {
  const vote = voteClickOf(event);
  if (!vote) return undefined;
  const { incidentId } = vote;
  if (!INCIDENT_ID.test(incidentId)) return { claim, replayed: false };
  const read = store.get(incidentId);
  // A failed read is the vote's own read to retry, not an unhandled rejection.
  read.catch(() => undefined);
  return { claim, replayed: false, incidentRead: { incidentId, read } };
}
