import path from 'node:path';
import type { TaskContext, TaskHandler } from '../../sandbox/local/LocalStepFunctions';
import { stateMachineFromTemplate } from '../../sandbox/local/stateMachineFromTemplate';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

/** Fake ARNs for the placeholders of `statemachine/incident-response.asl.json`. */
export const FAKE_ARNS = {
  ClassifyFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:chainsec-classify`,
  ActionsFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:chainsec-actions`,
  WorkflowTopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:chainsec-workflow`,
};

export const INCIDENT_STATE_MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:chainsec-incident-response`;

/**
 * The repository's incident workflow as template.yaml deploys it, with fake
 * ARNs; `env` sets the functions' variables that feed template parameters
 * (decision windows); `approvalTimeoutSeconds` shortens every waitForTaskToken
 * timeout (tests).
 */
export function incidentDefinition(
  options: { approvalTimeoutSeconds?: number; env?: Record<string, string> } = {},
): Record<string, unknown> {
  const { definition } = stateMachineFromTemplate({
    templatePath: path.resolve(__dirname, '../../template.yaml'),
    logicalId: 'IncidentStateMachine',
    env: options.env ?? {},
    resourceArns: {
      ClassifyFunction: FAKE_ARNS.ClassifyFunctionArn,
      ActionsFunction: FAKE_ARNS.ActionsFunctionArn,
      WorkflowTopic: FAKE_ARNS.WorkflowTopicArn,
    },
  });
  const states = (definition as { States: Record<string, { Resource?: string; TimeoutSeconds?: number }> }).States;
  if (options.approvalTimeoutSeconds !== undefined) {
    for (const state of Object.values(states)) {
      if (state.Resource?.endsWith('.waitForTaskToken')) state.TimeoutSeconds = options.approvalTimeoutSeconds;
    }
  }
  return definition;
}

/** A call a fake task handler received. */
export interface FakeTaskCall {
  stateName: string;
  input: unknown;
  context: TaskContext;
}

/**
 * Plausible stand-ins for the workflow's tasks: Classify reads a `tier` from
 * the raw event (throws `chainsec.InvalidIncident` without one), the actions
 * function echoes its operation, SNS publishes answer a MessageId. Every call
 * is recorded in `calls`.
 */
export function fakeIncidentHandlers(): { handlers: Record<string, TaskHandler>; calls: FakeTaskCall[] } {
  const calls: FakeTaskCall[] = [];
  const record =
    (stateName: string, run: (input: Record<string, unknown>) => unknown): TaskHandler =>
    async (input, context) => {
      calls.push({ stateName, input, context });
      return run(input as Record<string, unknown>);
    };
  const classify = record('Classify', (input) => {
    const event = input.event as Record<string, unknown>;
    if (typeof event?.tier !== 'string') {
      const error = new Error('event has no tier');
      error.name = 'chainsec.InvalidIncident';
      throw error;
    }
    const id = String(event.id ?? 'inc-1');
    return {
      incident: { id, tx_hash: `0x${id}` },
      tier: event.tier,
      proposedAction: { type: 'pause_contract', target: '0xcontract', reversible: false },
      containmentAction: { type: 'freeze_wallet', target: '0xwallet', reversible: true },
      reasoning: 'anomalous outflow',
      evidence: ['tx 0xabc'],
      requestedBy: 'agent',
      dryRun: true,
      fullText: null,
      // As Classify reads the default policy; an event may set it (tests of the fallback).
      onTimeout:
        typeof event.onTimeout === 'string' ? event.onTimeout : event.tier === 'critical' ? 'rollback' : 'deny',
      executionArn: input.executionArn,
    };
  });
  const actions = (stateName: string) =>
    record(stateName, (input) => ({ ok: true, operation: input.operation, dryRun: true }));
  const publish = (stateName: string) => record(stateName, () => ({ MessageId: `msg-${calls.length}` }));
  return {
    calls,
    handlers: {
      Classify: classify,
      ReportRefused: actions('ReportRefused'),
      AutoContain: actions('AutoContain'),
      ContainCritical: actions('ContainCritical'),
      ExecuteAction: actions('ExecuteAction'),
      RollbackContainment: actions('RollbackContainment'),
      Close: actions('Close'),
      ApprovalFailedFailClosed: actions('ApprovalFailedFailClosed'),
      NotifyAutoHandled: publish('NotifyAutoHandled'),
      NotifyOnly: publish('NotifyOnly'),
      RequestApprovalHigh: publish('RequestApprovalHigh'),
      RequestApprovalCritical: publish('RequestApprovalCritical'),
      RequestApprovalCriticalUncontained: publish('RequestApprovalCriticalUncontained'),
      StartFindingWorkflow: record('StartFindingWorkflow', () => ({ ExecutionArn: `arn:child-${calls.length}` })),
    },
  };
}
