import { eventIdentity } from '../domain/sources';
import type { DigestItem } from '../blocks/digest';
import { patternKey, type Incident } from '../domain/incident';
import type { IncidentRecord } from '../domain/incidentRecord';
import { tierRank } from '../domain/tiers';
import type { AppDeps } from './deps';
import { type DigestDoc, type PatternDoc, renderDoc, upsert } from './noiseDocs';
import { sha256Hex } from '../domain/sha256';

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
const WORST_ITEMS = 8;
const RECENT_REPEATS = 10;

/** Where a notification ended up. */
export type Route =
  | { kind: 'card'; patternKey?: string }
  | { kind: 'thread'; key: string; firstIncidentId: string }
  | { kind: 'digest'; key: string };

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
  const pKey = pk === undefined ? undefined : `PATTERN#${sha256Hex(pk).slice(0, 32)}`;
  const pattern = !pKey ? undefined : await countInPattern(deps, pKey, incident, now);
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
    await countInDigest(deps, dKey, window, incident);
    await deps.incidents.update(incident.id, (r) => ({ ...r, shownIn: { kind: 'digest', key: dKey } }));
    deps.telemetry.metric('NotificationsDigested');
    await renderDoc(deps, dKey, false);
    return { kind: 'digest', key: dKey };
  }
  return { kind: 'card', ...(pKey && pattern?.firstIncidentId === incident.id && { patternKey: pKey }) };
}

/** Counts a notification in its pattern: the first of a fresh window starts it, a repeat adds to it. */
function countInPattern(deps: NoiseDeps, pKey: string, incident: Incident, now: Date): Promise<PatternDoc> {
  return upsert<PatternDoc>(deps, pKey, (p) => {
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
}

/** Counts a notification in the hour's digest, keeping the worst few. */
async function countInDigest(deps: NoiseDeps, dKey: string, window: string, incident: Incident): Promise<void> {
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
}

/** Remembers where the first card of a pattern is, so repeats can thread under it. */
export async function notePatternCard(deps: NoiseDeps, key: string, channel: string, ts: string): Promise<void> {
  await upsert<PatternDoc>(deps, key, (p) => (p ? { ...p, channel, ts } : (undefined as never)));
}
