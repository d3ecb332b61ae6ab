import { ANNOUNCE_MAX_ATTEMPTS, announcementClaimable, claimAnnouncement } from '../domain/announcement';
import type { Announcement, IncidentRecord, NoticeState } from '../domain/incidentRecord';
import { SLACK_USER_ID } from '../domain/requester';
import { buildDecisionThreadLine, buildRequesterDm } from '../blocks/decisionNotices';
import type { AppDeps } from './deps';

/** What {@link announceDecision} did. */
export type AnnounceOutcome = 'announced' | 'retry_later' | 'not_due';

type AnnounceDeps = Pick<AppDeps, 'clock' | 'slack' | 'incidents' | 'telemetry'>;

/**
 * The requester to DM: only a Slack user chainsec itself knows started the
 * request (`startedBy`). The request's own `requestedBy` is untrusted: were
 * it to choose the recipient, an agent could send the reasons to anyone.
 */
function requesterUser(record: IncidentRecord): string | undefined {
  const by = record.startedBy;
  return by !== undefined && SLACK_USER_ID.test(by) ? by : undefined;
}

/**
 * Closes the loop after a decision: one line in the card's thread (who, what,
 * why) and, when chainsec knows who started the request, a DM to them. An
 * after-commit effect, the sweep's (a click's Lambda never waits on Slack's
 * rate limit for it): it never touches the
 * decision, and never throws for a Slack failure. Sent once: the lease is
 * taken in a conditional write first (a concurrent sweep finds it held), each
 * notice is marked done after it is sent; what failed is released for the next
 * sweep, and given up (logged, `DecisionNoticesGivenUp`) after
 * {@link ANNOUNCE_MAX_ATTEMPTS} attempts.
 */
export async function announceDecision(deps: AnnounceDeps, incidentId: string): Promise<AnnounceOutcome> {
  const now = deps.clock.now();
  let won = false;
  const claimed = await deps.incidents.update(incidentId, (r) => {
    won = announcementClaimable(r, now);
    return won ? claimAnnouncement(r, now) : undefined;
  });
  if (!won || !claimed) return 'not_due';
  const before = claimed.announcement ?? {};
  const thread = before.thread ?? (await send(deps, incidentId, 'thread', () => postThreadLine(deps, claimed)));
  const requester = before.requester ?? (await send(deps, incidentId, 'requester', () => dmRequester(deps, claimed)));
  const attempts = (before.attempts ?? 0) + 1;
  const failed = thread === undefined || requester === undefined;
  const givenUp = failed && attempts >= ANNOUNCE_MAX_ATTEMPTS;
  if (givenUp) {
    deps.telemetry.error('decision notices given up', {
      incidentId,
      attempts,
      thread: thread ?? 'failed',
      requester: requester ?? 'failed',
    });
    deps.telemetry.metric('DecisionNoticesGivenUp');
  }
  const settle = (s: NoticeState | undefined): NoticeState | undefined => s ?? (givenUp ? 'skipped' : undefined);
  const [t, q] = [settle(thread), settle(requester)];
  // A failure releases the lease (no `claimedAt`): the next sweep retries what is not done.
  const done: Announcement = {
    attempts,
    ...(!failed && before.claimedAt !== undefined && { claimedAt: before.claimedAt }),
    ...(t && { thread: t }),
    ...(q && { requester: q }),
  };
  await deps.incidents.update(incidentId, (r) => ({ ...r, announcement: done }));
  return failed && !givenUp ? 'retry_later' : 'announced';
}

/** Sends one notice; `undefined` when it failed (left for the next sweep). */
async function send(
  deps: AnnounceDeps,
  incidentId: string,
  which: string,
  fn: () => Promise<NoticeState>,
): Promise<NoticeState | undefined> {
  try {
    return await fn();
  } catch (e) {
    deps.telemetry.warn('decision notice not sent; the sweep will retry', {
      incidentId,
      notice: which,
      error: (e as Error).message,
    });
    return undefined;
  }
}

async function postThreadLine(deps: AnnounceDeps, record: IncidentRecord): Promise<NoticeState> {
  if (!record.channel || !record.ts) return 'skipped';
  await deps.slack.post(record.channel, buildDecisionThreadLine(record), record.ts);
  return 'sent';
}

async function dmRequester(deps: AnnounceDeps, record: IncidentRecord): Promise<NoticeState> {
  const user = requesterUser(record);
  if (!user) return 'skipped';
  const link =
    record.channel && record.ts
      ? await deps.slack.permalink(record.channel, record.ts).catch(() => undefined)
      : undefined;
  await deps.slack.dm(user, buildRequesterDm(record, link));
  return 'sent';
}
