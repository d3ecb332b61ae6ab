import { ConfigInvalidError } from '../../src/errors';
import { isCfnObject, loadTemplate } from './cfnYaml';
import { eventMatches } from './eventPattern';

/** An SQS queue a function consumes through a SAM `SQS` event (an event source mapping). */
export interface TemplateQueueSource {
  /** The queue's logical id. */
  queue: string;
  /** The consuming function's logical id. */
  target: string;
  batchSize: number;
  /** `ScalingConfig.MaximumConcurrency`: batches in flight at once (AWS's own minimum is 2). */
  maximumConcurrency: number;
}

/** An SNS → SQS subscription, with its filter policy if it has one. */
export interface TemplateQueueSubscription {
  /** The topic's logical id. */
  topic: string;
  /** The queue's logical id. */
  queue: string;
  /** A `MessageBody`-scoped filter policy; undefined: every message. */
  bodyFilter?: unknown;
}

/** How template.yaml wires topics to queues to functions. */
export interface TemplateQueues {
  sources: TemplateQueueSource[];
  subscriptions: TemplateQueueSubscription[];
}

/** The logical id behind `!Ref X` or `!GetAtt X.Arn`. */
function logicalIdOf(value: unknown, what: string): string {
  if (isCfnObject(value) && typeof value.Ref === 'string') return value.Ref;
  const getAtt = isCfnObject(value) ? value['Fn::GetAtt'] : undefined;
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && getAtt[1] === 'Arn') return getAtt[0];
  throw new ConfigInvalidError(`${what} is neither !Ref nor !GetAtt X.Arn: the sandbox cannot wire it`);
}

/**
 * The queues of template.yaml, read from the template so the sandbox
 * delivers messages to the lanes the stack has: each SQS subscription with
 * its filter, and each function's SQS event with its batch size and
 * concurrency. A filter the sandbox cannot apply (message-attribute scope)
 * fails loudly rather than delivering differently from AWS.
 * @param templatePath path of template.yaml
 */
export function queuesFromTemplate(templatePath: string): TemplateQueues {
  const template = loadTemplate(templatePath);
  const sources: TemplateQueueSource[] = [];
  const subscriptions: TemplateQueueSubscription[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    const props = isCfnObject(resource.Properties) ? resource.Properties : {};
    if (resource.Type === 'AWS::SNS::Subscription' && props.Protocol === 'sqs') {
      const scope = props.FilterPolicyScope ?? 'MessageAttributes';
      if (props.FilterPolicy !== undefined && scope !== 'MessageBody')
        throw new ConfigInvalidError(`${id}: the sandbox applies MessageBody filter policies only, not ${scope}`);
      subscriptions.push({
        topic: logicalIdOf(props.TopicArn, `${id}.TopicArn`),
        queue: logicalIdOf(props.Endpoint, `${id}.Endpoint`),
        ...(props.FilterPolicy !== undefined && { bodyFilter: props.FilterPolicy }),
      });
    }
    if (resource.Type !== 'AWS::Serverless::Function' || !isCfnObject(props.Events)) continue;
    for (const [name, event] of Object.entries(props.Events)) {
      if (!isCfnObject(event) || event.Type !== 'SQS') continue;
      const p = isCfnObject(event.Properties) ? event.Properties : {};
      const scaling = isCfnObject(p.ScalingConfig) ? p.ScalingConfig : {};
      sources.push({
        queue: logicalIdOf(p.Queue, `${id}.Events.${name}.Queue`),
        target: id,
        batchSize: typeof p.BatchSize === 'number' ? p.BatchSize : 10,
        // Without a cap, Lambda scales pollers out; two is what a capped mapping starts from.
        maximumConcurrency: typeof scaling.MaximumConcurrency === 'number' ? scaling.MaximumConcurrency : 2,
      });
    }
  }
  return { sources, subscriptions };
}

/**
 * Whether an SNS message goes through a subscription's filter. The subset of
 * SNS payload filtering the template uses (exact values, `anything-but`,
 * `prefix`, `exists`, nested keys) reads as an EventBridge pattern does, so
 * the sandbox's EventBridge matcher applies it. A body that is not a JSON
 * object matches no filter, as in SNS.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html
 */
export function passesFilter(subscription: TemplateQueueSubscription, message: string): boolean {
  if (subscription.bodyFilter === undefined) return true;
  let body: unknown;
  try {
    body = JSON.parse(message);
  } catch {
    return false;
  }
  return isCfnObject(body) && eventMatches(subscription.bodyFilter, body);
}
