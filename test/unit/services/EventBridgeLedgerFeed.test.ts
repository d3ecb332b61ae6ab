import type { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { LedgerEntry } from '../../../src/domain/ledger';
import { LedgerFeedError } from '../../../src/errors';
import { EventBridgeLedgerFeed } from '../../../src/services/EventBridgeLedgerFeed';

const entry = (seq: number): LedgerEntry =>
  ({
    type: seq % 2 ? 'decision' : 'vote',
    incidentId: 'INC-1',
    seq,
    actor: 'U1',
    at: '2026-12-01T10:00:00.000Z',
    prevHash: '0'.repeat(64),
    keyId: 'k',
    hash: String(seq).padStart(64, '0'),
    signature: 'c2ln',
    decision: 'approve',
    tier: 'high',
  }) as LedgerEntry;

/** A client that records each PutEvents input and answers `fail` entries (by index in the call) with an error. */
function recordingClient(fail: (i: number) => boolean = () => false) {
  const calls: Array<PutEventsCommand['input']> = [];
  const client = {
    send: async (command: PutEventsCommand) => {
      calls.push(command.input);
      const results = (command.input.Entries ?? []).map((_, i) =>
        fail(i) ? { ErrorCode: 'InternalFailure' } : { EventId: `e${i}` },
      );
      return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
    },
  } as unknown as EventBridgeClient;
  return { client, calls };
}

describe('Class: EventBridgeLedgerFeed', () => {
  it('puts one event per entry on the default bus, 10 a call, source chainsec.ledger', async () => {
    // Prepare
    const { client, calls } = recordingClient();
    const feed = new EventBridgeLedgerFeed({ callTimeoutMs: 1000, client });
    const entries = Array.from({ length: 12 }, (_, i) => entry(i + 1));

    // Act
    await feed.emit(entries);

    // Assess
    expect(calls.map((c) => c.Entries?.length)).toEqual([10, 2]);
    const first = calls[0]!.Entries![0]!;
    expect(first).toMatchObject({
      Source: 'chainsec.ledger',
      DetailType: 'chainsec Ledger Entry',
      Time: new Date(entries[0]!.at),
    });
    expect(first.EventBusName).toBeUndefined();
    const detail = JSON.parse(first.Detail!) as { entry: LedgerEntry; ocsf?: { class_uid: number } };
    expect(detail.entry).toEqual(entries[0]);
    expect(detail.ocsf?.class_uid).toBe(2005);
    expect(JSON.parse(calls[0]!.Entries![1]!.Detail!).ocsf).toBeUndefined();
  });

  it('throws a LedgerFeedError naming the refused entries when EventBridge answers FailedEntryCount > 0', async () => {
    // Prepare
    const { client } = recordingClient((i) => i === 1);
    const feed = new EventBridgeLedgerFeed({ callTimeoutMs: 1000, client });

    // Act
    const attempt = feed.emit([entry(1), entry(2)]);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(LedgerFeedError);
    await expect(attempt).rejects.toMatchObject({
      code: 'chainsec_ledger_feed_failed',
      details: { failed: [{ place: 'INC-1#2', error: 'InternalFailure' }] },
    });
  });
});
