import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PACE_RULES } from '../../../../src/domain/pacing';
import { DynamoDbSlackPacer } from '../../../../src/services/dynamodb/DynamoDbSlackPacer';
import { RecordingTelemetry } from '../../../support/fakes/RecordingTelemetry';
import { useLocalTables } from './localTables';

/** DynamoDbSlackPacer against DynamoDB Local: two senders sharing one channel's cursor. */
describe('Class: DynamoDbSlackPacer (DynamoDB Local)', () => {
  const db = useLocalTables('pacer');
  let n = 0;
  const channel = () => `C${++n}${Date.now()}`;
  const pacer = (telemetry = new RecordingTelemetry(), now?: () => number) =>
    new DynamoDbSlackPacer({
      tableName: db.tables.pacerTable,
      callTimeoutMs: 2000,
      client: db.tables.client,
      telemetry,
      ...(now && { now }),
    });

  it('never gives two concurrent senders of one channel slots closer than the interval', async () => {
    // Prepare: two containers (their own pacer and client), one clock so the slots compare.
    const t0 = Date.now();
    const now = () => t0;
    const telemetry = new RecordingTelemetry();
    const senders = [pacer(telemetry, now), pacer(telemetry, now)];
    const c = channel();

    // Act: each sender books 10 posts one after the other (an invocation posts in turn), both at once.
    const delays = (
      await Promise.all(
        senders.map(async (p) => {
          const mine: number[] = [];
          for (let i = 0; i < 10; i++) mine.push((await p.reserve(c, 'chat.postMessage', 'critical')) - t0);
          return mine;
        }),
      )
    ).flat();

    // Assess
    const slots = delays.sort((x, y) => x - y);
    const interval = PACE_RULES['chat.postMessage'].intervalMs;
    expect(slots[0]).toBe(0);
    for (let i = 1; i < slots.length; i++) expect(slots[i]! - slots[i - 1]!).toBeGreaterThanOrEqual(interval);
    expect(slots[slots.length - 1]).toBe(19 * interval);
    expect(telemetry.count('PacerDegraded')).toBe(0);
  });

  it('makes a bulk post wait out a backlog that a critical card books behind at once', async () => {
    // Prepare: a clock the pacer's sleeps move on; five critical cards booked.
    let t = Date.now();
    const t0 = t;
    const slept: number[] = [];
    const p = new DynamoDbSlackPacer({
      tableName: db.tables.pacerTable,
      callTimeoutMs: 2000,
      client: db.tables.client,
      telemetry: new RecordingTelemetry(),
      now: () => t,
      sleep: async (ms) => {
        slept.push(ms);
        t += ms;
      },
    });
    const c = channel();
    const interval = PACE_RULES['chat.postMessage'].intervalMs;
    for (let i = 0; i < 5; i++) await p.reserve(c, 'chat.postMessage', 'critical');

    // Act
    const critical = await p.reserve(c, 'chat.postMessage', 'critical');
    const bulk = await p.reserve(c, 'chat.postMessage', 'bulk');

    // Assess: the critical card takes the next slot; the digest waits until one slot is left ahead of it.
    expect(critical - t0).toBe(5 * interval);
    expect(slept).toEqual([5 * interval]);
    expect(bulk - t).toBe(interval);
  });

  it('keeps channels and methods apart', async () => {
    // Prepare: one clock that stands still, so "now" is one number.
    const t0 = Date.now();
    const p = pacer(new RecordingTelemetry(), () => t0);
    const c1 = channel();
    const c2 = channel();
    await p.reserve(c1, 'chat.postMessage', 'critical');

    // Act
    const otherChannel = await p.reserve(c2, 'chat.postMessage', 'critical');
    const otherMethod = await p.reserve(c1, 'chat.update', 'critical');
    const sameKey = await p.reserve(c1, 'chat.postMessage', 'critical');

    // Assess: a fresh key's first slot is now, not one interval after c1's posts.
    expect(otherChannel).toBe(t0);
    expect(otherMethod).toBe(t0);
    expect(sameKey).toBe(t0 + PACE_RULES['chat.postMessage'].intervalMs);
  });

  it('writes a TTL on the cursor', async () => {
    const c = channel();
    await pacer().reserve(c, 'chat.postMessage', 'bulk');
    const { Item } = await db.tables.client.send(
      new (await import('@aws-sdk/lib-dynamodb')).GetCommand({
        TableName: db.tables.pacerTable,
        Key: { pk: `${c}#chat.postMessage` },
      }),
    );
    expect(Item?.ttl).toBeGreaterThan(Date.now() / 1000);
  });

  it('sends at once when the store fails: a warning and PacerDegraded, never a refusal', async () => {
    // Prepare: a client whose endpoint refuses connections.
    const telemetry = new RecordingTelemetry();
    const broken = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: 'http://127.0.0.1:9',
        region: 'us-east-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
        maxAttempts: 1,
      }),
    );
    const p = new DynamoDbSlackPacer({
      tableName: db.tables.pacerTable,
      callTimeoutMs: 500,
      client: broken,
      telemetry,
    });

    // Act
    const before = Date.now();
    const slot = await p.reserve(channel(), 'chat.postMessage', 'critical');

    // Assess: the slot is now (send at once)
    expect(slot).toBeGreaterThanOrEqual(before);
    expect(slot).toBeLessThanOrEqual(Date.now());
    expect(telemetry.count('PacerDegraded')).toBe(1);
    expect(telemetry.messages('warn')).toEqual(['Slack pacer unavailable: sending without pacing']);
  });
});
