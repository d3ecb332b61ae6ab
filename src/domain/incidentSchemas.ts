import * as z from 'zod/mini';
import './zodSetup';
import type { Incident } from './incident';
import { EVENT_SOURCES, type AgentEvent } from './sources';
import { onChainEventSchema } from './sources/onchain';
import { incidentBaseShape, text } from './sources/schemaParts';
import { wafEventSchema } from './sources/waf';

/**
 * The zod schemas of the incident shapes (docs/INTERFACES.md#incident-inputs), assembled from
 * the source registry (`./sources`): each source module owns its schemas and
 * builds them on first use. Importing this module builds them (the parse
 * paths do); importing `./incident` for ids, types and formatting does not.
 */

/** A raw on-chain event: `{ tx_hash, amount_usd, protocol, anomaly_score, ... }`. Unknown keys are kept. */
export const OnChainEventSchema = onChainEventSchema();

/** A raw WAF event, optionally with the agent's `analysis`. Unknown keys are kept. */
export const WafEventSchema = wafEventSchema();

/** Any raw shape of {@link EVENT_SOURCES}, tried in the registry's order. */
export const RawIncidentEventSchema = z.union(
  EVENT_SOURCES.map((s) => s.eventSchema()) as unknown as [z.ZodMiniType<AgentEvent>],
);

/** Zod schema of a normalised {@link Incident}, for messages that carry one already classified. */
export const IncidentSchema: z.ZodMiniType<Incident> = z.discriminatedUnion('kind', [
  ...(EVENT_SOURCES.map((s) => s.incidentSchema()) as unknown as z.ZodMiniObject[]),
  z.object({
    ...incidentBaseShape('finding'),
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
      host: z.optional(text(0, 200)),
      bucketPublic: z.optional(z.boolean()),
      controlId: z.optional(text(0, 50)),
      generator: z.optional(text(0, 500)),
      ocsfClass: z.optional(text(0, 100)),
      resourceUnknown: z.optional(z.boolean()),
      count: z.int().check(z.nonnegative()),
      firstSeen: z.optional(text(0, 50)),
      lastSeen: z.optional(text(0, 50)),
      sample: z.boolean(),
      severity: text(0, 30),
      description: z.optional(text(0, 200_000)),
      fields: z.array(z.object({ label: text(1, 200), value: text(0, 2000) })).check(z.maxLength(40)),
    }),
  }),
] as unknown as [z.ZodMiniObject, ...z.ZodMiniObject[]]) as unknown as z.ZodMiniType<Incident>;
