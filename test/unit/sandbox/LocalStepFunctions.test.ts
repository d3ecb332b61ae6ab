import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { LocalStepFunctions, type TaskHandler } from '../../../sandbox/local/LocalStepFunctions';
import {
  fakeIncidentHandlers,
  incidentDefinition,
  INCIDENT_STATE_MACHINE_ARN,
} from '../../support/incidentStateMachine';
import { eventually, localClientConfig } from '../../support/localAws';

const TEST_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:test-approval';

/**
 * Pass → waitForTaskToken Task (`timeoutSeconds`, Catch States.Timeout) → Choice. The tests that answer the
 * task use an hour, so a slow machine never sees it time out first; the one that waits for the timeout, 1 s.
 */
const testDefinitionTimingOutAfter = (timeoutSeconds: number) => ({
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Parameters: { 'request.$': '$.request', prepared: true }, Next: 'AskPeople' },
    AskPeople: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sns:publish.waitForTaskToken',
      Parameters: {
        TopicArn: 'arn:aws:sns:us-east-1:000000000000:t',
        Message: { 'taskToken.$': '$$.Task.Token', 'executionArn.$': '$$.Execution.Id', 'request.$': '$.request' },
      },
      TimeoutSeconds: timeoutSeconds,
      ResultPath: '$.approval',
      Retry: [{ ErrorEquals: ['chainsec.Transient'], IntervalSeconds: 1, MaxAttempts: 1 }],
      Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.approvalError', Next: 'Expired' }],
      Next: 'Route',
    },
    Expired: { Type: 'Pass', Result: { decision: 'expired' }, ResultPath: '$.approval', Next: 'Route' },
    Route: {
      Type: 'Choice',
      Choices: [{ Variable: '$.approval.decision', StringEquals: 'approve', Next: 'Approved' }],
      Default: 'NotApproved',
    },
    Approved: { Type: 'Succeed' },
    NotApproved: { Type: 'Fail', Error: 'chainsec.NotApproved', Cause: 'nobody approved' },
  },
});
const testDefinition = testDefinitionTimingOutAfter(3600);

