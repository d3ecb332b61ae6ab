import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import '../domain/zodSetup';
import { runAction } from '../app/runAction';
import { IncidentSchema } from '../domain/incidentSchemas';
import type { ActionResult } from '../domain/incidentRecord';
import { ContainmentSchema, FullTextRefSchema, ProposedActionSchema } from '../domain/messages';
import { APPROVAL_TIERS } from '../domain/tiers';
import { reportRefused } from '../app/reportRefused';
import { reportUndelivered, type UndeliveredOutcome } from '../app/reportUndelivered';
import { buildContainer } from './support/container';
import { perContainer } from './support/perContainer';

const ActionInputSchema = z.object({
  operation: z.enum(['contain', 'execute', 'rollback', 'close']),
  incident: IncidentSchema,
  action: z.optional(ProposedActionSchema),
  approval: z.optional(
    z.looseObject({
      decision: z.optional(z.string()),
      decidedBy: z.optional(z.array(z.string())),
      ledgerHash: z.optional(z.string()),
    }),
  ),
  dryRun: z.boolean(),
});

/** `ApprovalFailedFailClosed`: the workflow's whole state (bounded), with the error its Catch put at `approvalError`. */
const UndeliveredInputSchema = z.object({
  operation: z.literal('report_undelivered'),
  executionArn: z.string().check(z.maxLength(2048)),
  state: z.object({
    incident: IncidentSchema,
    tier: z.enum(APPROVAL_TIERS),
    proposedAction: ProposedActionSchema,
    containment: z.optional(ContainmentSchema),
    reasoning: z._default(z.string(), ''),
    evidence: z._default(z.array(z.string()), []),
    requestedBy: z.optional(z.string().check(z.maxLength(200))),
    dryRun: z._default(z.boolean(), false),
    fullText: z.optional(FullTextRefSchema),
    approvalError: z.optional(z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) })),
  }),
});

/** `ReportRefused`: the execution's own input (`$$.Execution.Input`) and the error Classify's Catch recorded. */
const RefusedInputSchema = z.object({
  operation: z.literal('report_refused'),
  event: z.unknown(),
  error: z.optional(z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) })),
});

const operationOf = (event: unknown): unknown => (event as { operation?: unknown } | null)?.operation;
const isReport = (event: unknown): boolean => operationOf(event) === 'report_undelivered';

const ready = perContainer(() =>
  buildContainer({
    slackRetries: 3,
    paced: true,
    notifier: async (config) => {
      if (!config.actionsTopicArn) return undefined;
      const { SnsNotifier } = await import('../services/SnsNotifier');
      return new SnsNotifier({ actionsTopicArn: config.actionsTopicArn, callTimeoutMs: config.callTimeoutMs });
    },
  }),
);

/**
 * The workflow's action tasks (AutoContain, ContainCritical, ExecuteAction,
 * RollbackContainment, Close), its report of an approval request that
 * could not be delivered (ApprovalFailedFailClosed) and of an event its
 * Classify step refused (ReportRefused).
 */
export async function handler(
  event: unknown,
  context?: Context,
): Promise<ActionResult | UndeliveredOutcome | { announced: number }> {
  const container = await ready();
  container.telemetry.startInvocation(context);
  try {
    if (operationOf(event) === 'report_refused') {
      const { event: refused, error } = RefusedInputSchema.parse(event);
      const cause = `${error?.Error ?? 'Unknown'}: ${(error?.Cause ?? '').slice(0, 500)}`;
      return { announced: await reportRefused(container.deps, refused, cause) };
    }
    if (isReport(event)) {
      const { state, executionArn } = UndeliveredInputSchema.parse(event);
      container.telemetry.addLogKeys({ incidentId: state.incident.id });
      const { approvalError, containment, fullText, requestedBy, ...rest } = state;
      return await reportUndelivered(container.deps, {
        ...rest,
        ...(containment && { containment }),
        ...(fullText !== undefined && { fullText }),
        ...(requestedBy !== undefined && { requestedBy }),
        error: { name: approvalError?.Error ?? 'Unknown', cause: approvalError?.Cause ?? '' },
        executionArn,
      });
    }
    // A malformed input fails the task loudly (the workflow's Retry/Catch decide); it never runs an action.
    const input = ActionInputSchema.parse(event);
    container.telemetry.addLogKeys({ incidentId: input.incident.id });
    const actionAsSent = (event as { action?: unknown }).action;
    return await runAction(container.deps, {
      ...input,
      ...(input.approval && { approval: input.approval }),
      ...(actionAsSent !== undefined && { actionAsSent }),
    } as Parameters<typeof runAction>[1]);
  } finally {
    container.telemetry.flush();
  }
}
