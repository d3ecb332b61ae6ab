import { createHash } from 'node:crypto';
import type { RiskTier } from './tiers';
import type { OnChainEvent, WafEvent } from './incidentSchemas';
import type { FindingFacts, FindingOutcome } from './sources/types';

// The zod schemas of these shapes live in ./incidentSchemas, so that code
// which only needs ids, types and formatting (the click path) does not build
// them at load time (~12 ms of a cold start).
export type { OnChainEvent, WafEvent } from './incidentSchemas';

/**
 * Incident shapes and their normalisation into one {@link Incident} type.
 * Field names follow the seed documents (CONTRACT section 2). Every string is
 * untrusted: it is bounded here and escaped by `src/blocks` before Slack.
 */

export type RawIncidentEvent = OnChainEvent | WafEvent;

interface IncidentBase {
  /** Short, opaque, stable id (`INC-` + 10 base32 chars) derived from the event's identity. */
  id: string;
  tier: RiskTier;
  /** When the event happened (from the event, else when chainsec first saw it). */
  observedAt: string;
  /** One line a person can read: "Transfer of $250,000 on Uniswap". Untrusted parts inside. */
  title: string;
}

export interface OnChainIncident extends IncidentBase {
  kind: 'onchain';
  onchain: {
    txHash: string;
    amountUsd: number;
    protocol: string;
    anomalyScore: number;
    chain?: string;
    from?: string;
    to?: string;
  };
}

export interface WafIncident extends IncidentBase {
  kind: 'waf';
  waf: {
    eventId: string;
    action: string;
    sourceIp: string;
    uri: string;
    httpMethod: string;
    ruleName: string;
    country: string;
    severity?: number;
    analysis?: string;
    followUp?: string;
  };
}

/** A security finding from a detector in the source registry (`./sources`): GuardDuty, Security Hub. */
export interface FindingIncident extends IncidentBase {
  kind: 'finding';
  finding: FindingFacts;
}

/** One incident, whatever shape it arrived in. */
export type Incident = OnChainIncident | WafIncident | FindingIncident;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Crockford base32 of the first bytes of a digest: short, unambiguous, typable. */
function base32(bytes: Buffer, chars: number): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length >= chars) break;
  }
  return out;
}

/** The natural key of an event: the same event delivered twice gets the same key. */
export function naturalKey(event: RawIncidentEvent): string {
  if (isOnChainEvent(event)) {
    return `onchain:${(event.chain ?? 'any').toLowerCase()}:${event.tx_hash.toLowerCase()}`;
  }
  return `waf:${String(event.id)}`;
}

/** What an incident id looks like (`INC-` + 10 Crockford base32 characters). */
export const INCIDENT_ID = /^INC-[0-9A-Z]{10}$/;

/** `INC-XXXXXXXXXX`: the incident id chainsec shows and buttons carry. */
export function incidentIdFor(event: RawIncidentEvent): string {
  return incidentIdForKey(naturalKey(event));
}

/** The incident id of a natural key (a finding's `guardduty:<account>:<region>:<id>`, ...). */
export function incidentIdForKey(key: string): string {
  const digest = createHash('sha256').update(key).digest();
  return `INC-${base32(digest, 10)}`;
}

/** The incident of a finding a source module read (`./sources`). */
export function findingIncident(
  outcome: Extract<FindingOutcome, { kind: 'finding' }>,
  receivedAt: Date,
): FindingIncident {
  return {
    id: incidentIdForKey(outcome.naturalKey),
    kind: 'finding',
    tier: outcome.tier,
    observedAt: validTimestamp(outcome.observedAt, receivedAt),
    title: outcome.title,
    finding: outcome.facts,
  };
}

/**
 * Pattern key used to fold repeats: the same source IP + URI, or the same
 * address on the same protocol. `undefined` when an on-chain event names no
 * address (a protocol alone is too broad to call a repeat).
 */
export function patternKey(incident: Incident): string | undefined {
  if (incident.kind === 'waf') return `waf:${incident.waf.sourceIp}|${incident.waf.uri}`;
  // A finding is folded by its id (re-emitted findings update their incident), never by a pattern.
  if (incident.kind === 'finding') return undefined;
  const address = incident.onchain.from ?? incident.onchain.to;
  return address === undefined ? undefined : `onchain:${address.toLowerCase()}|${incident.onchain.protocol}`;
}

export function isOnChainEvent(event: RawIncidentEvent): event is OnChainEvent {
  return typeof (event as OnChainEvent).tx_hash === 'string';
}

/**
 * Formats a dollar amount the way cards show it: `$1,234,568` (whole dollars,
 * half up, exactly as en-US currency formatting does). Written out rather than
 * with `Intl.NumberFormat`, whose first construction costs ~20 ms of every
 * cold start.
 */
export function formatUsd(amount: number): string {
  if (!Number.isFinite(amount)) return `$${amount}`;
  const sign = amount < 0 || Object.is(amount, -0) ? '-' : '';
  const whole = plainDigits(Math.round(Math.abs(amount))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}$${whole}`;
}

/** A whole number's shortest decimal digits, without exponent notation (1e+25 -> "1000..."). */
function plainDigits(n: number): string {
  const text = String(n);
  const exponent = text.indexOf('e+');
  if (exponent < 0) return text;
  const [int = '', frac = ''] = text.slice(0, exponent).split('.');
  return int + frac + '0'.repeat(Number(text.slice(exponent + 2)) - frac.length);
}

function validTimestamp(value: string | undefined, fallback: Date): string {
  if (value) {
    const d = new Date(value);
    if (!Number.isNaN(d.getTime())) return d.toISOString();
  }
  return fallback.toISOString();
}

/**
 * Turns a validated raw event into an {@link Incident} with the given tier.
 * @param receivedAt used when the event carries no usable timestamp
 */
export function normalizeIncident(
  event: RawIncidentEvent,
  tier: RiskTier,
  receivedAt: Date,
): OnChainIncident | WafIncident {
  const id = incidentIdFor(event);
  if (isOnChainEvent(event)) {
    return {
      id,
      kind: 'onchain',
      tier,
      observedAt: validTimestamp(event.timestamp, receivedAt),
      title: `${formatUsd(event.amount_usd)} transaction on ${event.protocol}`,
      onchain: {
        txHash: event.tx_hash,
        amountUsd: event.amount_usd,
        protocol: event.protocol,
        anomalyScore: event.anomaly_score,
        ...(event.chain !== undefined && { chain: event.chain }),
        ...(event.from !== undefined && { from: event.from }),
        ...(event.to !== undefined && { to: event.to }),
      },
    };
  }
  const waf = event as WafEvent;
  return {
    id,
    kind: 'waf',
    tier,
    observedAt: validTimestamp(waf.timestamp, receivedAt),
    title: `WAF ${waf.action} ${waf.rule_name} from ${waf.source_ip}`,
    waf: {
      eventId: String(waf.id),
      action: waf.action,
      sourceIp: waf.source_ip,
      uri: waf.uri,
      httpMethod: waf.http_method,
      ruleName: waf.rule_name,
      country: waf.country,
      ...(waf.analysis && { severity: waf.analysis.severity_rating }),
      ...(waf.analysis?.security_analysis !== undefined && { analysis: waf.analysis.security_analysis }),
      ...(waf.analysis?.follow_up_suggestion !== undefined && { followUp: waf.analysis.follow_up_suggestion }),
    },
  };
}
