import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TaskContext, TaskHandler } from '../../sandbox/local/LocalStepFunctions';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

/** Fake ARNs for the placeholders of `statemachine/incident-response.asl.json`. */
export const FAKE_ARNS = {
  ClassifyFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:chainsec-classify`,
  ActionsFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:chainsec-actions`,
  ApprovalRequestsTopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:chainsec-approval-requests`,
  NotificationsTopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:chainsec-notifications`,
};

export const INCIDENT_STATE_MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:chainsec-incident-response`;

/**
 * The repository's incident workflow with `${...}` placeholders replaced by
 * fake ARNs; `approvalTimeoutSeconds` shortens every waitForTaskToken timeout (tests).
 */
export function incidentDefinition(options: { approvalTimeoutSeconds?: number } = {}): Record<string, unknown> {
  let text = readFileSync(path.resolve(__dirname, '../../statemachine/incident-response.asl.json'), 'utf8');
  for (const [name, arn] of Object.entries(FAKE_ARNS)) text = text.replaceAll('${' + name + '}', arn);
  const unreplaced = /\$\{[A-Za-z]+\}/.exec(text);
  if (unreplaced) throw new Error(`incident-response.asl.json has a placeholder the tests do not know: ${unreplaced[0]}`);
  const definition = JSON.parse(text) as { States: Record<string, { Resource?: string; TimeoutSeconds?: number }> };
  if (options.approvalTimeoutSeconds !== undefined) {
    for (const state of Object.values(definition.States)) {
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
  const record = (stateName: string, run: (input: Record<string, unknown>) => unknown): TaskHandler => async (input, context) => {
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
      executionArn: input.executionArn,
    };
  });
  const actions = (stateName: string) => record(stateName, (input) => ({ ok: true, operation: input.operation, dryRun: true }));
  const publish = (stateName: string) => record(stateName, () => ({ MessageId: `msg-${calls.length}` }));
  return {
    calls,
    handlers: {
      Classify: classify,
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
    },
  };
}
