import { SFNClient } from '@aws-sdk/client-sfn';
import { LocalStepFunctions, type TaskHandler } from '../../../sandbox/local/LocalStepFunctions';
import type { WorkflowDecisionOutput } from '../../../src/domain/messages';
import { WorkflowTokenGoneError, WorkflowUnavailableError } from '../../../src/errors';
import { StepFunctionsWorkflowGateway } from '../../../src/services/StepFunctionsWorkflowGateway';
import { eventually, localClientConfig } from '../../support/localAws';

const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:gateway-test';

/** What chainsec resumes a task with, deciding `decision`. */
const output = (decision: WorkflowDecisionOutput['decision']): WorkflowDecisionOutput => ({
  decision,
  decidedBy: ['U0APPROVER1'],
  decidedAt: '2026-11-23T10:00:00.000Z',
  incidentId: 'INC-0000000001',
  ledgerHash: 'a'.repeat(64),
  dryRun: false,
});

/** Ask (waits for a task token, an hour at most) → Route on the decision; a failed task is Caught with its error. */
const definition = {
  StartAt: 'Ask',
  States: {
    Ask: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sns:publish.waitForTaskToken',
      Parameters: { TopicArn: 'arn:aws:sns:us-east-1:000000000000:t', Message: { 'taskToken.$': '$$.Task.Token' } },
      TimeoutSeconds: 3600,
      ResultPath: '$.approval',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.approvalError', Next: 'Caught' }],
      Next: 'Route',
    },
    Route: {
      Type: 'Choice',
      Choices: [{ Variable: '$.approval.decision', StringEquals: 'approve', Next: 'Approved' }],
      Default: 'Refused',
    },
    Approved: { Type: 'Succeed' },
    Caught: { Type: 'Pass', End: true },
    Refused: { Type: 'Fail', Error: 'chainsec.NotApproved', Cause: 'not approved' },
  },
};

/** StepFunctionsWorkflowGateway against the sandbox's local Step Functions (the callback API over HTTP). */
describe('Class: StepFunctionsWorkflowGateway (local Step Functions)', () => {
  const tokens = new Map<string, string>();
  const ask: TaskHandler = async (_input, ctx) => {
    if (ctx.taskToken) tokens.set(ctx.executionArn, ctx.taskToken);
    return { MessageId: 'm' };
  };
  const sfn = new LocalStepFunctions({ definition, stateMachineArn: ARN, taskHandlers: { Ask: ask } });
  let client: SFNClient;
  let gateway: StepFunctionsWorkflowGateway;
  let n = 0;

  beforeAll(async () => {
    await sfn.start();
    client = new SFNClient(localClientConfig(sfn.url));
    gateway = new StepFunctionsWorkflowGateway({ callTimeoutMs: 10_000, client });
  });

  afterAll(async () => {
    client.destroy();
    await sfn.stop();
  });

  afterEach(() => sfn.faults.clear());

  /** A running execution waiting for its token. */
  async function waiting(): Promise<{ arn: string; token: string }> {
    const { executionArn } = sfn.startExecution({ request: ++n }, `gateway-${n}`);
    const token = await eventually(() => tokens.get(executionArn));
    return { arn: executionArn, token };
  }

  describe('Method: resume', () => {
    it('sends the decision as the task output; the execution goes on with it', async () => {
      // Prepare
      const { arn, token } = await waiting();

      // Act
      await gateway.resume(token, output('approve'));

      // Assess
      const done = await sfn.waitForCompletion(arn);
      expect(done.status).toBe('SUCCEEDED');
      expect(done.output).toMatchObject({ approval: { decision: 'approve', decidedBy: ['U0APPROVER1'] } });
    });

    it('throws WorkflowTokenGoneError for a token already used, and for one that never existed', async () => {
      // Prepare
      const { token } = await waiting();
      await gateway.resume(token, output('deny'));

      // Act
      const used = gateway.resume(token, output('approve')).catch((e: unknown) => e);
      const unknown = gateway.resume('not-a-token', output('approve')).catch((e: unknown) => e);

      // Assess
      expect(await used).toBeInstanceOf(WorkflowTokenGoneError);
      expect(await used).toMatchObject({ details: { reason: 'TaskTimedOut' } });
      expect(await unknown).toBeInstanceOf(WorkflowTokenGoneError);
    });

    it('throws WorkflowUnavailableError when Step Functions fails, and the task keeps waiting', async () => {
      // Prepare
      const { arn, token } = await waiting();
      sfn.faults.set('SendTaskSuccess', { error: 'ServiceUnavailable', status: 503 });

      // Act
      const error = await gateway.resume(token, output('approve')).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(WorkflowUnavailableError);
      expect((error as Error).message).toMatch(/ServiceUnavailable/);
      expect(sfn.waitingTasks(arn)).toHaveLength(1);
    });
  });

  describe('Method: fail', () => {
    it('fails the task with the error and cause, cut to what Step Functions accepts', async () => {
      // Prepare
      const { arn, token } = await waiting();
      const error = `chainsec.Refused${'x'.repeat(300)}`;

      // Act
      await gateway.fail(token, error, 'c'.repeat(40_000));

      // Assess: the Catch holds what the task failed with.
      const done = await sfn.waitForCompletion(arn);
      expect(done.status).toBe('SUCCEEDED');
      const caught = (done.output as { approvalError: { Error: string; Cause: string } }).approvalError;
      expect(caught.Error).toBe(error.slice(0, 256));
      expect(caught.Cause).toBe('c'.repeat(32_000));
    });
  });

  describe('Method: describe', () => {
    it("answers a running execution's status, a finished one's output, and undefined for one that does not exist", async () => {
      // Prepare
      const running = await waiting();
      const finished = await waiting();
      await gateway.resume(finished.token, output('approve'));
      await sfn.waitForCompletion(finished.arn);

      // Act
      const a = await gateway.describe(running.arn);
      const b = await gateway.describe(finished.arn);
      const c = await gateway.describe(`${ARN.replace(':stateMachine:', ':execution:')}:nope`);

      // Assess
      expect(a).toEqual({ status: 'RUNNING' });
      expect(b).toMatchObject({ status: 'SUCCEEDED', output: { approval: { decision: 'approve' } } });
      expect(c).toBeUndefined();
    });

    it('throws WorkflowUnavailableError when Step Functions cannot answer', async () => {
      // Prepare
      const { arn } = await waiting();
      sfn.faults.set('DescribeExecution', { error: 'ServiceUnavailable', status: 503 });

      // Act
      const error = await gateway.describe(arn).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(WorkflowUnavailableError);
    });
  });
});
