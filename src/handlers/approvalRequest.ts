import type { Context } from 'aws-lambda';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { getConfig } from '../config';
import { ConfigInvalidError } from '../errors';
import { systemClock } from '../domain/clock';
import { forwardApprovalRequest, type ForwardOutcome, type RequestPublisher } from '../app/forwardApprovalRequest';
import { createDynamoDbPorts } from '../services/dynamodb/createDynamoDbPorts';
import { clientOptions } from '../services/awsClients';
import { PowertoolsTelemetry } from '../services/PowertoolsTelemetry';
import { StepFunctionsWorkflowGateway } from '../services/StepFunctionsWorkflowGateway';

/**
 * The approval request function: other teams' workflows invoke it with
 * `arn:aws:states:::lambda:invoke.waitForTaskToken` (the request, its task
 * token included, as the payload). It needs no Slack: a valid request goes
 * to the approval requests topic, anything else is refused and its task
 * failed at once (`src/app/forwardApprovalRequest.ts`).
 */

interface Ready {
  deps: Parameters<typeof forwardApprovalRequest>[0];
  telemetry: PowertoolsTelemetry;
}
let ready: Ready | undefined;

function init(): Ready {
  const config = getConfig();
  const topicArn = config.approvalRequestsTopicArn;
  if (!topicArn) throw new ConfigInvalidError('APPROVAL_REQUESTS_TOPIC_ARN is not set');
  const telemetry = new PowertoolsTelemetry();
  const sns = new SNSClient(clientOptions(config.callTimeoutMs));
  const requests: RequestPublisher = {
    publishRequest: async (text) => {
      await sns.send(new PublishCommand({ TopicArn: topicArn, Message: text }));
    },
  };
  const { rejected } = createDynamoDbPorts({
    incidentsTable: config.incidentsTable,
    ledgerTable: config.ledgerTable,
    callTimeoutMs: config.callTimeoutMs,
  });
  const deps = {
    rejected,
    workflow: new StepFunctionsWorkflowGateway({ callTimeoutMs: config.callTimeoutMs }),
    clock: systemClock,
    telemetry,
    requests,
  };
  return { deps, telemetry };
}

/** The Lambda entry point. */
export async function handler(event: unknown, _context?: Context): Promise<ForwardOutcome> {
  ready ??= init();
  try {
    return await forwardApprovalRequest(ready.deps, event);
  } finally {
    ready.telemetry.flush();
  }
}
