import type { RiskTier } from '../domain/tiers';
import { escapeMrkdwn, oneLine, truncate, untrusted } from './escape';
import { context, section } from './elements';
import { tierLabel } from './format';
import { MESSAGE_TEXT_MAX, type BlockMessage } from './limits';

/**
 * The notice for something that needed people but could not be carded: an
 * approval request or event refused as sent, or a finding that could not be
 * read. It says what arrived and why, in the bot's voice; everything the
 * sender wrote (names, the reason's field paths) is escaped and bounded.
 */
export interface RefusalNoticeFacts {
  /** The tier it would have had. */
  tier: RiskTier;
  /** What arrived, as chainsec names it (`approval request`, `GuardDuty finding`). */
  what: string;
  /** What identifies it, as sent (a title, a finding id); untrusted. */
  identity?: string;
  /** Why it could not be carded (names every bad field); untrusted parts inside. */
  reason: string;
  /** What happened to the waiting workflow, when one was waiting (`its workflow was failed (code)`). */
  outcome: string;
}

/** The channel notice (also the on-call page) for a refusal. */
export function buildRefusalNotice(facts: RefusalNoticeFacts): BlockMessage {
  const about = facts.identity ? ` ${untrusted(oneLine(facts.identity), 300)}` : '';
  const head = `:no_entry: A ${tierLabel(facts.tier)} ${escapeMrkdwn(facts.what)}${about} arrived but could not be shown for a decision.`;
  const why = `*Why:* ${untrusted(oneLine(facts.reason), 1500)}`;
  const next = `${escapeMrkdwn(facts.outcome)} Nothing was approved; the payload is kept in the rejected store.`;
  const text = truncate(`${head} ${why} ${next}`, MESSAGE_TEXT_MAX);
  return { text, blocks: [section(head), section(why), context([next])] };
}