describe('Class: LocalStepFunctions', () => {
  describe('with a small test definition', () => {
    const delivered: Array<{ input: unknown; taskToken?: string; executionArn: string }> = [];
    const askPeople: TaskHandler = async (input, ctx) => {
      delivered.push({ input, taskToken: ctx.taskToken, executionArn: ctx.executionArn });
      return { MessageId: 'm' };
    };
    const sfn = new LocalStepFunctions({
      definition: testDefinition,
      stateMachineArn: TEST_ARN,
      taskHandlers: { AskPeople: askPeople },
      retryIntervalOverrides: { AskPeople: 0 },
    });
    let client: SFNClient;

    const start = async (input: unknown, name?: string) => {
      const out = await client.send(
        new StartExecutionCommand({ stateMachineArn: TEST_ARN, input: JSON.stringify(input), ...(name && { name }) }),
      );
      return out.executionArn!;
    };
    const tokenOf = (executionArn: string, nth = 0) =>
      eventually(() => delivered.filter((d) => d.executionArn === executionArn)[nth]?.taskToken);

    beforeAll(async () => {
      await sfn.start();
      client = new SFNClient(localClientConfig(sfn.url));
    });

    afterAll(async () => {
      client.destroy();
      await sfn.stop();
    });

    describe('Method: StartExecution', () => {
      it('answers an execution ARN named after the state machine and the name', async () => {
        // Act
        const out = await client.send(
          new StartExecutionCommand({ stateMachineArn: TEST_ARN, name: 'named-1', input: '{"request":"r"}' }),
        );

        // Assess
        expect(out.executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:test-approval:named-1');
        expect(out.startDate).toBeInstanceOf(Date);
        await sfn.stopExecution(out.executionArn!);
      });

      it('refuses a reused name (ExecutionAlreadyExists) and an unknown state machine', async () => {
        // Prepare
        const arn = await start({ request: 'a' }, 'dup-1');
        await client.send(new StopExecutionCommand({ executionArn: arn }));

        // Act
        const reused = client.send(
          new StartExecutionCommand({ stateMachineArn: TEST_ARN, name: 'dup-1', input: '{}' }),
        );
        const unknown = client.send(new StartExecutionCommand({ stateMachineArn: `${TEST_ARN}-nope`, input: '{}' }));

        // Assess
        await expect(reused).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
        await expect(unknown).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
      });

      it('refuses input that is not JSON (InvalidExecutionInput)', async () => {
        // Act
        const call = client.send(new StartExecutionCommand({ stateMachineArn: TEST_ARN, input: '{nope' }));

        // Assess
        await expect(call).rejects.toMatchObject({ name: 'InvalidExecutionInput' });
      });
    });

    describe('Method: SendTaskSuccess', () => {
      it('resumes the waiting task with the output; the execution SUCCEEDS', async () => {
        // Prepare
        const arn = await start({ request: 'deploy' });
        const token = await tokenOf(arn);

        // Act
        await client.send(
          new SendTaskSuccessCommand({
            taskToken: token,
            output: JSON.stringify({ decision: 'approve', decidedBy: ['U0APPROVER1'] }),
          }),
        );
        await sfn.waitForCompletion(arn);
        const described = await client.send(new DescribeExecutionCommand({ executionArn: arn }));

        // Assess
        expect(delivered.find((d) => d.executionArn === arn)?.input).toEqual({
          TopicArn: 'arn:aws:sns:us-east-1:000000000000:t',
          Message: { taskToken: token, executionArn: arn, request: 'deploy' },
        });
        expect(described.status).toBe('SUCCEEDED');
        expect(JSON.parse(described.output!)).toEqual({
          request: 'deploy',
          prepared: true,
          approval: { decision: 'approve', decidedBy: ['U0APPROVER1'] },
        });
        expect(described.stopDate).toBeInstanceOf(Date);
      });

      it('answers TaskTimedOut for a token already used', async () => {
        // Prepare
        const arn = await start({ request: 'x' });
        const token = await tokenOf(arn);
        await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"decision":"approve"}' }));

        // Act
        const again = client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"decision":"deny"}' }));

        // Assess
        await expect(again).rejects.toMatchObject({ name: 'TaskTimedOut' });
        expect((await sfn.waitForCompletion(arn)).status).toBe('SUCCEEDED');
      });

      it('answers InvalidToken for a malformed token and TaskDoesNotExist for an unknown one', async () => {
        // Act
        const malformed = client.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' }));
        const unknown = client.send(new SendTaskSuccessCommand({ taskToken: `AQ${'x'.repeat(128)}`, output: '{}' }));

        // Assess
        await expect(malformed).rejects.toMatchObject({ name: 'InvalidToken' });
        await expect(unknown).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
      });

      it('answers InvalidOutput for output that is not JSON, and the task keeps waiting', async () => {
        // Prepare
        const arn = await start({ request: 'x' });
        const token = await tokenOf(arn);

        // Act
        const bad = client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{nope' }));

        // Assess
        await expect(bad).rejects.toMatchObject({ name: 'InvalidOutput' });
        expect(sfn.waitingTasks(arn)).toEqual([expect.objectContaining({ taskToken: token, stateName: 'AskPeople' })]);
        await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"decision":"approve"}' }));
        expect((await sfn.waitForCompletion(arn)).status).toBe('SUCCEEDED');
      });

      it('answers TaskTimedOut after the task timed out, when the Catch has moved on', async () => {
        // Prepare: a machine whose task times out after 1 s; nobody answers it in time.
        const timed = new LocalStepFunctions({
          definition: testDefinitionTimingOutAfter(1),
          stateMachineArn: TEST_ARN,
          taskHandlers: { AskPeople: askPeople },
        });
        await timed.start();
        const timedClient = new SFNClient(localClientConfig(timed.url));
        try {
          const { executionArn: arn } = await timedClient.send(
            new StartExecutionCommand({ stateMachineArn: TEST_ARN, input: '{"request":"slow"}' }),
          );
          const token = await tokenOf(arn!);

          // Act
          const finished = await timed.waitForCompletion(arn!);
          const late = timedClient.send(
            new SendTaskSuccessCommand({ taskToken: token, output: '{"decision":"approve"}' }),
          );

          // Assess
          expect(finished).toMatchObject({ status: 'FAILED', error: 'chainsec.NotApproved', cause: 'nobody approved' });
          expect(timed.events(arn!).map((e) => e.type)).toContain('StateCaught');
          await expect(late).rejects.toMatchObject({ name: 'TaskTimedOut' });
        } finally {
          timedClient.destroy();
          await timed.stop();
        }
      });

      it('lists each SendTaskSuccess an execution received, with its outcome (taskSuccessRequests)', async () => {
        // Prepare
        const arn = await start({ request: 'counted' });
        const token = await tokenOf(arn);
        const before = performance.now();

        // Act
        await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"decision":"approve"}' }));
        const again = client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"decision":"approve"}' }));
        await expect(again).rejects.toMatchObject({ name: 'TaskTimedOut' });

        // Assess
        const requests = sfn.taskSuccessRequests(arn);
        expect(requests.map((r) => r.outcome)).toEqual(['resumed', 'TaskTimedOut']);
        expect(requests[0]!.at).toBeGreaterThanOrEqual(before);
        expect((await sfn.waitForCompletion(arn)).status).toBe('SUCCEEDED');
      });
    });

    describe('Method: timeOutWaitingTask', () => {
      it('times the waiting task out now: the Catch runs and the token answers TaskTimedOut', async () => {
        // Prepare
        const arn = await start({ request: 'forced' });
        const token = await tokenOf(arn);

        // Act
        const timedOut = sfn.timeOutWaitingTask(arn);
        const finished = await sfn.waitForCompletion(arn);
        const late = client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"decision":"approve"}' }));

        // Assess
        expect(timedOut).toBe(true);
        expect(finished).toMatchObject({ status: 'FAILED', error: 'chainsec.NotApproved' });
        await expect(late).rejects.toMatchObject({ name: 'TaskTimedOut' });
        expect(sfn.timeOutWaitingTask(arn)).toBe(false);
      });
    });

    describe('Method: SendTaskFailure', () => {
      it('fails the task with the given error and cause; uncaught, the execution FAILS with them', async () => {
        // Prepare
        const arn = await start({ request: 'x' });
        const token = await tokenOf(arn);

        // Act
        await client.send(
          new SendTaskFailureCommand({ taskToken: token, error: 'chainsec.Rejected', cause: 'bot could not post' }),
        );
        const described = await sfn.waitForCompletion(arn);

        // Assess
        expect(described).toMatchObject({ status: 'FAILED', error: 'chainsec.Rejected', cause: 'bot could not post' });
        const viaApi = await client.send(new DescribeExecutionCommand({ executionArn: arn }));
        expect(viaApi).toMatchObject({ status: 'FAILED', error: 'chainsec.Rejected', cause: 'bot could not post' });
      });

      it('gives a retried attempt a new token', async () => {
        // Prepare
        const arn = await start({ request: 'x' });
        const first = await tokenOf(arn, 0);

        // Act
        await client.send(
          new SendTaskFailureCommand({ taskToken: first, error: 'chainsec.Transient', cause: 'try again' }),
        );
        const second = await tokenOf(arn, 1);
        await client.send(new SendTaskSuccessCommand({ taskToken: second, output: '{"decision":"approve"}' }));

        // Assess
        expect(second).not.toBe(first);
        expect((await sfn.waitForCompletion(arn)).status).toBe('SUCCEEDED');
      });
    });

    describe('Method: SendTaskHeartbeat / StopExecution', () => {
      it('accepts a heartbeat for a waiting task; after StopExecution the execution is ABORTED and its token gone', async () => {
        // Prepare
        const arn = await start({ request: 'x' });
        const token = await tokenOf(arn);

        // Act
        await client.send(new SendTaskHeartbeatCommand({ taskToken: token }));
        await client.send(new StopExecutionCommand({ executionArn: arn, error: 'Operator', cause: 'test' }));
        const late = client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));

        // Assess
        expect(sfn.describe(arn)).toMatchObject({ status: 'ABORTED', error: 'Operator', cause: 'test' });
        await expect(late).rejects.toMatchObject({ name: 'TaskTimedOut' });
      });
    });

    describe('Method: DescribeExecution', () => {
      it('answers ExecutionDoesNotExist for an unknown ARN', async () => {
        // Act
        const call = client.send(
          new DescribeExecutionCommand({ executionArn: `${TEST_ARN.replace('stateMachine', 'execution')}:nope` }),
        );

        // Assess
        await expect(call).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
      });
    });
  });

  describe('constructor', () => {
    it('fails loudly when a Task state has no handler', () => {
      // Act
      const build = () =>
        new LocalStepFunctions({ definition: testDefinition, stateMachineArn: TEST_ARN, taskHandlers: {} });

      // Assess
      expect(build).toThrow(/no task handler for Task state\(s\): AskPeople/);
    });
  });

  describe('Quota: 256 KiB payloads (States.DataLimitExceeded)', () => {
    const big = 'x'.repeat(256 * 1024);
    /** Prepare → Work (a Lambda-like task) → Done, with a Catch on States.ALL that must not apply. */
    const definition = {
      StartAt: 'Work',
      States: {
        Work: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:000000000000:function:work',
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Caught' }],
          Next: 'Grow',
        },
        Grow: { Type: 'Pass', Parameters: { 'size.$': '$.size', 'pad.$': '$.pad', 'again.$': '$.pad' }, Next: 'Done' },
        Caught: { Type: 'Succeed' },
        Done: { Type: 'Succeed' },
      },
    };
    const sfn = new LocalStepFunctions({
      definition,
      stateMachineArn: TEST_ARN,
      taskHandlers: {
        Work: async (input) => ({
          size: (input as { size: number }).size,
          pad: 'p'.repeat((input as { size: number }).size),
        }),
      },
    });
    beforeAll(() => sfn.start());
    afterAll(() => sfn.stop());

    it('fails the execution, past any Catch, when a task result is over the quota', async () => {
      // Act
      const { executionArn } = sfn.startExecution({ size: big.length });
      const done = await sfn.waitForCompletion(executionArn);

      // Assess
      expect(done).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
      expect(done.cause).toMatch(/'Work' result is \d+ bytes/);
    });

    it('fails the execution when a state output grows over the quota (a Pass state here)', async () => {
      // Act: 150 KiB is fine as a result, twice that as the Pass state's output is not.
      const { executionArn } = sfn.startExecution({ size: 150 * 1024 });
      const done = await sfn.waitForCompletion(executionArn);

      // Assess
      expect(done).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
      expect(done.cause).toMatch(/'Grow' output/);
    });

    it('counts bytes, not characters', async () => {
      // Act: 100,000 "€" are 300,000 bytes of UTF-8.
      const multiByte = new LocalStepFunctions({
        definition,
        stateMachineArn: TEST_ARN,
        taskHandlers: { Work: async () => ({ size: 0, pad: '€'.repeat(100_000) }) },
      });
      await multiByte.start();
      const { executionArn } = multiByte.startExecution({});
      const done = await multiByte.waitForCompletion(executionArn);
      await multiByte.stop();

      // Assess
      expect(done).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    });
  });

  describe("with the repository's incident-response workflow", () => {
    const { handlers, calls } = fakeIncidentHandlers();
    const sfn = new LocalStepFunctions({
      definition: incidentDefinition(),
      stateMachineArn: INCIDENT_STATE_MACHINE_ARN,
      taskHandlers: handlers,
    });
    const short = new LocalStepFunctions({
      definition: incidentDefinition({ approvalTimeoutSeconds: 1 }),
      stateMachineArn: INCIDENT_STATE_MACHINE_ARN,
      taskHandlers: handlers,
    });
    let client: SFNClient;
    let shortClient: SFNClient;

    const tokenOf = (executionArn: string) =>
      eventually(
        () => calls.find((c) => c.context.executionArn === executionArn && c.context.taskToken)?.context.taskToken,
      );

    beforeAll(async () => {
      await Promise.all([sfn.start(), short.start()]);
      client = new SFNClient(localClientConfig(sfn.url));
      shortClient = new SFNClient(localClientConfig(short.url));
    });

    afterAll(async () => {
      client.destroy();
      shortClient.destroy();
      await Promise.all([sfn.stop(), short.stop()]);
    });

    it('approve path: a high incident waits for people, then runs the action and SUCCEEDS with approval.decision', async () => {
      // Prepare
      const { executionArn } = await client.send(
        new StartExecutionCommand({
          stateMachineArn: INCIDENT_STATE_MACHINE_ARN,
          input: JSON.stringify({ id: 'h1', tier: 'high' }),
        }),
      );
      const token = await tokenOf(executionArn!);

      // Act
      await client.send(
        new SendTaskSuccessCommand({
          taskToken: token,
          output: JSON.stringify({ decision: 'approve', decidedBy: ['U0APPROVER1'] }),
        }),
      );
      const done = await sfn.waitForCompletion(executionArn!);

      // Assess
      const request = calls.find((c) => c.context.taskToken === token)!;
      expect(request.stateName).toBe('RequestApprovalHigh');
      expect(request.input).toMatchObject({
        TopicArn: 'arn:aws:sns:us-east-1:000000000000:chainsec-workflow',
        Message: { kind: 'approval_request', taskToken: token, executionArn, tier: 'high', incident: { id: 'h1' } },
      });
      expect(done.status).toBe('SUCCEEDED');
      expect(done.output).toMatchObject({
        approval: { decision: 'approve', decidedBy: ['U0APPROVER1'] },
        actionResult: { operation: 'execute' },
      });
    });

    it('critical rollback path: contains at once, people choose rollback, the containment is undone', async () => {
      // Prepare
      const { executionArn } = sfn.startExecution({ id: 'c1', tier: 'critical' });
      const token = await tokenOf(executionArn);

      // Act
      sfn.sendTaskSuccess(token, JSON.stringify({ decision: 'rollback', decidedBy: ['U0APPROVER1', 'U0APPROVER2'] }));
      const done = await sfn.waitForCompletion(executionArn);

      // Assess
      expect(calls.filter((c) => c.context.executionArn === executionArn).map((c) => c.stateName)).toEqual([
        'Classify',
        'ContainCritical',
        'RequestApprovalCritical',
        'RollbackContainment',
      ]);
      expect(done).toMatchObject({
        status: 'SUCCEEDED',
        output: { approval: { decision: 'rollback' }, actionResult: { operation: 'rollback' } },
      });
    });

    it('SendTaskFailure path: the workflow fails closed (deny) and closes the incident', async () => {
      // Prepare
      const { executionArn } = await client.send(
        new StartExecutionCommand({
          stateMachineArn: INCIDENT_STATE_MACHINE_ARN,
          input: JSON.stringify({ id: 'f1', tier: 'high' }),
        }),
      );
      const token = await tokenOf(executionArn!);

      // Act
      await client.send(
        new SendTaskFailureCommand({
          taskToken: token,
          error: 'chainsec.DeliveryFailed',
          cause: 'card could not be posted',
        }),
      );
      const done = await sfn.waitForCompletion(executionArn!);

      // Assess
      expect(done.status).toBe('SUCCEEDED');
      expect(done.output).toMatchObject({
        approval: { decision: 'deny', reason: 'approval request failed' },
        approvalError: { Error: 'chainsec.DeliveryFailed', Cause: 'card could not be posted' },
        actionResult: { operation: 'close' },
      });
      // The failure is reported (recorded, shown, counted) before the workflow closes.
      const report = calls.find(
        (c) => c.stateName === 'ApprovalFailedFailClosed' && c.context.executionArn === executionArn,
      )!;
      expect(report.input).toMatchObject({
        operation: 'report_undelivered',
        executionArn,
        state: { approvalError: { Error: 'chainsec.DeliveryFailed' } },
      });
    });

    it('a report that fails too still fails closed (never an approval)', async () => {
      // Prepare
      const failing = fakeIncidentHandlers();
      failing.handlers.ApprovalFailedFailClosed = async () => {
        throw Object.assign(new Error('Slack and DynamoDB are down'), { name: 'Error' });
      };
      const local = new LocalStepFunctions({
        definition: incidentDefinition(),
        stateMachineArn: INCIDENT_STATE_MACHINE_ARN,
        taskHandlers: failing.handlers,
        retryIntervalOverrides: { ApprovalFailedFailClosed: 0 },
      });
      await local.start();
      const { executionArn } = local.startExecution({ id: 'f2', tier: 'high' });
      const token = await eventually(() => failing.calls.find((c) => c.context.taskToken)?.context.taskToken);

      // Act
      local.sendTaskFailure(token, 'InternalError', 'SNS is down');
      const done = await local.waitForCompletion(executionArn);
      await local.stop();

      // Assess
      expect(done.status).toBe('SUCCEEDED');
      expect(done.output).toMatchObject({
        approval: { decision: 'deny', decidedBy: [] },
        reportError: { Error: 'Error' },
        actionResult: { operation: 'close' },
      });
    });

    it('timeout path: nobody answers, the workflow expires (fail closed); a late SendTaskSuccess gets TaskTimedOut', async () => {
      // Prepare
      const { executionArn } = await shortClient.send(
        new StartExecutionCommand({
          stateMachineArn: INCIDENT_STATE_MACHINE_ARN,
          input: JSON.stringify({ id: 't1', tier: 'high' }),
        }),
      );
      const token = await tokenOf(executionArn!);

      // Act
      const done = await short.waitForCompletion(executionArn!);
      const late = shortClient.send(
        new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ decision: 'approve' }) }),
      );

      // Assess
      expect(done).toMatchObject({
        status: 'SUCCEEDED',
        output: {
          approval: { decision: 'expired', reason: 'workflow timeout' },
          approvalError: { Error: 'States.Timeout' },
          actionResult: { operation: 'close' },
        },
      });
      await expect(late).rejects.toMatchObject({ name: 'TaskTimedOut' });
    });

    it.each([
      ['rollback', 'RollbackContainment', 'rollback'],
      ['deny', 'Close', 'close'],
    ])(
      'critical timeout path with onTimeout %s: the workflow takes the configured fallback (%s)',
      async (onTimeout, lastState, operation) => {
        // Prepare
        const input = JSON.stringify({ id: `ct-${onTimeout}`, tier: 'critical', onTimeout });

        // Act
        const { executionArn } = await shortClient.send(
          new StartExecutionCommand({ stateMachineArn: INCIDENT_STATE_MACHINE_ARN, input }),
        );
        const done = await short.waitForCompletion(executionArn!);

        // Assess
        const states = calls.filter((c) => c.context.executionArn === executionArn).map((c) => c.stateName);
        expect(states).toEqual(['Classify', 'ContainCritical', 'RequestApprovalCritical', lastState]);
        expect(done).toMatchObject({
          status: 'SUCCEEDED',
          output: { approval: { decision: 'expired', reason: 'workflow timeout' }, actionResult: { operation } },
        });
      },
    );

    it.each([
      ['rollback', 'high', 'close'],
      ['deny', 'critical', 'close'],
      ['rollback', 'critical', 'rollback'],
    ])('bot expiry with onTimeout %s on %s: RouteDecision ends in %s', async (onTimeout, tier, operation) => {
      // Prepare
      const { executionArn } = sfn.startExecution({ id: `be-${onTimeout}-${tier}`, tier, onTimeout });
      const token = await tokenOf(executionArn);

      // Act
      sfn.sendTaskSuccess(token, JSON.stringify({ decision: 'expired', decidedBy: [] }));
      const done = await sfn.waitForCompletion(executionArn);

      // Assess
      expect(done).toMatchObject({
        status: 'SUCCEEDED',
        output: { approval: { decision: 'expired' }, actionResult: { operation } },
      });
    });

    it('low path: handled without people', async () => {
      // Act
      const { executionArn } = sfn.startExecution({ id: 'l1', tier: 'low' });
      const done = await sfn.waitForCompletion(executionArn);

      // Assess
      expect(calls.filter((c) => c.context.executionArn === executionArn).map((c) => c.stateName)).toEqual([
        'Classify',
        'AutoContain',
        'NotifyAutoHandled',
      ]);
      expect(done.status).toBe('SUCCEEDED');
    });

    it('an invalid incident ends FAILED with chainsec.InvalidIncident', async () => {
      // Act
      const { executionArn } = sfn.startExecution({ id: 'bad' });
      const done = await sfn.waitForCompletion(executionArn);

      // Assess
      expect(done).toMatchObject({
        status: 'FAILED',
        error: 'chainsec.InvalidIncident',
        cause: 'The incident event failed validation.',
      });
    });

    it('lists executions for the sandbox', () => {
      // Act
      const all = sfn.listExecutions();

      // Assess
      expect(all.length).toBeGreaterThanOrEqual(4);
      expect(
        all.every((e) =>
          e.executionArn.startsWith('arn:aws:states:us-east-1:000000000000:execution:chainsec-incident-response:'),
        ),
      ).toBe(true);
    });
  });
});
