import * as z from 'zod/mini';
import './zodSetup';
import { INCIDENT_ID, type Incident } from './incident';

/**
 * Zod schemas of the incident shapes (CONTRACT section 2): the raw events the
 * agent sends and the normalised {@link Incident}. Every string is untrusted:
 * it is bounded here and escaped by `src/blocks` before Slack. Kept apart from
 * ./incident so that importing ids and types builds no schema.
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
  z.object({
    id: z.string().check(z.regex(INCIDENT_ID)),
    kind: z.literal('finding'),
    tier: z.enum(['low', 'medium', 'high', 'critical']),
    observedAt: z.string(),
    title: text(0, 1000),
    finding: z.object({
      source: text(1, 50),
      findingId: text(1, 1000),
      type: text(0, 300),
      account: text(0, 20),
      region: text(0, 50),
      resource: text(0, 2000),
      resourceType: text(0, 200),
      family: text(0, 50),
      remoteIp: z.optional(text(0, 200)),
      count: z.int().check(z.nonnegative()),
      firstSeen: z.optional(text(0, 50)),
      lastSeen: z.optional(text(0, 50)),
      sample: z.boolean(),
      severity: text(0, 30),
      description: z.optional(text(0, 200_000)),
      fields: z.array(z.object({ label: text(1, 200), value: text(0, 2000) })).check(z.maxLength(40)),
    }),
  }),
]) as z.ZodMiniType<Incident>;
