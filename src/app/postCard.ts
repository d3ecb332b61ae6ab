import { routeFallbackNote } from '../blocks/routeNotices';
import type { IncidentRecord } from '../domain/incidentRecord';
import { cardPriority } from '../domain/pacing';
import { ChannelUnreachableError } from '../errors';
import { cardFor } from './cards';
import type { AppDeps } from './deps';
import { recordPolicy } from './routing';

/** What posting a card needs: where it goes (config), how it looks (clock), Slack, and the incident store. */
export type PostCardDeps = Pick<AppDeps, 'config' | 'clock' | 'slack' | 'incidents' | 'telemetry'>;

/**
 * Posts the card of a record the caller holds and stores where it is. A
 * failure throws, so the queue redelivers. A card its route's channel refuses
 * (the bot is not in it) is never lost: it goes to the default channel, with
 * a note in its thread saying where it belongs (votes then count there, see
 * `policyFor`); the sweep alerts about the route once.
 * @returns the record as written, with its `channel` and `ts`
 */
export async function postCard(
  deps: PostCardDeps,
  record: IncidentRecord,
): Promise<IncidentRecord & { channel: string; ts: string }> {
  const { channel, route, fallbackChannel: fallback } = recordPolicy(deps, record);
  const card = cardFor(deps, record);
  const priority = cardPriority(record.incident.tier);
  let posted: { channel: string; ts: string };
  try {
    posted = await deps.slack.post(channel, card, undefined, priority);
  } catch (e) {
    if (!(e instanceof ChannelUnreachableError) || route === undefined || channel === fallback) throw e;
    deps.telemetry.warn('route channel refused the card; posted in the default channel', {
      incidentId: record.incident.id,
      channel,
      code: e.code,
      slackError: e.details.slackError,
    });
    deps.telemetry.metric('RouteFallbacks');
    posted = await deps.slack.post(fallback, card, undefined, priority);
    const note = routeFallbackNote({
      routeChannel: channel,
      ...(route !== channel && { routeName: route }),
      slackError: String(e.details.slackError),
    });
    // The card is stored first: a failed note never loses it (the thread just lacks the explanation).
    const written = await storeWhere(deps, record, posted);
    await deps.slack.post(posted.channel, note, posted.ts, priority).catch((noteError: unknown) =>
      deps.telemetry.warn('route fallback note not posted', {
        incidentId: record.incident.id,
        error: (noteError as Error).message,
      }),
    );
    return written;
  }
  return storeWhere(deps, record, posted);
}

/** Stores where a record's card was posted. */
async function storeWhere(
  deps: PostCardDeps,
  record: IncidentRecord,
  posted: { channel: string; ts: string },
): Promise<IncidentRecord & { channel: string; ts: string }> {
  const written = await deps.incidents.update(record.incident.id, (r) => ({
    ...r,
    channel: posted.channel,
    ts: posted.ts,
  }));
  return { ...(written ?? record), channel: posted.channel, ts: posted.ts };
}

/** Crash recovery: the incident was stored but is shown nowhere (its post failed, or a crash came first). */
export async function postIfMissing(deps: PostCardDeps, incidentId: string): Promise<boolean> {
  const stored = await deps.incidents.get(incidentId);
  if (!stored || stored.record.ts || stored.record.shownIn) return false;
  await postCard(deps, stored.record);
  return true;
}
