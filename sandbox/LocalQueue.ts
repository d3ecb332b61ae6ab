import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';

/** Options of {@link LocalQueue}. */
export interface LocalQueueOptions {
  name: string;
  /** The consumer, called with SQS Lambda events (the production ingest handler). */
  consumer: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;
  batchSize?: number;
  /** Batches in flight at once (`ScalingConfig.MaximumConcurrency`); default 1. */
  maxConcurrency?: number;
  /** Receives before a message goes to the dead-letter list. */
  maxReceiveCount?: number;
  /** Delay before a failed message is visible again. */
  visibilityTimeoutMs?: number;
}

interface QueuedMessage {
  messageId: string;
  body: string;
  receiveCount: number;
  visibleAt: number;
  sentAt: number;
}

/**
 * An in-process stand-in for an SQS queue with a Lambda event source mapping:
 * batches, up to `maxConcurrency` of them in flight (concurrent invocations),
 * partial batch failures (`batchItemFailures`), a visibility timeout and a
 * dead-letter list after `maxReceiveCount` receives. Nothing is dropped: a
 * message is either delivered, waiting, in flight, or dead-lettered for inspection.
 */
export class LocalQueue {
  private readonly messages: QueuedMessage[] = [];
  private readonly dead: Array<QueuedMessage & { lastError: string }> = [];
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private delivered = 0;

  public constructor(private readonly options: LocalQueueOptions) {}

  /** Sends a message (as SNS does for a subscribed queue). */
  public send(body: string): string {
    const messageId = randomUUID();
    this.messages.push({ messageId, body, receiveCount: 0, visibleAt: 0, sentAt: Date.now() });
    this.kick();
    return messageId;
  }

  public start(): void {
    this.running = true;
    this.kick();
  }

  /** Stops polling and waits for the batch in flight. */
  public async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await Promise.all(this.inFlight);
  }

  /** Counts for the sandbox and the storm benchmark. */
  public stats(): { waiting: number; inFlight: number; delivered: number; deadLettered: number } {
    return {
      waiting: this.messages.length,
      inFlight: this.inFlight.size,
      delivered: this.delivered,
      deadLettered: this.dead.length,
    };
  }

  public deadLetters(): ReadonlyArray<{ messageId: string; body: string; receiveCount: number; lastError: string }> {
    return this.dead;
  }

  /** Resolves once nothing is waiting or in flight (tests and benchmarks). */
  public async drained(timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.messages.length > 0 || this.inFlight.size > 0) {
      if (Date.now() > until)
        throw new Error(`queue ${this.options.name} not drained: ${this.messages.length} waiting`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private kick(delayMs = 0): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.fill();
    }, delayMs);
  }

  /** Starts batches while a consumer is free and a message is visible; else waits for the next to show. */
  private fill(): void {
    const consumers = this.options.maxConcurrency ?? 1;
    while (this.running && this.inFlight.size < consumers) {
      const batch = this.take();
      if (batch.length === 0) break;
      const run: Promise<void> = this.deliver(batch).finally(() => {
        this.inFlight.delete(run);
        this.fill();
      });
      this.inFlight.add(run);
    }
    // Also when `next` is 0: a message can turn visible between take() and here (the clock moved a millisecond).
    const next = this.nextVisibleIn();
    if (next !== undefined && this.inFlight.size < consumers) this.kick(next);
  }

  private nextVisibleIn(): number | undefined {
    if (this.messages.length === 0) return undefined;
    const now = Date.now();
    return Math.max(0, Math.min(...this.messages.map((m) => m.visibleAt)) - now);
  }

  /** Takes the next batch of visible messages off the queue (they are in flight until delivered). */
  private take(): QueuedMessage[] {
    const now = Date.now();
    const batch = this.messages.filter((m) => m.visibleAt <= now).slice(0, this.options.batchSize ?? 10);
    for (const m of batch) this.messages.splice(this.messages.indexOf(m), 1);
    for (const m of batch) m.receiveCount++;
    return batch;
  }

  private async deliver(batch: QueuedMessage[]): Promise<void> {
    const now = Date.now();
    const event: SQSEvent = {
      Records: batch.map((m) => ({
        messageId: m.messageId,
        receiptHandle: m.messageId,
        body: m.body,
        attributes: {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: String(m.sentAt),
          SenderId: 'sandbox',
          ApproximateFirstReceiveTimestamp: String(now),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${this.options.name}`,
        awsRegion: 'us-east-1',
      })),
    };
    let failed: Set<string>;
    let error = '';
    try {
      const out = await this.options.consumer(event);
      failed = new Set((out?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (e) {
      // A thrown handler fails the whole batch, as with a real event source mapping.
      failed = new Set(batch.map((m) => m.messageId));
      error = (e as Error).message;
    }
    for (const m of batch) {
      if (!failed.has(m.messageId)) {
        this.delivered++;
        continue;
      }
      if (m.receiveCount >= (this.options.maxReceiveCount ?? 5)) {
        this.dead.push({ ...m, lastError: error || 'reported as a batch item failure' });
      } else {
        m.visibleAt = Date.now() + (this.options.visibilityTimeoutMs ?? 1000) * m.receiveCount;
        this.messages.push(m);
      }
    }
  }
}
