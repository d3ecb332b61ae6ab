import { checkWorkflow, WorkflowRefused } from '../../../sandbox/workflows';

const TOPIC = 'arn:aws:sns:us-east-1:000000000000:chainsec-approval-requests';

function withState(state: Record<string, unknown>) {
  return { StartAt: 'S', States: { S: { ...state, End: true } } };
}

/** The refusal `checkWorkflow` throws, as the endpoint answers it. */
function refusal(name: unknown, definition: unknown): Record<string, string> {
  try {
    checkWorkflow(name, definition, [TOPIC]);
  } catch (e) {
    if (e instanceof WorkflowRefused) return e.toJSON();
    throw e;
  }
  throw new Error('accepted');
}

describe('Sandbox: checkWorkflow (POST /sandbox/state-machines)', () => {
  it('accepts Pass/Choice/Wait/Succeed/Fail and an SNS publish to a sandbox topic, given as object or JSON text', () => {
    // Prepare
    const definition = {
      StartAt: 'Ask',
      States: {
        Ask: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sns:publish.waitForTaskToken',
          Parameters: { TopicArn: TOPIC, Message: { 'taskToken.$': '$$.Task.Token' } },
          Next: 'Pause',
        },
        Pause: { Type: 'Wait', Seconds: 1, Next: 'Pick' },
        Pick: {
          Type: 'Choice',
          Choices: [{ Variable: '$.ok', BooleanEquals: true, Next: 'Done' }],
          Default: 'Stop',
        },
        Done: { Type: 'Pass', Next: 'Yes' },
        Yes: { Type: 'Succeed' },
        Stop: { Type: 'Fail', Error: 'No' },
      },
    };

    // Act
    const fromObject = checkWorkflow('agent', definition, [TOPIC]);
    const fromText = checkWorkflow('agent', JSON.stringify(definition), [TOPIC]);

    // Assess
    expect(fromObject).toEqual(definition);
    expect(fromText).toEqual(definition);
  });

  it('refuses a Task on another resource, naming the state', () => {
    // Prepare
    const definition = withState({ Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem', Parameters: {} });

    // Act
    const body = refusal('agent', definition);

    // Assess
    expect(body).toMatchObject({ error: 'sandbox_unsupported_state', state: 'S' });
    expect(body.message).toContain('arn:aws:states:::dynamodb:putItem');
  });

  it('accepts lambda:invoke.waitForTaskToken on the approval request function only', () => {
    const invoke = (FunctionName: string) =>
      withState({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName, Payload: { 'taskToken.$': '$$.Task.Token' } },
      });
    expect(() =>
      checkWorkflow('agent', invoke('chainsec-approval-request'), [TOPIC], ['chainsec-approval-request']),
    ).not.toThrow();
    let refused: unknown;
    try {
      checkWorkflow('agent', invoke('other-function'), [TOPIC], ['chainsec-approval-request']);
    } catch (e) {
      refused = (e as WorkflowRefused).toJSON();
    }
    expect(refused).toMatchObject({ error: 'sandbox_unknown_function', state: 'S' });
  });

  it('refuses a publish to a topic that is not the sandbox’s, and a nested refused state inside a Parallel', () => {
    // Prepare
    const elsewhere = withState({
      Type: 'Task',
      Resource: 'arn:aws:states:::sns:publish',
      Parameters: { TopicArn: 'arn:aws:sns:us-east-1:111111111111:other', Message: 'x' },
    });
    const nested = withState({
      Type: 'Parallel',
      Branches: [
        {
          StartAt: 'Inner',
          States: { Inner: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem', End: true } },
        },
      ],
    });

    // Act
    const topicRefusal = refusal('agent', elsewhere);
    const nestedRefusal = refusal('agent', nested);

    // Assess
    expect(topicRefusal).toMatchObject({ error: 'sandbox_unknown_topic', state: 'S' });
    expect(nestedRefusal).toMatchObject({ error: 'sandbox_unsupported_state', state: 'Inner' });
  });

  it('refuses invalid ASL, text that is not JSON, and a bad name', () => {
    // Prepare
    const noStartAt = { States: { S: { Type: 'Pass', End: true } } };

    // Act
    const invalid = refusal('agent', noStartAt);
    const notJson = refusal('agent', '{"StartAt":');
    const badName = refusal('has spaces', withState({ Type: 'Pass' }));

    // Assess
    expect(invalid.error).toBe('sandbox_invalid_definition');
    expect(notJson.error).toBe('sandbox_invalid_definition');
    expect(badName.error).toBe('sandbox_invalid_name');
  });
});
