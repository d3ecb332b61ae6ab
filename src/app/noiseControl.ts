import { eventIdentity } from '../domain/sources';
import { createHash } from 'node:crypto';
import { buildDigest, type DigestItem } from '../blocks/digest';
import { buildRepeatReply } from '../blocks/threadReply';
import { patternKey, type Incident } from '../domain/incident';
import type { IncidentRecord } from '../domain/incidentRecord';
import { tierRank } from '../domain/tiers';
import { refreshCard } from './cards';
import type { AppDeps } from './deps';

/**
 * Noise control for low / medium notifications (approval requests always get
 * their own card): a repeat of a recent pattern is folded into a thread under
 * the first card with a counter, and while a channel is busy the rest is rolled
 * into one digest message updated in place. Updates are throttled; the sweep
 * renders whatever a throttle held back, so the final counts always show.
 */

/** What storm and pattern control needs: counters, side documents (digests, patterns), Slack and the incidents. */
export type NoiseDeps = Pick<
  AppDeps,
  'config' | 'clock' | 'counters' | 'incidents' | 'sideDocs' | 'slack' | 'telemetry'
>;

/** Notifications per channel per minute above which low / medium roll into the digest. */
export const STORM_THRESHOLD_PER_MINUTE = 6;
/** A pattern folds repeats for this long after its first card. */
export const PATTERN_WINDOW_SECONDS = 3600;
/** At most one in-place update per digest or pattern thread this often. */
export const RENDER_THROTTLE_MS = 2000;
/** A render claimed longer ago than this is taken over (its renderer died). */
const CLAIM_STALE_MS = 30_000;
const WORST_ITEMS = 8;
const RECENT_REPEATS = 10;
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

interface PatternDoc extends Rendered {
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

interface DigestDoc extends Rendered {
  kind: 'digest';
  window: string;
  total: number;
  byTier: Record<string, number>;
  byKind: { onchain: number; waf: number; finding?: number; request?: number };
  worst: DigestItem[];
}

type SideDoc = PatternDoc | DigestDoc;

/** Where a notification ended up. */
export type Route =
  | { kind: 'card'; patternKey?: string }
  | { kind: 'thread'; key: string; firstIncidentId: string }
  | { kind: 'digest'; key: string };

const owed = (d: SideDoc): number => (d.kind === 'pattern' ? d.count : d.total);

/** Read–modify–write of a side document with optimistic retries. */
async function upsert<T extends SideDoc>(
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

function identOf(incident: Incident): string {
  if (incident.kind === 'finding') return `${incident.finding.type} ${incident.finding.resource}`;
  if (incident.kind === 'request') return `${incident.request.actionType} ${incident.request.target}`;
  const { prefix, parts } = eventIdentity(incident);
  return [...(prefix === undefined ? [] : [prefix]), ...parts].join(' ');
}

function scoreOf(incident: Incident): number {
  const within =
    incident.kind === 'onchain'
      ? incident.onchain.anomalyScore
      : incident.kind === 'waf'
        ? (incident.waf.severity ?? 0) / 5
        : 0;
  return tierRank(incident.tier) + within;
}

/**
 * Decides how a stored notification is shown, and records it in the pattern or digest.
 * @returns `card` when the caller should post the incident's own card
 */
export async function routeNotification(deps: NoiseDeps, record: IncidentRecord): Promise<Route> {
  const now = deps.clock.now();
  const incident = record.incident;
  const pk = patternKey(incident);
  const pKey = pk === undefined ? undefined : `PATTERN#${createHash('sha256').update(pk).digest('hex').slice(0, 32)}`;
  const pattern = !pKey
    ? undefined
    : await upsert<PatternDoc>(deps, pKey, (p) => {
        const fresh = !p || now.getTime() - Date.parse(p.firstAt) > PATTERN_WINDOW_SECONDS * 1000;
        if (fresh)
          return {
            kind: 'pattern',
            firstIncidentId: incident.id,
            firstAt: now.toISOString(),
            count: 1,
            lastIncidentId: incident.id,
            recent: [],
            renderedCount: 1,
          };
        if (p.lastIncidentId === incident.id || p.firstIncidentId === incident.id) return p;
        const recent = [...p.recent, { incidentId: incident.id, ident: identOf(incident) }].slice(-RECENT_REPEATS);
        return { ...p, count: p.count + 1, lastIncidentId: incident.id, recent };
      });
  if (pKey && pattern && pattern.firstIncidentId !== incident.id && pattern.ts) {
    await deps.incidents.update(incident.id, (r) => ({
      ...r,
      shownIn: { kind: 'thread', key: pKey, firstIncidentId: pattern.firstIncidentId },
    }));
    deps.telemetry.metric('NotificationsFolded');
    await renderDoc(deps, pKey, false);
    return { kind: 'thread', key: pKey, firstIncidentId: pattern.firstIncidentId };
  }

  const minute = now.toISOString().slice(0, 16);
  const rate = await deps.counters.increment(`RATE#${deps.config.approvalsChannel}#${minute}`, 180, now);
  if (rate > STORM_THRESHOLD_PER_MINUTE) {
    const window = now.toISOString().slice(0, 13);
    const dKey = `DIGEST#${deps.config.approvalsChannel}#${window}`;
    await upsert<DigestDoc>(deps, dKey, (d) => {
      const base: DigestDoc = d ?? {
        kind: 'digest',
        window: `${window.replace('T', ' ')}:00`,
        total: 0,
        byTier: {},
        byKind: { onchain: 0, waf: 0 },
        worst: [],
        renderedCount: 0,
      };
      if (base.worst.some((w) => w.incidentId === incident.id)) return base;
      const item: DigestItem = {
        incidentId: incident.id,
        tier: incident.tier,
        title: incident.title,
        ident: identOf(incident),
        score: scoreOf(incident),
      };
      const worst = [...base.worst, item].sort((a, b) => b.score - a.score).slice(0, WORST_ITEMS);
      return {
        ...base,
        total: base.total + 1,
        byTier: { ...base.byTier, [incident.tier]: (base.byTier[incident.tier] ?? 0) + 1 },
        byKind: { ...base.byKind, [incident.kind]: (base.byKind[incident.kind] ?? 0) + 1 },
        worst,
      };
    });
    await deps.incidents.update(incident.id, (r) => ({ ...r, shownIn: { kind: 'digest', key: dKey } }));
    deps.telemetry.metric('NotificationsDigested');
    await renderDoc(deps, dKey, false);
    return { kind: 'digest', key: dKey };
  }
  return { kind: 'card', ...(pKey && pattern?.firstIncidentId === incident.id && { patternKey: pKey }) };
}

/** Remembers where the first card of a pattern is, so repeats can thread under it. */
export async function notePatternCard(deps: NoiseDeps, key: string, channel: string, ts: string): Promise<void> {
  await upsert<PatternDoc>(deps, key, (p) => (p ? { ...p, channel, ts } : (undefined as never)));
}

/**
 * Posts or updates the Slack message of a digest or pattern thread. Throttled
 * unless `force`; a held-back render leaves the document open for the sweep.
 * Only the writer that claims the render posts, so two never post the same thread.
 * @returns whether the message now shows the current counts
 */
export async function renderDoc(deps: NoiseDeps, key: string, force: boolean): Promise<boolean> {
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

async function renderDigest(deps: NoiseDeps, doc: DigestDoc): Promise<{ channel: string; ts: string }> {
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
  deps: NoiseDeps,
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
