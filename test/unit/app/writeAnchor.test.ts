import type { AppDeps } from '../../../src/app/deps';
import { sweep } from '../../../src/app/sweep';
import { LAST_ANCHOR_DOC, type LastAnchor } from '../../../src/app/writeAnchor';
import type { Telemetry } from '../../../src/app/telemetry';
import { ANCHOR_CHAIN, readAnchor } from '../../../src/domain/anchor';
import { fixedClock } from '../../../src/domain/clock';
import { entryHash, GENESIS_HASH, LedgerEntryType, signatureValid, type LedgerEntry } from '../../../src/domain/ledger';
import { AnchorUnavailableError } from '../../../src/errors';
import type { AnchorStore } from '../../../src/services/AnchorStore';
import type { VersionedDoc } from '../../../src/services/SideDocuments';
import { buildLedger, digestSigner, INCIDENTS, KEY_ID, p256, seal } from '../domain/ledgerFixture';

const key = p256();

const signer = digestSigner(key);

/** Anchor storage that keeps what it is given, or refuses everything while `down`. */
class FakeAnchors implements AnchorStore {
  public readonly stored: LedgerEntry[] = [];
  public down = false;
  public async put(anchor: LedgerEntry): Promise<void> {
    if (this.down) throw new AnchorUnavailableError('ServiceUnavailable: S3 is down');
    this.stored.push(anchor);
  }
}

/** Storage ports with a ledger and side documents, and no open incident (the sweep has only anchoring to do). */
function storeOver(entries: LedgerEntry[]): { store: Partial<AppDeps>; docs: Map<string, VersionedDoc<unknown>> } {
  const docs = new Map<string, VersionedDoc<unknown>>();
  const store = {
    incidents: { listOpen: async () => [] },
    outbox: { publishAll: async () => ({ published: 0, failures: [] }) },
    ledger: { all: async () => [...entries] },
    sideDocs: {
      listOpen: async () => [],
      get: async <T>(k: string) => docs.get(k) as VersionedDoc<T> | undefined,
      put: async <T>(k: string, value: T, expectedVersion: number) => {
        if ((docs.get(k)?.version ?? 0) !== expectedVersion) return false;
        docs.set(k, { value, version: expectedVersion + 1 });
        return true;
      },
    },
  } as unknown as Partial<AppDeps>;
  return { store, docs };
}

function deps(store: Partial<AppDeps>, anchors: AnchorStore, metrics: string[]): AppDeps {
  const telemetry: Telemetry = { info() {}, warn() {}, error() {}, metric: (name) => void metrics.push(name) };
  // No routes: the sweep's route check asks Slack nothing.
  const config = { routes: [], approvalsChannel: 'C0APPROVALS' };
  return {
    ...store,
    config,
    anchors,
    signer,
    telemetry,
    clock: fixedClock('2026-12-01T10:00:00Z'),
  } as unknown as AppDeps;
}

/** The sweep's deps over the fixture's ledger (no checkpoint), with what a test inspects. */
function overFixtureLedger() {
  const entries = buildLedger(key.privateKey, { checkpoint: false }).entries;
  const { store, docs } = storeOver(entries);
  const anchors = new FakeAnchors();
  const metrics: string[] = [];
  return { entries, docs, anchors, metrics, d: deps(store, anchors, metrics) };
}

/** The next entry of `incidentId`'s chain after `head`. */
function nextEntry(head: LedgerEntry): LedgerEntry {
  const body = {
    type: LedgerEntryType.Vote,
    incidentId: head.incidentId,
    actor: 'U0APPROVER1',
    at: '2026-12-01T10:01:00.000Z',
    seq: head.seq + 1,
    prevHash: head.hash,
    keyId: KEY_ID,
  };
  return seal({ ...body, hash: entryHash(body as never) } as never, key.privateKey);
}

describe('Function: sweep (anchors)', () => {
  it('anchors every chain head, signed, once per change of the ledger, each anchor linked to the last', async () => {
    // Prepare
    const { entries, docs, anchors, metrics, d } = overFixtureLedger();

    // Act
    const first = await sweep(d);
    const idle = await sweep(d);
    entries.push(nextEntry(entries.filter((e) => e.incidentId === INCIDENTS[1]).at(-1)!));
    const second = await sweep(d);

    // Assess
    expect(first.anchor).toEqual({ seq: 1, chains: 3 });
    expect(idle.anchor).toBeUndefined();
    expect(second.anchor).toEqual({ seq: 2, chains: 3 });
    expect(metrics.filter((m) => m === 'AnchorsWritten')).toHaveLength(2);
    expect(anchors.stored).toHaveLength(2);
    const [a1, a2] = anchors.stored as [LedgerEntry, LedgerEntry];
    for (const a of anchors.stored) {
      expect(a).toMatchObject({ type: 'ledger_anchor', incidentId: ANCHOR_CHAIN, keyId: KEY_ID });
      expect(entryHash(a)).toBe(a.hash);
      expect(signatureValid(a, key.publicKey)).toBe(true);
    }
    expect([a1.prevHash, a2.prevHash]).toEqual([GENESIS_HASH, a1.hash]);
    const facts = readAnchor(a2);
    if ('error' in facts) throw new Error(facts.error);
    for (const id of INCIDENTS) {
      const head = entries.filter((e) => e.incidentId === id).at(-1)!;
      expect(facts.heads.get(id)).toEqual({ seq: head.seq, hash: head.hash });
    }
    expect((docs.get(LAST_ANCHOR_DOC)!.value as LastAnchor).hash).toBe(a2.hash);
  });

  it('writes no anchor over an empty ledger', async () => {
    // Prepare
    const anchors = new FakeAnchors();
    const d = deps(storeOver([]).store, anchors, []);

    // Act
    const report = await sweep(d);

    // Assess
    expect(report.anchor).toBeUndefined();
    expect(anchors.stored).toHaveLength(0);
  });

  it('counts a missed anchor while S3 is down and writes it on the next sweep', async () => {
    // Prepare
    const { docs, anchors, metrics, d } = overFixtureLedger();
    anchors.down = true;

    // Act
    const missed1 = await sweep(d);
    const missed2 = await sweep(d);
    anchors.down = false;
    const retried = await sweep(d);

    // Assess
    expect(metrics.filter((m) => m === 'AnchorsMissed')).toHaveLength(2);
    for (const r of [missed1, missed2]) {
      expect(r.anchor).toBeUndefined();
      expect(r.errors).toEqual([{ incidentId: 'anchor', error: expect.stringContaining('S3 is down') }]);
    }
    expect(retried.errors).toEqual([]);
    expect(retried.anchor).toEqual({ seq: 1, chains: 3 });
    expect(anchors.stored).toHaveLength(1);
    expect(docs.get(LAST_ANCHOR_DOC)?.version).toBe(1);
  });
});
