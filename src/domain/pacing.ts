/**
 * Pacing of Slack Web API calls: pure slot arithmetic (no clock, no store).
 * Every sender of a channel shares one cursor, `next`: the earliest time the
 * next call may go (a generic cell rate algorithm with a small burst).
 *
 * Rates (https://api.slack.com/docs/rate-limits):
 * - `chat.postMessage`: a special limit, 1 message per second per channel,
 *   short bursts tolerated. Paced per channel here, with a 5 % margin so the
 *   network's jitter does not make two posts land closer than 1 s at Slack.
 * - `chat.update`: Tier 3 (50+ per minute, per workspace): 1.2 s apart.
 * - `conversations.open`, `chat.postEphemeral`, `chat.getPermalink`: Tier 3/4;
 *   not paced (they are rare; a 429 is waited out, see WebApiSlackGateway).
 */

import type { RiskTier } from './tiers';

/** Who a paced call is for, most urgent first (docs/ROUTING.md#pacing). */
export type PacePriority = 'critical' | 'high' | 'escalation' | 'bulk';

/** Methods chainsec paces, each with its spacing. */
export type PacedMethod = 'chat.postMessage' | 'chat.update';

/** How a method is paced. */
export interface PaceRule {
  /** Least time between two calls of the key (ms). */
  intervalMs: number;
  /** Calls that may go back to back after a quiet spell (>= 1). */
  burst: number;
  /**
   * How late a call may go after its slot and still keep Slack's spacing
   * from the next caller's (the margin `intervalMs` leaves, less a little
   * for the network); a caller that wakes later books a new slot instead.
   */
  lateToleranceMs: number;
}

/** The rules (see the module comment for the sources). */
export const PACE_RULES: Readonly<Record<PacedMethod, PaceRule>> = {
  'chat.postMessage': { intervalMs: 1050, burst: 1, lateToleranceMs: 35 },
  'chat.update': { intervalMs: 1200, burst: 1, lateToleranceMs: 150 },
};

/**
 * Backlog (in intervals ahead of now) above which a priority does not take a
 * slot yet but waits: a lower priority only books while the queue is short,
 * so a critical card finds at most that many lower slots ahead of it.
 * Critical always books.
 */
export const MAX_BACKLOG_SLOTS: Readonly<Record<PacePriority, number>> = {
  critical: Number.POSITIVE_INFINITY,
  high: 2,
  escalation: 1.5,
  bulk: 1,
};

/** What {@link decideSlot} says. */
export type SlotDecision =
  /** Book the slot at `at` (ms); the cursor becomes `next` (and, for a critical card, `criticalUntil` too). */
  | { book: true; at: number; next: number; criticalUntil?: number }
  /** The backlog is too long for this priority: ask again in `retryInMs`. */
  | { book: false; retryInMs: number };

/** What {@link decideSlot} may be told besides the cursor. */
export interface SlotOptions {
  /** Book whatever the backlog (a caller that has waited long enough: never drop, only pace). */
  force?: boolean;
  /** A 429's `Retry-After` (epoch ms): the slot, and so every later caller's, is no earlier. */
  notBefore?: number;
  /** The cursor just after the last critical slot booked (epoch ms), if any. */
  criticalUntil?: number;
}

/**
 * The slot of one call: the cursor `next` (undefined for a key never used),
 * the time `now`, the rule and the caller's priority. New cursor =
 * max(next, now) + interval; the call goes at that minus the burst's
 * allowance, never before now.
 *
 * Critical first: a lower priority waits while the backlog ahead of it is
 * longer than its allowance ({@link MAX_BACKLOG_SLOTS}), and while a booked
 * critical card has not gone yet, so critical cards in a burst follow each
 * other instead of taking turns with whatever books between them.
 */
export function decideSlot(
  next: number | undefined,
  now: number,
  rule: PaceRule,
  priority: PacePriority,
  options: SlotOptions = {},
): SlotDecision {
  const { force = options.notBefore !== undefined, notBefore = now, criticalUntil } = options;
  const cursor = Math.max(next ?? now, now, notBefore);
  if (!force && priority !== 'critical') {
    const allowedMs = MAX_BACKLOG_SLOTS[priority] * rule.intervalMs;
    const holdUntil = Math.max(cursor - allowedMs, (criticalUntil ?? now) - rule.intervalMs);
    if (holdUntil > now) return { book: false, retryInMs: holdUntil - now };
  }
  const at = Math.max(now, notBefore, cursor - (rule.burst - 1) * rule.intervalMs);
  const after = cursor + rule.intervalMs;
  return priority === 'critical'
    ? { book: true, at, next: after, criticalUntil: after }
    : { book: true, at, next: after };
}

/**
 * Whether a caller that woke `lateByMs` after its slot must book again: sent
 * now, it would land closer than Slack allows to the next caller's slot.
 */
export function missedSlot(rule: PaceRule, lateByMs: number): boolean {
  return lateByMs > rule.lateToleranceMs;
}

/** The priority of an incident's card: critical, then high; anything else waits with the digests. */
export function cardPriority(tier: RiskTier): PacePriority {
  return tier === 'critical' || tier === 'high' ? tier : 'bulk';
}
