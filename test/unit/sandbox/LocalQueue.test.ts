import type { SQSEvent } from 'aws-lambda';
import { LocalQueue } from '../../../sandbox/LocalQueue';

describe('Class: LocalQueue', () => {
  it('runs up to maxConcurrency batches at once, and delivers every message once', async () => {
    // Prepare: a consumer that takes a while, so batches overlap.
    let running = 0;
    let most = 0;
    const seen: string[] = [];
    const queue = new LocalQueue({
      name: 'q',
      batchSize: 2,
      maxConcurrency: 2,
      consumer: async (event: SQSEvent) => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 30));
        seen.push(...event.Records.map((r) => r.body));
        running--;
        return { batchItemFailures: [] };
      },
    });
    queue.start();

    // Act
    for (let i = 0; i < 10; i++) queue.send(`m${i}`);
    await queue.drained(30_000);
    await queue.stop();

    // Assess
    expect(most).toBe(2);
    expect(seen.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`).sort());
    expect(queue.stats()).toEqual({ waiting: 0, inFlight: 0, delivered: 10, deadLettered: 0 });
  });

  it('redelivers a reported failure after the visibility timeout, then dead-letters it', async () => {
    const receives: string[] = [];
    const queue = new LocalQueue({
      name: 'q',
      maxReceiveCount: 2,
      visibilityTimeoutMs: 10,
      consumer: async (event) => {
        receives.push(...event.Records.map((r) => r.attributes.ApproximateReceiveCount));
        return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
      },
    });
    queue.start();
    queue.send('bad');
    await queue.drained(30_000);
    await queue.stop();
    expect(receives).toEqual(['1', '2']);
    expect(queue.deadLetters()).toMatchObject([{ body: 'bad', receiveCount: 2 }]);
  });
});
