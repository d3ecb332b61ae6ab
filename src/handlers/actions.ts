import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import '../domain/zodSetup';
import { runAction } from '../app/runAction';
import { IncidentSchema } from '../domain/incidentSchemas';
import type { ActionResult } from '../domain/incidentRecord';
import { ProposedActionSchema } from '../domain/messages';
import { buildContainer, type Container } from './support/container';

const ActionInputSchema = z.object({
  operation: z.enum(['contain', 'execute', 'rollback', 'close']),
  incident: IncidentSchema,
  action: z.optional(ProposedActionSchema),
  approval: z.optional(
    z.looseObject({ decision: z.optional(z.string()), decidedBy: z.optional(z.array(z.string())), ledgerHash: z.optional(z.string()) }),
  ),
  dryRun: z.boolean(),
});

let ready: Promise<Container> | undefined;

/** The workflow's action tasks (AutoContain, ContainCritical, ExecuteAction, RollbackContainment, Close). */
export async function handler(event: unknown, _context?: Context): Promise<ActionResult> {
  ready ??= buildContainer({
    slackRetries: 3,
    notifier: async (config) => {
      if (!config.actionsTopicArn) return undefined;
      const { SnsNotifier } = await import('../services/SnsNotifier');
      return new SnsNotifier({ actionsTopicArn: config.actionsTopicArn, callTimeoutMs: config.callTimeoutMs });
    },
  }).catch((e: unknown) => {
    ready = undefined;
    throw e;
  });
  const container = await ready;
  try {
    // A malformed input fails the task loudly (the workflow's Retry/Catch decide); it never runs an action.
    const input = ActionInputSchema.parse(event);
    return await runAction(container.deps, { ...input, ...(input.approval && { approval: input.approval }) } as Parameters<typeof runAction>[1]);
  } finally {
    container.telemetry.flush();
  }
}
