import type { TierPolicy } from './policy';

/**
 * On-call escalation rules, pure. Level 0: nobody paged. Level 1: primary paged
 * (after the tier's SLA, or at once for critical). Level 2: secondary paged
 * (after twice the SLA). Level n >= 3: reminders to both at SLA x 2^(n-1), so
 * reminders back off (4x, 8x, 16x the SLA) and nobody is spammed.
 */

export interface OnCallShift {
  /** ISO-8601 UTC instant the shift starts (the hand-off). */
  start: string;
  primary: string;
  secondary: string;
}

export interface OnCall {
  primary: string;
  secondary: string;
}

/** Who is on call at `now`: the latest shift that has started (else the first). */
export function onCallAt(shifts: readonly OnCallShift[], now: Date): OnCall {
  if (shifts.length === 0) throw new Error('on-call schedule is empty');
  const sorted = [...shifts].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  let current = sorted[0]!;
  for (const s of sorted) if (Date.parse(s.start) <= now.getTime()) current = s;
  return { primary: current.primary, secondary: current.secondary };
}

/** The facts escalation looks at. */
export interface EscalationState {
  requestedAt: string;
  acknowledgedAt?: string;
  escalationLevel: number;
}

export interface EscalationStep {
  level: number;
  /** Who gets the DM at this level. */
  targets: ReadonlyArray<'primary' | 'secondary'>;
}

/** Seconds after the request at which `level` becomes due. */
export function escalationDueAfterSeconds(level: number, policy: TierPolicy): number {
  if (level <= 1) return policy.dmPrimaryImmediately ? 0 : policy.ackSlaSeconds;
  return policy.ackSlaSeconds * 2 ** (level - 1);
}

/** The next escalation due at `now`, or `null` when none is (acknowledged, or not yet time). */
export function nextEscalation(state: EscalationState, policy: TierPolicy, now: Date): EscalationStep | null {
  if (state.acknowledgedAt !== undefined) return null;
  const level = state.escalationLevel + 1;
  const dueAt = Date.parse(state.requestedAt) + escalationDueAfterSeconds(level, policy) * 1000;
  if (now.getTime() < dueAt) return null;
  if (level === 1) return { level, targets: ['primary'] };
  if (level === 2) return { level, targets: ['secondary'] };
  return { level, targets: ['primary', 'secondary'] };
}
