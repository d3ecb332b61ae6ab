import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { delay } from './FaultSwitch';
import { BodyTooLargeError, LocalServer, readRequestBody, send } from './LocalServer';

/** Options of {@link LocalSns}. */
export interface LocalSnsOptions {
  port?: number;
  /** When given, only these topics exist (others answer `NotFound`); by default any well-formed topic ARN is accepted. */
  topics?: string[];
}

/** A message attribute as the SNS envelope carries it. */
export interface SnsMessageAttribute {
  Type: string;
  Value: string;
}

/** A published message, as delivered to subscribers (the fields of the SNS envelope). */
export interface SnsMessage {
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  Subject?: string;
  MessageAttributes?: Record<string, SnsMessageAttribute>;
}

/** An in-process subscriber of a topic. */
export type SnsListener = (message: SnsMessage) => Promise<void>;

/** A delivery a listener failed. */
export interface SnsDeliveryFailure {
  message: SnsMessage;
  error: string;
}

/** An SNS error as the query protocol carries it. */
class SnsError extends Error {
  public constructor(
    public readonly code: string,
    message: string,
    public readonly status = 400,
    public readonly type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
    this.name = code;
  }
}

/** SNS refuses messages over 256 KiB. */
const MAX_MESSAGE_BYTES = 256 * 1024;
const TOPIC_ARN = /^arn:aws:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

/** Escapes text for an XML element. */
function xml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * A local Amazon SNS speaking the query protocol the SDK v3 SNS client uses
 * (`POST /`, form body `Action=Publish&TopicArn=...&Message=...`, XML answers).
 * Subscribers are in-process listeners, called after the publish is answered,
 * as SNS delivers asynchronously; every message is also kept for inspection.
 */
export class LocalSns extends LocalServer {
  private readonly topics?: Set<string>;
  private readonly listeners = new Map<string, SnsListener[]>();
  private readonly messages: SnsMessage[] = [];
  private readonly failures: SnsDeliveryFailure[] = [];
  private readonly pending = new Set<Promise<void>>();

  public constructor(options: LocalSnsOptions = {}) {
    super(options.port);
    if (options.topics) this.topics = new Set(options.topics);
  }

  /** Subscribes an in-process listener to a topic. @returns a function that unsubscribes it. */
  public subscribe(topicArn: string, listener: SnsListener): () => void {
    const list = this.listeners.get(topicArn) ?? [];
    list.push(listener);
    this.listeners.set(topicArn, list);
    return () => {
      const current = this.listeners.get(topicArn) ?? [];
      this.listeners.set(
        topicArn,
        current.filter((l) => l !== listener),
      );
    };
  }

  /** Messages published so far, oldest first; only one topic's when given. */
  public published(topicArn?: string): SnsMessage[] {
    return this.messages.filter((m) => topicArn === undefined || m.TopicArn === topicArn);
  }

  /** Deliveries a listener threw on (kept, never retried). */
  public deliveryFailures(): SnsDeliveryFailure[] {
    return [...this.failures];
  }

  /** Resolves when every delivery started so far has finished. */
  public async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /**
   * Publishes without HTTP, as a service integration does (Step Functions'
   * `sns:publish`): same checks, same delivery, and the same
   * `Publish` faults (their delay aside: this answers at once). A fault armed
   * for `Publish@<topic ARN>` applies to that topic only.
   * @returns the MessageId.
   * @throws an Error named after the SNS error code (`InvalidParameter`, ...), as Step Functions reports it
   */
  public publishLocal(
    topicArn: string,
    message: string,
    attributes?: Record<string, SnsMessageAttribute>,
    subject?: string,
  ): string {
    const fault = this.faults.take('Publish', `Publish@${topicArn}`);
    if (fault?.error || fault?.status)
      throw new SnsError(
        fault.error ?? 'InternalError',
        fault.message ?? `injected fault: ${fault.error ?? 'InternalError'}`,
        fault.status ?? 500,
      );
    return this.publish(topicArn, message, attributes, subject);
  }

  /** Checks, keeps and delivers one message (both entry points; faults are taken by the caller). */
  private publish(
    topicArn: string,
    message: string,
    attributes?: Record<string, SnsMessageAttribute>,
    subject?: string,
  ): string {
    this.checkTopic(topicArn);
    this.checkMessage(message);
    const record: SnsMessage = {
      MessageId: randomUUID(),
      TopicArn: topicArn,
      Message: message,
      Timestamp: new Date().toISOString(),
      ...(subject !== undefined && { Subject: subject }),
      ...(attributes && Object.keys(attributes).length > 0 && { MessageAttributes: attributes }),
    };
    this.messages.push(record);
    this.deliver(record);
    return record.MessageId;
  }

