import { buildDigest, type DigestItem } from '../blocks/digest';
import { buildRepeatReply } from '../blocks/threadReply';
import { refreshCard } from './cards';
import type { AppDeps } from './deps';

/**
 * The side documents of noise control, a pattern's thread and a storm's
 * digest: how they are stored (read-modify-write with optimistic retries) and
 * how their Slack message is rendered (throttled and claimed). Ingest writes
 * them; the sweep renders whatever a throttle held back.
 */

/** What keeping and rendering the documents needs. */
export type NoiseDocDeps = Pick<AppDeps, 'config' | 'clock' | 'incidents' | 'sideDocs' | 'slack' | 'telemetry'>;

/** At most one in-place update per digest or pattern thread this often. */
export const RENDER_THROTTLE_MS = 2000;
/** A render claimed longer ago than this is taken over (its renderer died). */
const CLAIM_STALE_MS = 30_000;
const DOC_TTL_SECONDS = 2 * 24 * 3600;
const MAX_ATTEMPTS = 10;

interface Rendered {
  channel?: string;
  ts?: string;
  renderedAt?: string;
  /** What the last render showed; a render is owed while it differs from the counts. */
  renderedCount?: number;
  claimedAt?: string;
}

export interface PatternDoc extends Rendered {
  kind: 'pattern';
  firstIncidentId: string;
  firstAt: string;
  count: number;
  lastIncidentId: string;
  /** The counter reply in the first card's thread. */
  replyTs?: string;
  /** The latest repeats, so the reply shows what to search for. */
  recent: Array<{ incidentId: string; ident: string }>;
}

export interface DigestDoc extends Rendered {
  kind: 'digest';
  window: string;
  total: number;
  byTier: Record<string, number>;
  byKind: { onchain: number; waf: number; finding?: number; request?: number };
  worst: DigestItem[];
}

export type SideDoc = PatternDoc | DigestDoc;

const owed = (d: SideDoc): number => (d.kind === 'pattern' ? d.count : d.total);

/** Read–modify–write of a side document with optimistic retries. */
export async function upsert<T extends SideDoc>(
  deps: Pick<AppDeps, 'sideDocs' | 'clock'>,
  key: string,
  mutate: (current: T | undefined) => T,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const current = await deps.sideDocs.get<T>(key);
    const next = mutate(current?.value);
    const open = next.renderedCount !== owed(next);
    if (
      await deps.sideDocs.put(key, next, current?.version ?? 0, {
        now: deps.clock.now(),
        ttlSeconds: DOC_TTL_SECONDS,
        open,
      })
    )
      return next;
    if (attempt >= MAX_ATTEMPTS) throw new Error(`side document ${key} kept changing`);
    await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
  }
}

/**
 * Posts or updates the Slack message of a digest or pattern thread. Throttled
 * unless `force`; a held-back render leaves the document open for the sweep.
 * Only the writer that claims the render posts, so two never post the same thread.
 * @returns whether the message now shows the current counts
 */
export async function renderDoc(deps: NoiseDocDeps, key: string, force: boolean): Promise<boolean> {
  const now = deps.clock.now();
  const current = await deps.sideDocs.get<SideDoc>(key);
  if (!current) return true;
  const doc = current.value;
  if (doc.renderedCount === owed(doc) && doc.ts) return true;
  const recent = doc.renderedAt && now.getTime() - Date.parse(doc.renderedAt) < RENDER_THROTTLE_MS;
  const claimed = doc.claimedAt && now.getTime() - Date.parse(doc.claimedAt) < CLAIM_STALE_MS;
  if ((recent && !force) || claimed) return false;
  const claim = { ...doc, claimedAt: now.toISOString() };
  if (!(await deps.sideDocs.put(key, claim, current.version, { now, ttlSeconds: DOC_TTL_SECONDS, open: true })))
    return false;

  let placed: { channel: string; ts: string; replyTs?: string } | undefined;
  try {
    placed = doc.kind === 'digest' ? await renderDigest(deps, doc) : await renderPattern(deps, doc);
  } catch (e) {
    deps.telemetry.warn('digest / thread update failed; the sweep will retry', { key, error: (e as Error).message });
  }
  // Release the claim; counts that moved meanwhile stay owed (open) for the next render.
  const shown = owed(doc);
  await upsert<SideDoc>(deps, key, (d) => {
    const base = (d ?? claim) as SideDoc;
    const { claimedAt: _c, ...rest } = base;
    if (!placed) return rest as SideDoc;
    return {
      ...rest,
      channel: placed.channel,
      ts: placed.ts,
      ...(placed.replyTs && { replyTs: placed.replyTs }),
      renderedAt: now.toISOString(),
      renderedCount: shown,
    } as SideDoc;
  });
  return placed !== undefined;
}

async function renderDigest(deps: NoiseDocDeps, doc: DigestDoc): Promise<{ channel: string; ts: string }> {
  const message = buildDigest({
    window: doc.window,
    total: doc.total,
    byTier: doc.byTier,
    byKind: doc.byKind,
    worst: doc.worst,
  });
  if (doc.ts && doc.channel) {
    await deps.slack.update(doc.channel, doc.ts, message);
    return { channel: doc.channel, ts: doc.ts };
  }
  return deps.slack.post(deps.config.approvalsChannel, message);
}

async function renderPattern(
  deps: NoiseDocDeps,
  doc: PatternDoc,
): Promise<{ channel: string; ts: string; replyTs: string }> {
  if (!doc.channel || !doc.ts) throw new Error('the first card of this pattern is not posted yet');
  const first = await deps.incidents.get(doc.firstIncidentId);
  if (!first) throw new Error(`first incident ${doc.firstIncidentId} is gone`);
  const repeats = doc.count - 1;
  if (first.record.repeats !== repeats) {
    await deps.incidents.update(doc.firstIncidentId, (r) => ({ ...r, repeats }));
    await refreshCard(deps, doc.firstIncidentId);
  }
  // One reply in the first card's thread, updated in place with the counter.
  const reply = buildRepeatReply(first.record, doc.count, doc.recent);
  if (doc.replyTs) {
    await deps.slack.update(doc.channel, doc.replyTs, reply);
    return { channel: doc.channel, ts: doc.ts, replyTs: doc.replyTs };
  }
  const posted = await deps.slack.post(doc.channel, reply, doc.ts);
  return { channel: doc.channel, ts: doc.ts, replyTs: posted.ts };
}
