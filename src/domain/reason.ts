import type { IncidentRecord } from './incidentRecord';

/**
 * A person's reason for a decision, as the vote entry signs it: the text they
 * typed, trimmed and bounded. Shown only through the escaping of
 * `src/blocks/escape.ts` (it is untrusted text, like the agent's).
 */

/** The most characters (code points) a reason keeps, the cut marker included. */
export const REASON_MAX = 500;

/** Ends a reason that was cut, so a reader (and the ledger) can tell it is not whole. */
export const REASON_CUT_MARKER = ' …[cut]';

/** A reason, and whether it was cut to {@link REASON_MAX}. */
export interface BoundedReason {
  text: string;
  cut: boolean;
}

/**
 * Bounds a typed reason: trimmed; empty means no reason; over
 * {@link REASON_MAX} code points it is cut (never inside a surrogate pair) and
 * ends with {@link REASON_CUT_MARKER}. Never rejects: the person is told it was cut.
 */
export function boundReason(raw: string | null | undefined): BoundedReason | undefined {
  const text = (raw ?? '').trim();
  if (text === '') return undefined;
  const points = Array.from(text);
  if (points.length <= REASON_MAX) return { text, cut: false };
  const keep = REASON_MAX - Array.from(REASON_CUT_MARKER).length;
  return { text: `${points.slice(0, keep).join('').trimEnd()}${REASON_CUT_MARKER}`, cut: true };
}

/** The reasons the people who decided gave, in the order they voted. */
export function decisionReasons(
  record: Pick<IncidentRecord, 'votes' | 'decidedBy'>,
): Array<{ userId: string; reason: string }> {
  const deciders = new Set(record.decidedBy ?? []);
  return record.votes.flatMap((v) =>
    deciders.has(v.userId) && v.reason !== undefined ? [{ userId: v.userId, reason: v.reason }] : [],
  );
}

/**
 * The workflow output's `reason`: the decider's reason as typed; with several
 * deciders who gave one, each on its own line as `<user id>: <reason>`.
 * Undefined when nobody who decided gave a reason.
 */
export function workflowReason(record: Pick<IncidentRecord, 'votes' | 'decidedBy'>): string | undefined {
  const reasons = decisionReasons(record);
  if (reasons.length === 0) return undefined;
  if (reasons.length === 1) return reasons[0]!.reason;
  return reasons.map((r) => `${r.userId}: ${r.reason}`).join('\n');
}
