import type { IncidentRecord } from '../domain/incidentRecord';
import type { WorkflowDecisionOutput } from '../domain/messages';
import type { Receipt } from '../domain/receipt';
import { workflowReason } from '../domain/reason';
import { WorkflowTokenGoneError } from '../errors';
import type { AppDeps } from './deps';

/**
 * Handing a stored decision to the workflow that waits for it, and telling
 * what the answer means: resumed, resumed before (a crash came between
 * resuming and marking it delivered), too late (the workflow's task is gone),
 * or to retry later.
 */

type ResumeDeps = Pick<AppDeps, 'workflow' | 'telemetry'>;

/** What the workflow's answer to a decision means. */
export type ResumeOutcome = 'delivered' | 'already_delivered' | 'token_gone' | 'retry_later';

/** A record whose decision is stored: its decision and the hash of the entry that signed it. */
type DecidedRecord = IncidentRecord & Required<Pick<IncidentRecord, 'decision' | 'decisionHash'>>;

/** What the workflow is resumed with: the stored decision, who made it, its entry's hash, the receipt and reasons. */
export function decisionOutput(
  incidentId: string,
  record: DecidedRecord,
  receipt: Receipt | undefined,
  now: Date,
): WorkflowDecisionOutput {
  return {
    decision: record.decision,
    decidedBy: record.decidedBy ?? [],
    decidedAt: record.decidedAt ?? now.toISOString(),
    incidentId,
    ledgerHash: record.decisionHash,
    dryRun: record.dryRun,
    ...(receipt && { receipt }),
    ...withReason(workflowReason(record)),
  };
}

/** The output's `reason` (docs/INTERFACES.md#approval-requests-from-any-workflow), only when a decider gave one. */
const withReason = (reason: string | undefined): { reason?: string } => (reason === undefined ? {} : { reason });

/** Hands the decision to the workflow and classifies the answer. */
export async function resumeWorkflow(
  deps: ResumeDeps,
  taskToken: string,
  output: WorkflowDecisionOutput,
  executionArn: string | undefined,
): Promise<ResumeOutcome> {
  try {
    await deps.workflow.resume(taskToken, output);
    return 'delivered';
  } catch (e) {
    if (!(e instanceof WorkflowTokenGoneError)) {
      deps.telemetry.warn('workflow resume failed; the sweep will retry', {
        incidentId: output.incidentId,
        error: (e as Error).message,
      });
      deps.telemetry.metric('WorkflowResumeRetries');
      return 'retry_later';
    }
    const resumed = await alreadyResumedWith(deps, executionArn, output.ledgerHash);
    if (resumed === 'unknown') return 'retry_later';
    return resumed ? 'already_delivered' : 'token_gone';
  }
}

/**
 * After a crash between resuming and marking delivered, the token is used up;
 * the execution's output tells whether it carries our decision.
 */
async function alreadyResumedWith(
  deps: ResumeDeps,
  executionArn: string | undefined,
  decisionHash: string,
): Promise<boolean | 'unknown'> {
  if (!executionArn) return false;
  try {
    const execution = await deps.workflow.describe(executionArn);
    if (!execution) return false;
    // Still running: it may be on the path our decision chose; ask again once it ends.
    if (execution.status === 'RUNNING') return 'unknown';
    return JSON.stringify(execution.output ?? null).includes(decisionHash);
  } catch (e) {
    deps.telemetry.warn('could not read the execution', { error: (e as Error).message });
    return 'unknown';
  }
}
