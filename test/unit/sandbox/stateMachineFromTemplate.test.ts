import path from 'node:path';
import { stateMachineFromTemplate } from '../../../sandbox/local/stateMachineFromTemplate';
import { parseConfig } from '../../../src/config';
import { approvalStateTimeoutSeconds } from '../../../src/domain/policy';
import { ConfigInvalidError, ErrorCode } from '../../../src/errors';

const TEMPLATE = path.resolve(__dirname, '../../../template.yaml');
const ARNS = {
  ClassifyFunction: 'arn:aws:lambda:us-east-1:000000000000:function:chainsec-classify',
  ActionsFunction: 'arn:aws:lambda:us-east-1:000000000000:function:chainsec-actions',
  WorkflowTopic: 'arn:aws:sns:us-east-1:000000000000:chainsec-workflow',
};

/** The environment config.ts needs besides the policy variables. */
const BASE_ENV = {
  INCIDENTS_TABLE: 'incidents',
  LEDGER_TABLE: 'ledger',
  SIGNING_KEY_ID: 'key',
  APPROVALS_CHANNEL: 'C0APPROVALS',
  APPROVER_USER_IDS: 'U0APPROVER1',
  SLACK_SIGNING_SECRET: 'secret',
  SLACK_BOT_TOKEN: 'xoxb-test',
};

type States = Record<string, { Resource?: string; TimeoutSeconds?: number }>;
const build = (env: Record<string, string>) =>
  stateMachineFromTemplate({ templatePath: TEMPLATE, logicalId: 'IncidentStateMachine', env, resourceArns: ARNS });

describe('Function: stateMachineFromTemplate', () => {
  it("resolves the template's substitutions: ARNs, and approval timeouts from the default windows", () => {
    // Act
    const { definition, substitutions } = build({});

    // Assess
    const states = (definition as { States: States }).States;
    expect(substitutions).toEqual({
      ClassifyFunctionArn: ARNS.ClassifyFunction,
      ActionsFunctionArn: ARNS.ActionsFunction,
      WorkflowTopicArn: ARNS.WorkflowTopic,
      HighApprovalTimeoutSeconds: '3900',
      CriticalApprovalTimeoutSeconds: '14700',
    });
    expect(states.Classify!.Resource).toBe(ARNS.ClassifyFunction);
    expect(states.RequestApprovalHigh!.TimeoutSeconds).toBe(3900);
    expect(states.RequestApprovalCritical!.TimeoutSeconds).toBe(14700);
  });

  it('takes the windows from the variables the functions read, so both agree', () => {
    // Prepare
    const env = { ...BASE_ENV, HIGH_DECISION_WINDOW_SECONDS: '1800', CRITICAL_DECISION_WINDOW_SECONDS: '7200' };
    const { policy } = parseConfig(env);

    // Act
    const { definition, parameters } = build(env);

    // Assess
    const states = (definition as { States: States }).States;
    expect(parameters).toMatchObject({ HighDecisionWindowSeconds: '1800', CriticalDecisionWindowSeconds: '7200' });
    expect(states.RequestApprovalHigh!.TimeoutSeconds).toBe(
      approvalStateTimeoutSeconds(policy.high.decisionWindowSeconds),
    );
    for (const name of ['RequestApprovalCritical', 'RequestApprovalCriticalUncontained']) {
      expect(states[name]!.TimeoutSeconds).toBe(approvalStateTimeoutSeconds(policy.critical.decisionWindowSeconds));
    }
  });

  it('refuses a window the template does not allow, naming the variable', () => {
    // Act
    const attempt = () => build({ HIGH_DECISION_WINDOW_SECONDS: '3000' });

    // Assess
    expect(attempt).toThrow(ConfigInvalidError);
    expect(attempt).toThrow(
      /^HIGH_DECISION_WINDOW_SECONDS: 3000 is not a value of template parameter HighDecisionWindowSeconds/,
    );
    try {
      attempt();
    } catch (e) {
      expect((e as ConfigInvalidError).code).toBe(ErrorCode.ConfigInvalid);
    }
  });

  it('fails loudly for a state machine the template does not have', () => {
    // Act
    const attempt = () =>
      stateMachineFromTemplate({ templatePath: TEMPLATE, logicalId: 'NoSuchMachine', env: {}, resourceArns: ARNS });

    // Assess
    expect(attempt).toThrow('template has no state machine NoSuchMachine with a DefinitionUri');
  });
});
