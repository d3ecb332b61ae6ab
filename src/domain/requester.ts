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
/** Everything that is not a letter or digit once folded (separators, brackets, punctuation, marks). */
const NOT_ALPHANUMERIC = /[^A-Z0-9]/g;
/** `<@U123>`, `<@U123|name>`, `@U123`. */
const MENTION = /^<@([^|>]+)(?:\|[^>]*)?>$|^@(.+)$/;

/** Capital letters of other scripts that look like the Latin ones Slack ids use (NFKC keeps them apart). */
const LOOK_ALIKES: Readonly<Record<string, string>> = Object.fromEntries(
  [
    ['АВЕЅІЈКМНОРСТХУ', 'ABESIJKMHOPCTXY'], // Cyrillic
    ['ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ', 'ABEZHIKMNOPTYX'], // Greek
  ].flatMap(([from, to]) => [...from!].map((c, i) => [c, to![i]!])),
);
const LOOK_ALIKE = new RegExp(`[${Object.keys(LOOK_ALIKES).join('')}]`, 'gu');

/**
 * Unicode compatibility normalisation (NFKC: fullwidth `Ｕ０…` and
 * mathematical-bold letters become ASCII), case folding (upper case, the
 * case Slack ids use) and Cyrillic or Greek capitals that look Latin read as
 * Latin. One home for how a requester's text is compared.
 */
export function foldRequesterText(raw: string): string {
  return raw
    .normalize('NFKC')
    .toUpperCase()
    .normalize('NFKC')
    .replace(LOOK_ALIKE, (c) => LOOK_ALIKES[c] ?? c);
}

/**
 * Reads `requestedBy` as sent by the agent. A text that is exactly one Slack
 * user id, however decorated (spaces and invisible characters, a `<@…>`
 * mention, a leading `@`, lower case, fullwidth or styled letters), is that
 * user; anything else is kept as sent and shown as text. Who may not decide
 * is {@link isRequester}'s broader rule, not this one.
 */
export function parseRequester(raw: string): Requester {
  const label = raw.trim();
  const bare = foldRequesterText(raw).replace(WRAPPING, '');
  const m = MENTION.exec(bare);
  const candidate = m ? (m[1] ?? m[2] ?? '') : bare;
  return SLACK_USER_ID.test(candidate) ? { userId: candidate, label } : { label };
}

/**
 * Whether `requestedBy` (as stored, normalised or not) may name the user
 * `userId`, resolved conservatively: after NFKC and case folding, with every
 * character that is not a letter or digit removed, the text contains the id.
 * So `user:U0APPROVER1`, `U0APPROVER1.`, `U0APPROVER1 (Ada)`, a list of ids and
 * bracket look-alikes all name U0APPROVER1. A false match only keeps a person
 * from deciding; a missed one would let the requester approve their own request.
 */
export function isRequester(requestedBy: string | undefined, userId: string): boolean {
  if (requestedBy === undefined) return false;
  const id = foldRequesterText(userId).replace(NOT_ALPHANUMERIC, '');
  if (!SLACK_USER_ID.test(id)) return false;
  return foldRequesterText(requestedBy).replace(NOT_ALPHANUMERIC, '').includes(id);
}
