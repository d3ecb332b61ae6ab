import {
  DescribeExecutionCommand,
  SFNClient,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
} from '@aws-sdk/client-sfn';
import { WorkflowTokenGoneError, WorkflowUnavailableError } from '../errors';
import type { WorkflowDecisionOutput } from '../domain/messages';
import { clientOptions } from './awsClients';
import type { ExecutionStatus, WorkflowGateway } from './WorkflowGateway';

/** Errors by which Step Functions says the task cannot be resumed any more. */
const TOKEN_GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/** The Step Functions client {@link StepFunctionsWorkflowGateway} builds when given none. */
export function sfnClient(callTimeoutMs: number): SFNClient {
  // The SDK's standard retry covers throttling; a token error is final and not retried.
  return new SFNClient(clientOptions(callTimeoutMs, 3));
}

/** Options of {@link StepFunctionsWorkflowGateway}. */
export interface StepFunctionsWorkflowGatewayOptions {
  callTimeoutMs: number;
  client?: SFNClient;
}

/** {@link WorkflowGateway} on AWS Step Functions' callback API. */
export class StepFunctionsWorkflowGateway implements WorkflowGateway {
  private readonly client: SFNClient;

  public constructor(options: StepFunctionsWorkflowGatewayOptions) {
    this.client = options.client ?? sfnClient(options.callTimeoutMs);
  }

  private async call(run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (e) {
      const name = (e as Error).name;
      if (TOKEN_GONE.has(name)) throw new WorkflowTokenGoneError(name, { cause: e });
      throw new WorkflowUnavailableError(`Step Functions call failed: ${name}: ${(e as Error).message}`, { cause: e });
    }
  }

  public resume(taskToken: string, output: WorkflowDecisionOutput): Promise<void> {
    return this.call(() => this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })));
  }

  public fail(taskToken: string, error: string, cause: string): Promise<void> {
    return this.call(() =>
      this.client.send(
        new SendTaskFailureCommand({ taskToken, error: error.slice(0, 256), cause: cause.slice(0, 32_000) }),
      ),
    );
  }

  public async describe(executionArn: string): Promise<{ status: ExecutionStatus; output?: unknown } | undefined> {
    try {
      const out = await this.client.send(new DescribeExecutionCommand({ executionArn }));
      if (!out.status) return undefined;
      return {
        status: out.status as ExecutionStatus,
        ...(out.output !== undefined && { output: JSON.parse(out.output) as unknown }),
      };
    } catch (e) {
      if ((e as Error).name === 'ExecutionDoesNotExist') return undefined;
      throw new WorkflowUnavailableError(`DescribeExecution failed: ${(e as Error).message}`, { cause: e });
    }
  }
}