  /** Waits for deliveries in flight, then stops listening. */
  public override async stop(): Promise<void> {
    await super.stop();
    await this.drain();
  }

  protected override async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    try {
      if (req.method !== 'POST')
        throw new SnsError('InvalidAction', `${req.method} is not supported; SNS takes POST /`);
      let params: URLSearchParams;
      try {
        params = new URLSearchParams(await readRequestBody(req));
      } catch (e) {
        if (e instanceof BodyTooLargeError)
          throw new SnsError('InvalidParameter', 'Invalid parameter: Message too long', 400);
        throw e;
      }
      const action = params.get('Action') ?? '';
      const target = params.get('TopicArn') ?? params.get('TargetArn');
      const fault = this.faults.take(action, target ? `${action}@${target}` : undefined);
      await delay(fault?.delayMs);
      if (fault?.error || fault?.status) {
        throw new SnsError(
          fault.error ?? 'InternalError',
          fault.message ?? `injected fault: ${fault.error ?? 'InternalError'}`,
          fault.status ?? 500,
        );
      }
      if (action !== 'Publish')
        throw new SnsError(
          'InvalidAction',
          `The action ${action || '(none)'} is not valid for this local SNS (only Publish).`,
        );
      const topicArn = params.get('TopicArn') ?? params.get('TargetArn');
      if (!topicArn)
        throw new SnsError(
          'InvalidParameter',
          'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter',
        );
      const message = params.get('Message');
      if (message === null)
        throw new SnsError(
          'ValidationError',
          "1 validation error detected: Value null at 'message' failed to satisfy constraint: Member must not be null",
        );
      const messageId = this.publish(topicArn, message, this.attributes(params), params.get('Subject') ?? undefined);
      const body =
        `<PublishResponse xmlns="${XMLNS}"><PublishResult><MessageId>${messageId}</MessageId></PublishResult>` +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishResponse>`;
      send(res, 200, body, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
    } catch (e) {
      if (!(e instanceof SnsError)) throw e;
      const body =
        `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${e.type}</Type><Code>${xml(e.code)}</Code><Message>${xml(e.message)}</Message></Error>` +
        `<RequestId>${requestId}</RequestId></ErrorResponse>`;
      send(res, e.status, body, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
    }
  }

  /** `MessageAttributes.entry.N.Name / .Value.DataType / .Value.StringValue|BinaryValue` → envelope form. */
  private attributes(params: URLSearchParams): Record<string, SnsMessageAttribute> | undefined {
    const out: Record<string, SnsMessageAttribute> = {};
    for (let n = 1; params.has(`MessageAttributes.entry.${n}.Name`); n++) {
      const prefix = `MessageAttributes.entry.${n}`;
      const name = params.get(`${prefix}.Name`)!;
      const type = params.get(`${prefix}.Value.DataType`);
      if (!type)
        throw new SnsError(
          'ParameterValueInvalid',
          `The message attribute '${name}' must contain non-empty message attribute type.`,
        );
      const value = params.get(`${prefix}.Value.StringValue`) ?? params.get(`${prefix}.Value.BinaryValue`);
      if (value === null)
        throw new SnsError(
          'ParameterValueInvalid',
          `The message attribute '${name}' must contain non-empty message attribute value.`,
        );
      out[name] = { Type: type, Value: value };
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }

  private checkTopic(topicArn: string): void {
    if (!TOPIC_ARN.test(topicArn)) throw new SnsError('InvalidParameter', `Invalid parameter: TopicArn (${topicArn})`);
    if (this.topics && !this.topics.has(topicArn)) throw new SnsError('NotFound', 'Topic does not exist', 404);
  }

  private checkMessage(message: string): void {
    if (message.length === 0) throw new SnsError('InvalidParameter', 'Invalid parameter: Empty message');
    if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES)
      throw new SnsError('InvalidParameter', 'Invalid parameter: Message too long');
  }

  /** Calls every listener of the topic on a later turn; a throwing listener is recorded, not retried. */
  private deliver(message: SnsMessage): void {
    for (const listener of this.listeners.get(message.TopicArn) ?? []) {
      const delivery = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => listener(message))
        .catch((e: unknown) => {
          this.failures.push({ message, error: (e as Error)?.message ?? String(e) });
        })
        .finally(() => this.pending.delete(delivery));
      this.pending.add(delivery);
    }
  }
}
