import { buildRefusalNotice, type RefusalNoticeFacts } from '../blocks/refusalNotice';
import { onCallAt } from '../domain/escalation';
import { isApprovalTier } from '../domain/tiers';
import type { AppDeps } from './deps';
import { sha256Hex } from '../domain/sha256';

/** The side document that remembers a refusal was announced (one notice per key, across redeliveries). */
const docKey = (key: string): string => `REFUSAL_NOTICE#${sha256Hex(key)}`;

/** What the document holds: `posted` once the notice is out; `failed` gives the claim back for a retry. */
interface RefusalNoticeDoc {
  state: 'posting' | 'posted' | 'failed';
  at: string;
}

/** Kept long enough to outlast any redelivery or re-emission of the same payload. */
const DOC_TTL_SECONDS = 30 * 24 * 3600;

/** What {@link announceRefusal} did. */
export type RefusalAnnouncement = 'announced' | 'already_announced' | 'not_needed';

/**
 * The loud side of a refusal: something that needed people (its tier, or the
 * tier it would have had, is high or critical) could not be carded. Posts a
 * notice in the approvals channel saying what arrived and why, and pages the
 * on-call primary with the same words; once per `key` (a payload's hash, a
 * finding's id), whatever the redeliveries. A claim is taken first in a
 * conditional write, so two deliveries at once post one notice; a failed post
 * gives the claim back and throws, so a redelivery tries again.
 * @param key what identifies the refused thing across deliveries
 */
export async function announceRefusal(
  deps: Pick<AppDeps, 'config' | 'clock' | 'slack' | 'sideDocs' | 'telemetry'>,
  key: string,
  facts: RefusalNoticeFacts,
): Promise<RefusalAnnouncement> {
  if (!isApprovalTier(facts.tier)) return 'not_needed';
  const now = deps.clock.now();
  const doc = docKey(key);
  const write = { now, ttlSeconds: DOC_TTL_SECONDS, open: false };
  const held = await deps.sideDocs.get<RefusalNoticeDoc>(doc);
  if (held && held.value.state !== 'failed') return 'already_announced';
  const version = held?.version ?? 0;
  const claimed = await deps.sideDocs.put<RefusalNoticeDoc>(
    doc,
    { state: 'posting', at: now.toISOString() },
    version,
    write,
  );
  if (!claimed) return 'already_announced';
  const notice = buildRefusalNotice(facts);
  try {
    await deps.slack.post(deps.config.approvalsChannel, notice);
    const onCall = deps.config.onCall.length > 0 ? onCallAt(deps.config.onCall, now).primary : undefined;
    if (onCall !== undefined) await deps.slack.dm(onCall, notice);
    else deps.telemetry.warn('no on-call schedule configured; refusal not paged', { what: facts.what });
  } catch (e) {
    await deps.sideDocs
      .put<RefusalNoticeDoc>(doc, { state: 'failed', at: now.toISOString() }, version + 1, write)
      .catch(() => undefined);
    deps.telemetry.metric('RefusalNoticesFailed');
    throw e;
  }
  await deps.sideDocs
    .put<RefusalNoticeDoc>(doc, { state: 'posted', at: now.toISOString() }, version + 1, write)
    .catch(() => undefined);
  deps.telemetry.error('refused input that needed people; announced in the channel and paged', {
    what: facts.what,
    tier: facts.tier,
    reason: facts.reason.slice(0, 500),
  });
  deps.telemetry.metric('RefusalNotices');
  return 'announced';
}
