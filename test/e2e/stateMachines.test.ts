import { useHarness, unique, wafEvent } from '../support/sandboxHarness';

describe('E2E: POST /sandbox/state-machines and /sandbox/executions', () => {
  const h = useHarness();

  it('runs a registered workflow to its end and reports it; the notification it publishes goes to the sandbox topic', async () => {
    // Prepare
    const info = await h.json<{ notificationsTopicArn: string }>('GET', '/sandbox/info');
    const name = `notify-${unique()}`;
    const definition = {
      StartAt: 'Tell',
      States: {
        Tell: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sns:publish',
          Parameters: { TopicArn: info.body.notificationsTopicArn, Message: wafEvent(1) },
          ResultPath: '$.published',
          Next: 'Done',
        },
        Done: { Type: 'Pass', Result: 'ok', ResultPath: '$.done', End: true },
      },
    };
    const before = h.sandbox.sns.published(info.body.notificationsTopicArn).length;

    // Act
    const created = await h.json<{ stateMachineArn: string }>('POST', '/sandbox/state-machines', { name, definition });
    const again = await h.json<{ stateMachineArn: string }>('POST', '/sandbox/state-machines', { name, definition });
    const other = await h.json('POST', '/sandbox/state-machines', {
      name,
      definition: { ...definition, Comment: 'changed' },
    });
    const started = await h.json<{ executionArn: string }>('POST', '/sandbox/executions', {
      stateMachineArn: created.body.stateMachineArn,
      input: { hello: 'world' },
    });
    const execution = await h.waitForExecution(started.body.executionArn);
    const described = await h.json<Record<string, unknown>>(
      'GET',
      `/sandbox/executions/${encodeURIComponent(started.body.executionArn)}`,
    );

    // Assess
    expect(created.status).toBe(201);
    expect(created.body.stateMachineArn).toBe(`arn:aws:states:us-east-1:000000000000:stateMachine:${name}`);
    expect(again).toEqual(created);
    expect(other.status).toBe(409);
    expect(started.status).toBe(202);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.output).toMatchObject({
      hello: 'world',
      done: 'ok',
      published: { MessageId: expect.any(String) },
    });
    expect(described.body).toMatchObject({
      executionArn: started.body.executionArn,
      stateMachineArn: created.body.stateMachineArn,
      status: 'SUCCEEDED',
      input: { hello: 'world' },
    });
    expect(Date.parse(described.body.startDate as string)).toBeLessThanOrEqual(
      Date.parse(described.body.stopDate as string),
    );
    expect(h.sandbox.sns.published(info.body.notificationsTopicArn).length).toBe(before + 1);
  });

  it('refuses a Task state on another resource, or invoking another function than the approval request function, with a coded 400 naming it', async () => {
    // Prepare
    const table = {
      StartAt: 'PutItem',
      States: { PutItem: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem', End: true } },
    };
    const otherFunction = {
      StartAt: 'CallLambda',
      States: {
        CallLambda: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'someone-elses-function' },
          End: true,
        },
      },
    };

    // Act
    const r = await h.json<Record<string, string>>('POST', '/sandbox/state-machines', {
      name: `table-${unique()}`,
      definition: table,
    });
    const f = await h.json<Record<string, string>>('POST', '/sandbox/state-machines', {
      name: `lambda-${unique()}`,
      definition: otherFunction,
    });

    // Assess
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'sandbox_unsupported_state', state: 'PutItem' });
    expect(f.status).toBe(400);
    expect(f.body).toMatchObject({ error: 'sandbox_unknown_function', state: 'CallLambda' });
  });

  it('answers 404 for unknown state machines and executions, and 413 for an oversized definition', async () => {
    // Prepare
    const unknownMachine = 'arn:aws:states:us-east-1:000000000000:stateMachine:nobody';
    const unknownExecution = 'arn:aws:states:us-east-1:000000000000:execution:nobody:x';

    // Act
    const start = await h.json('POST', '/sandbox/executions', { stateMachineArn: unknownMachine, input: {} });
    const describe = await h.json('GET', `/sandbox/executions/${encodeURIComponent(unknownExecution)}`);
    const huge = await h.json('POST', '/sandbox/state-machines', { name: 'huge', definition: 'x'.repeat(1_100_000) });

    // Assess
    expect(start.status).toBe(404);
    expect(describe.status).toBe(404);
    expect(huge.status).toBe(413);
  });
});
