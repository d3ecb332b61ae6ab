import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import './zodSetup';
import type { RiskTier } from './tiers';

/**
 * Incident shapes and their normalisation into one {@link Incident} type.
 * Field names follow the seed documents (CONTRACT section 2). Every string is
 * untrusted: it is bounded here and escaped by `src/blocks` before Slack.
 */

/** A string of `min`..`max` characters (zod/mini spells length bounds as checks). */
function text(min: number, max: number) {
  return min > 0 ? z.string().check(z.minLength(min), z.maxLength(max)) : z.string().check(z.maxLength(max));
}

/** Like {@link text}, measured after trimming (the parsed value is the trimmed string). */
function trimmed(min: number, max: number) {
  return z.string().check(z.trim(), z.minLength(min), z.maxLength(max));
}

/** An integer in `min..max`. */
function intIn(min: number, max: number) {
  return z.int().check(z.gte(min), z.lte(max));
}

const idLike = z.union([trimmed(1, 200), z.int().check(z.nonnegative())]);

/** What the agent may attach to a raw event: its reasoning, evidence and proposal. */
export const AgentContextSchema = z.object({
  reasoning: z.optional(text(0, 200_000)),
  evidence: z.optional(z.array(z.union([text(0, 50_000), z.record(z.string(), z.unknown())])).check(z.maxLength(200))),
  proposed_action: z.optional(z.object({ type: text(1, 100), target: text(1, 1000), reversible: z.boolean() })),
  requested_by: z.optional(text(0, 200)),
});

/** A raw on-chain event: `{ tx_hash, amount_usd, protocol, anomaly_score, ... }`. Unknown keys are kept. */
export const OnChainEventSchema = z.looseObject({
  tx_hash: trimmed(1, 200),
  // zod 4 numbers already refuse NaN and ±Infinity (classic `.finite()` was a no-op).
  amount_usd: z.number().check(z.nonnegative()),
  protocol: trimmed(1, 200),
  anomaly_score: z.number().check(z.gte(0), z.lte(1)),
  chain: z.optional(text(0, 100)),
  from: z.optional(text(0, 200)),
  to: z.optional(text(0, 200)),
  id: z.optional(idLike),
  timestamp: z.optional(text(0, 100)),
  agent: z.optional(AgentContextSchema),
});
export type OnChainEvent = z.infer<typeof OnChainEventSchema>;

/** The triage agent's analysis attached to a WAF event (severity 0..5). */
export const WafAnalysisSchema = z.object({
  severity_rating: intIn(0, 5),
  security_analysis: z.optional(text(0, 200_000)),
  follow_up_suggestion: z.optional(text(0, 200_000)),
});

/** A raw WAF event, optionally with the agent's `analysis`. Unknown keys are kept. */
export const WafEventSchema = z.looseObject({
  id: idLike,
  timestamp: text(1, 100),
  action: text(1, 50),
  source_ip: text(1, 100),
  uri: text(1, 8192),
  http_method: text(1, 20),
  rule_name: text(1, 500),
  country: text(1, 100),
  analysis: z.optional(WafAnalysisSchema),
  agent: z.optional(AgentContextSchema),
});
export type WafEvent = z.infer<typeof WafEventSchema>;

/** Either raw shape; on-chain is tried first because its required keys are distinctive. */
export const RawIncidentEventSchema = z.union([OnChainEventSchema, WafEventSchema]);
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

/** One incident, whatever shape it arrived in. */
export type Incident = OnChainIncident | WafIncident;

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
  const digest = createHash('sha256').update(naturalKey(event)).digest();
  return `INC-${base32(digest, 10)}`;
}

/**
 * Pattern key used to fold repeats: the same source IP + URI, or the same
 * address on the same protocol. `undefined` when an on-chain event names no
 * address (a protocol alone is too broad to call a repeat).
 */
export function patternKey(incident: Incident): string | undefined {
  if (incident.kind === 'waf') return `waf:${incident.waf.sourceIp}|${incident.waf.uri}`;
  const address = incident.onchain.from ?? incident.onchain.to;
  return address === undefined ? undefined : `onchain:${address.toLowerCase()}|${incident.onchain.protocol}`;
}

export function isOnChainEvent(event: RawIncidentEvent): event is OnChainEvent {
  return typeof (event as OnChainEvent).tx_hash === 'string';
}

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });

/** Formats a dollar amount the way cards show it. */
export function formatUsd(amount: number): string {
  return usd.format(amount);
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
export function normalizeIncident(event: RawIncidentEvent, tier: RiskTier, receivedAt: Date): Incident {
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

/** Zod schema of a normalised {@link Incident}, for messages that carry one already classified. */
export const IncidentSchema: z.ZodMiniType<Incident> = z.discriminatedUnion('kind', [
  z.object({
    id: z.string().check(z.regex(INCIDENT_ID)),
    kind: z.literal('onchain'),
    tier: z.enum(['low', 'medium', 'high', 'critical']),
    observedAt: z.string(),
    title: text(0, 1000),
    onchain: z.object({
      txHash: text(1, 200),
      amountUsd: z.number().check(z.nonnegative()),
      protocol: text(1, 200),
      anomalyScore: z.number().check(z.gte(0), z.lte(1)),
      chain: z.optional(text(0, 100)),
      from: z.optional(text(0, 200)),
      to: z.optional(text(0, 200)),
    }),
  }),
  z.object({
    id: z.string().check(z.regex(INCIDENT_ID)),
    kind: z.literal('waf'),
    tier: z.enum(['low', 'medium', 'high', 'critical']),
    observedAt: z.string(),
    title: text(0, 1000),
    waf: z.object({
      eventId: text(1, 200),
      action: text(0, 50),
      sourceIp: text(0, 100),
      uri: text(0, 8192),
      httpMethod: text(0, 20),
      ruleName: text(0, 500),
      country: text(0, 100),
      severity: z.optional(intIn(0, 5)),
      analysis: z.optional(text(0, 200_000)),
      followUp: z.optional(text(0, 200_000)),
    }),
  }),
]) as z.ZodMiniType<Incident>;
