import { INCIDENT_ID } from './incident';
import { SLACK_USER_ID } from './requester';
import type { VoteChoice, VoteSurface } from './votes';

/**
 * What travels through Slack between a "… with reason" click and the modal's
 * submission: the menu option's value and the view's `private_metadata`. Both
 * hold only references (the incident id, the choice, where the modal was
 * opened, who opened it), never a token. Slack returns `private_metadata` as
 * the app set it, but a submission is still read strictly: anything that does
 * not parse is refused, and every fact is checked again against the incident
 * when the vote is recorded.
 */

const CHOICES: ReadonlySet<string> = new Set<VoteChoice>(['approve', 'deny', 'rollback']);
const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;
const MESSAGE_TS = /^\d{6,12}\.\d{1,9}$/;

/** The value of a "… with reason" menu option: `<choice>:<incident id>`. */
export function reasonOptionValue(choice: VoteChoice, incidentId: string): string {
  return `${choice}:${incidentId}`;
}

/** Reads a menu option's value; `undefined` for anything but `<choice>:<incident id>`. */
export function parseReasonOption(value: unknown): { choice: VoteChoice; incidentId: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const [choice, incidentId, ...rest] = value.split(':');
  if (rest.length > 0 || choice === undefined || incidentId === undefined) return undefined;
  return CHOICES.has(choice) && INCIDENT_ID.test(incidentId) ? { choice: choice as VoteChoice, incidentId } : undefined;
}

/** The reason modal's `private_metadata`. */
export interface ReasonModalMetadata {
  incidentId: string;
  choice: VoteChoice;
  /** Where the modal was opened from (the card, or the App Home tab), as proven by the click that opened it. */
  surface: VoteSurface;
  /** Who opened it: the submission must come from the same person. */
  userId: string;
}

/** Compact JSON for `private_metadata` (well under Slack's 3000 characters). */
export function encodeReasonMetadata(m: ReasonModalMetadata): string {
  const where = m.surface.kind === 'app_home' ? { h: 1 } : { c: m.surface.channelId, t: m.surface.messageTs };
  return JSON.stringify({ i: m.incidentId, v: m.choice, u: m.userId, ...where });
}

/** Reads `private_metadata` strictly; `undefined` when it is not exactly what {@link encodeReasonMetadata} writes. */
export function parseReasonMetadata(raw: unknown): ReasonModalMetadata | undefined {
  if (typeof raw !== 'string' || raw.length > 500) return undefined;
  let o: unknown;
  try {
    o = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return undefined;
  const { i, v, u, c, t, h, ...rest } = o as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return undefined;
  if (typeof i !== 'string' || !INCIDENT_ID.test(i) || typeof v !== 'string' || !CHOICES.has(v)) return undefined;
  if (typeof u !== 'string' || !SLACK_USER_ID.test(u)) return undefined;
  let surface: VoteSurface;
  if (h === 1 && c === undefined && t === undefined) surface = { kind: 'app_home' };
  else if (
    h === undefined &&
    typeof c === 'string' &&
    CHANNEL_ID.test(c) &&
    typeof t === 'string' &&
    MESSAGE_TS.test(t)
  ) {
    surface = { kind: 'message', channelId: c, messageTs: t };
  } else return undefined;
  return { incidentId: i, choice: v as VoteChoice, userId: u, surface };
}
