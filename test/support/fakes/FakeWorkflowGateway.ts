import { WorkflowTokenGoneError } from '../../../src/errors';
import type { WorkflowDecisionOutput } from '../../../src/domain/messages';
import type { ExecutionStatus, WorkflowGateway } from '../../../src/services/WorkflowGateway';
import { Faults, otherCallersFirst } from './Faults';

/** The gateway's methods, as fault names. */
export type WorkflowMethod = 'resume' | 'fail' | 'describe';

/**
 * A {@link WorkflowGateway} like Step Functions' task tokens: a token resumes
 * (or fails) its task once; a second use, or a token marked gone, throws
 * WorkflowTokenGoneError. Executions answer `describe` as a test sets them.
 */
export class FakeWorkflowGateway implements WorkflowGateway {
  public readonly resumed: Array<{ taskToken: string; output: WorkflowDecisionOutput }> = [];
  public readonly failed: Array<{ taskToken: string; error: string; cause: string }> = [];
  public readonly faults = new Faults<WorkflowMethod>();
  /** What `describe` answers, by execution ARN. */
  public readonly executions = new Map<string, { status: ExecutionStatus; output?: unknown }>();
  private readonly gone = new Set<string>();

  /** The task of `taskToken` timed out or finished: using it throws WorkflowTokenGoneError. */
  public expireToken(taskToken: string): void {
    this.gone.add(taskToken);
  }

  public async resume(taskToken: string, output: WorkflowDecisionOutput): Promise<void> {
    await this.use('resume', taskToken);
    this.resumed.push({ taskToken, output: structuredClone(output) });
  }

  public async fail(taskToken: string, error: string, cause: string): Promise<void> {
    await this.use('fail', taskToken);
    this.failed.push({ taskToken, error, cause });
  }

  public async describe(executionArn: string): Promise<{ status: ExecutionStatus; output?: unknown } | undefined> {
    await otherCallersFirst();
    this.faults.check('describe');
    return this.executions.get(executionArn);
  }

  private async use(method: WorkflowMethod, taskToken: string): Promise<void> {
    await otherCallersFirst();
    this.faults.check(method);
    if (this.gone.has(taskToken)) throw new WorkflowTokenGoneError('TaskTimedOut');
    this.gone.add(taskToken);
  }
}
