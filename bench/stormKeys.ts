/**
 * The storm's pacing keys (docs/PERFORMANCE.md), computed from
 * what the storm recorded: pure, so they are unit tested
 * (test/unit/bench/stormKeys.test.ts).
 */
import { percentile } from './lib';

/** One `chat.postMessage` call the local Slack API answered. */
export interface PostCall {
  /** When the local Slack API answered it (ms, `Date.now()` clock). */
  at: number;
  status: number;
  ok: boolean;
  /** The call's arguments (`channel`, `blocks`, ...). */
  args: Record<string, unknown>;
}

/** `storm.criticalCardSeconds`. */
export interface CriticalCardSeconds {
  p50: number;
  p99: number;
  max: number;
  /** Critical incidents measured (their card was posted). */
  n: number;
  /** Critical incidents sent whose card never posted (not in the percentiles). */
  unposted: number;
  /**
   * The same percentiles if the critical cards had their channel to
   * themselves at Slack's 1 per second from the moment each was sent (see
   * {@link criticalFloor}): what no pacing can beat when criticals come in a burst.
   */
  floor: { p50: number; p99: number; max: number };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** `storm.slackRateLimited`: `chat.postMessage` calls answered 429. */
export function slackRateLimited(posts: readonly PostCall[]): number {
  return posts.filter((p) => p.status === 429).length;
}

/**
 * `storm.criticalCardSeconds`: for each critical incident, the time from its
 * first send (`sentAt`, by incident id) to the first delivered post whose
 * blocks carry its id (the card's buttons carry the incident id as value).
 */
export function criticalCardSeconds(
  sentAt: ReadonlyMap<string, number>,
  posts: readonly PostCall[],
): CriticalCardSeconds {
  const delivered = posts
    .filter((p) => p.ok && p.status === 200)
    .map((p) => ({ at: p.at, blocks: JSON.stringify(p.args.blocks ?? []) }))
    .sort((a, b) => a.at - b.at);
  const waits: number[] = [];
  let unposted = 0;
  for (const [id, sent] of sentAt) {
    const card = delivered.find((p) => p.blocks.includes(`"value":"${id}"`));
    if (card) waits.push((card.at - sent) / 1000);
    else unposted += 1;
  }
  waits.sort((a, b) => a - b);
  const at = (p: number) => (waits.length === 0 ? Number.NaN : round2(percentile(waits, p)));
  const floor = criticalFloor([...sentAt.values()]);
  const floorAt = (p: number) => (floor.length === 0 ? Number.NaN : round2(percentile(floor, p)));
  return {
    p50: at(50),
    p99: at(99),
    max: at(100),
    n: waits.length,
    unposted,
    floor: { p50: floorAt(50), p99: floorAt(99), max: floorAt(100) },
  };
}

/**
 * The least wait (s) of each critical card, sorted: the cards alone in one
 * channel, in the order sent, each posted at its send time or 1 / `perSecond`
 * after the one before, whichever is later.
 * @param sentAt each critical incident's send time (ms)
 */
export function criticalFloor(sentAt: readonly number[], perSecond = 1): number[] {
  const gapMs = 1000 / perSecond;
  let last = Number.NEGATIVE_INFINITY;
  const waits: number[] = [];
  for (const sent of [...sentAt].sort((a, b) => a - b)) {
    last = Math.max(sent, last + gapMs);
    waits.push((last - sent) / 1000);
  }
  return waits.sort((a, b) => a - b);
}

/** `storm.floorSeconds`: the busiest channel's delivered posts at Slack's 1 per second. */
export function floorSeconds(postsByChannel: Readonly<Record<string, number>>, perSecond = 1): number {
  return Math.max(0, ...Object.values(postsByChannel)) / perSecond;
}

/**
 * `storm.secondsVsFloor`: first send to last delivered post, divided by the
 * floor. NaN when nothing was posted (no floor to compare with).
 */
export function secondsVsFloor(firstSendMs: number, posts: readonly PostCall[], floor: number): number {
  const lastDelivered = Math.max(...posts.filter((p) => p.ok && p.status === 200).map((p) => p.at));
  if (!(floor > 0) || !Number.isFinite(lastDelivered)) return Number.NaN;
  return round2((lastDelivered - firstSendMs) / 1000 / floor);
}
