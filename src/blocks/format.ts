import { formatDistanceStrict } from 'date-fns';
import type { Incident } from '../domain/incident';
import { eventIdentity } from '../domain/sources';
import type { RiskTier } from '../domain/tiers';
import { SLACK_USER_ID } from '../domain/requester';
import { escapeMrkdwn, truncate, untrusted } from './escape';

/**
 * A person as mrkdwn: a mention when `id` is a well-formed Slack user id, else
 * the escaped text. Our records hold ids we stored ourselves, but a check here
 * keeps a malformed one from ever becoming a `<…>` token.
 */
export function mention(id: string): string {
  return SLACK_USER_ID.test(id) ? `<@${id}>` : untrusted(id, 100);
}

/**
 * Who asked for an approval, as mrkdwn: a mention only of a user the
 * workspace knows (checked at ingest), else text, so an agent cannot make a
 * card ping anyone.
 */
export function requesterText(record: { requestedBy?: string; requesterKnown?: boolean }): string {
  const by = record.requestedBy ?? 'agent';
  return record.requesterKnown === true && SLACK_USER_ID.test(by) ? `<@${by}>` : untrusted(by, 100);
}

/** Several people, comma-separated. */
export function mentions(ids: readonly string[]): string {
  return ids.map(mention).join(', ');
}

/** The colour dot each tier's cards use. */
export const TIER_EMOJI: Record<RiskTier, string> = { critical: '🔴', high: '🟠', medium: '🟡', low: '🟢' };

/** `CRITICAL`, `HIGH`, … */
export function tierLabel(tier: RiskTier): string {
  return tier.toUpperCase();
}

function parse(iso: string): Date | undefined {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * An instant as `2026-11-23 14:05 UTC`. Built from the ISO form rather than
 * date-fns `format`, which would use the host's time zone. An unparsable
 * value is shown escaped as it was.
 */
export function formatUtc(iso: string | Date): string {
  const d = typeof iso === 'string' ? parse(iso) : iso;
  if (!d || Number.isNaN(d.getTime())) return untrusted(String(iso), 100);
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `in 59 minutes` / `3 minutes ago`, from `now` (date-fns, strict units). */
export function formatRelative(iso: string, now: Date): string {
  const d = parse(iso);
  return d ? formatDistanceStrict(d, now, { addSuffix: true }) : '';
}

/** `2026-11-23 14:05 UTC (in 59 minutes)`. */
export function formatWhen(iso: string, now: Date): string {
  const rel = formatRelative(iso, now);
  return rel ? `${formatUtc(iso)} (${rel})` : formatUtc(iso);
}

/** The incident's identifying fields, in one short line (escaped): tx hash, or source IP and URI. */
export function identifyingLine(incident: Incident, max = 600): string {
  if (incident.kind === 'finding')
    return truncate(`${escapeMrkdwn(incident.finding.type)} ${escapeMrkdwn(incident.finding.resource)}`, max);
  if (incident.kind === 'request')
    return truncate(`${escapeMrkdwn(incident.request.actionType)} on ${escapeMrkdwn(incident.request.target)}`, max);
  const { prefix, parts } = eventIdentity(incident);
  return truncate([...(prefix === undefined ? [] : [prefix]), ...parts.map(escapeMrkdwn)].join(' '), max);
}
