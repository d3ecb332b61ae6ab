import * as z from 'zod/mini';
import '../zodSetup';
import { INCIDENT_ID } from '../incidentId';

/**
 * The zod pieces the agent's event sources share. Every schema is built on
 * first use, never at load: the click path imports the source modules (for
 * ids, titles, card fields) and must not pay for building schemas.
 */

/** A string of `min`..`max` characters (zod/mini spells length bounds as checks). */
export function text(min: number, max: number) {
  return min > 0 ? z.string().check(z.minLength(min), z.maxLength(max)) : z.string().check(z.maxLength(max));
}

/** Like {@link text}, measured after trimming (the parsed value is the trimmed string). */
export function trimmed(min: number, max: number) {
  return z.string().check(z.trim(), z.minLength(min), z.maxLength(max));
}

/** An integer in `min..max`. */
export function intIn(min: number, max: number) {
  return z.int().check(z.gte(min), z.lte(max));
}

/** An event id: a non-empty string (trimmed) or a non-negative integer. */
export function idLike() {
  return z.union([trimmed(1, 200), z.int().check(z.nonnegative())]);
}

/** Memoises a schema builder: the schema is built on the first call. */
export function lazy<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => {
    built ??= build();
    return built;
  };
}

/** What the agent may attach to a raw event: its reasoning, evidence and proposal. */
const agentContextSchema = lazy(() =>
  z.object({
    reasoning: z.optional(text(0, 200_000)),
    evidence: z.optional(
      z.array(z.union([text(0, 50_000), z.record(z.string(), z.unknown())])).check(z.maxLength(200)),
    ),
    proposed_action: z.optional(z.object({ type: text(1, 100), target: text(1, 1000), reversible: z.boolean() })),
    requested_by: z.optional(text(0, 200)),
  }),
);

/** The fields every normalised incident has (its `kind` and source facts are added by each module). */
export function incidentBaseShape(kind: string) {
  return {
    id: z.string().check(z.regex(INCIDENT_ID)),
    kind: z.literal(kind),
    tier: z.enum(['low', 'medium', 'high', 'critical']),
    observedAt: z.string(),
    title: text(0, 1000),
  };
}

/**
 * The schema of an agent-event source's normalised incident (built on the
 * first call): {@link incidentBaseShape} and the source's facts, under `kind`.
 * @typeParam I the normalised incident, whose facts `facts` describes
 */
export function incidentSchemaOf<I>(kind: string, facts: () => z.core.$ZodShape): () => z.ZodMiniType<I> {
  return lazy(() => z.object({ ...incidentBaseShape(kind), [kind]: z.object(facts()) }) as unknown as z.ZodMiniType<I>);
}

/**
 * The schema of an agent-event source's raw event (built on the first call):
 * the source's fields, and the `agent` context any raw event may carry.
 * Unknown keys are kept.
 */
export function agentEventSchemaOf<S extends z.core.$ZodShape>(fields: () => S) {
  return lazy(() => z.looseObject({ ...fields(), agent: z.optional(agentContextSchema()) }));
}
