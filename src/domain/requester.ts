import { INVISIBLE_CLASS_BODY } from './invisibleCharacters';

/** What a Slack user id looks like: `U` or `W`, then upper-case letters and digits. */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** Who asked for an approval, as the rules compare it and the card shows it. */
export interface Requester {
  /** The Slack user id the request names, normalised; absent when it names no user (an agent). */
  userId?: string;
  /** What to show when it is not a user the workspace knows: the text as sent, trimmed. */
  label: string;
}

/** Invisible or spacing characters an agent (or a person) may wrap an id in. */
const WRAPPING = new RegExp(String.raw`[${INVISIBLE_CLASS_BODY}\p{Cc}\p{Z}]`, 'gu');
/** `<@U123>`, `<@U123|name>`, `@U123`. */
const MENTION = /^<@([^|>]+)(?:\|[^>]*)?>$|^@(.+)$/;

/**
 * Reads `requestedBy` as sent by the agent. A Slack user id is recognised
 * however it is decorated (spaces and invisible characters, a `<@…>` mention,
 * a leading `@`, lower case), so that a decoration never lets the requester
 * decide their own request; anything else is an agent's name, shown as text.
 */
export function parseRequester(raw: string): Requester {
  const label = raw.trim();
  const bare = raw.replace(WRAPPING, '');
  const m = MENTION.exec(bare);
  const candidate = (m ? (m[1] ?? m[2] ?? '') : bare).toUpperCase();
  return SLACK_USER_ID.test(candidate) ? { userId: candidate, label } : { label };
}

/** Whether `requestedBy` (as stored, normalised or not) names the user `userId`. */
export function isRequester(requestedBy: string | undefined, userId: string): boolean {
  if (requestedBy === undefined) return false;
  const { userId: requester } = parseRequester(requestedBy);
  return requester !== undefined && requester === userId.toUpperCase();
}
