import type { WorkflowDecisionOutput } from '../domain/messages';

/** What the workflow said about an execution. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

/** Resumes Step Functions tasks waiting for people. */
export interface WorkflowGateway {
  /**
   * Resumes the waiting task with the decision.
   * @throws WorkflowTokenGoneError when the token timed out, finished or is invalid
   * @throws WorkflowUnavailableError when Step Functions cannot be reached (retryable later)
   */
  resume(taskToken: string, output: WorkflowDecisionOutput): Promise<void>;
  /** Fails the waiting task (genuine errors only: the workflow takes its fail-closed path). */
  fail(taskToken: string, error: string, cause: string): Promise<void>;
  /** The execution's status and output, to tell "already resumed" from "timed out" on a re-drive. */
  describe(executionArn: string): Promise<{ status: ExecutionStatus; output?: unknown } | undefined>;
}
