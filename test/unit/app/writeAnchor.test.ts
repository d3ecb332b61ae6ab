import { sweep } from '../../../src/app/sweep';
import { LAST_ANCHOR_DOC, type LastAnchor } from '../../../src/app/writeAnchor';
import { ANCHOR_CHAIN, readAnchor } from '../../../src/domain/anchor';
import { entryHash, GENESIS_HASH, LedgerEntryType, signatureValid, type LedgerEntry } from '../../../src/domain/ledger';
import { FakeAnchorStore } from '../../support/fakes/FakeAnchorStore';
import { fakeAppDeps } from '../../support/fakes/fakeAppDeps';
import { buildLedger, digestSigner, INCIDENTS, KEY_ID, p256, seal } from '../domain/ledgerFixture';

const key = p256();

const signer = digestSigner(key);

/**
 * The sweep's deps on fakes over `entries` in the ledger table, with no open
 * incident and no route (the sweep has only anchoring to do, and asks Slack
 * nothing), anchors kept by `anchors` and signed with the fixture's key.
 */
function depsOver(entries: readonly LedgerEntry[], anchors: FakeAnchorStore) {
  const f = fakeAppDeps({ now: '2026-12-01T10:00:00Z', anchors });
  f.deps.signer = signer;
  const append = (entry: LedgerEntry) => f.storage.table.putLedgerEntry(entry, JSON.stringify(entry));
  for (const e of entries) append(e);
  return { f, append };
}

/** The sweep's deps over the fixture's ledger (no checkpoint), with what a test inspects. */
function overFixtureLedger() {
  const entries = buildLedger(key.privateKey, { checkpoint: false }).entries;
  const anchors = new FakeAnchorStore();
  const { f, append } = depsOver(entries, anchors);
  const lastAnchor = () => f.deps.sideDocs.get<LastAnchor>(LAST_ANCHOR_DOC);
  return { entries, append, lastAnchor, anchors, telemetry: f.telemetry, d: f.deps };
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
    const { entries, append, lastAnchor, anchors, telemetry, d } = overFixtureLedger();

    // Act
    const first = await sweep(d);
    const idle = await sweep(d);
    const next = nextEntry(entries.filter((e) => e.incidentId === INCIDENTS[1]).at(-1)!);
    entries.push(next);
    append(next);
    const second = await sweep(d);

    // Assess
    expect(first.anchor).toEqual({ seq: 1, chains: 3 });
    expect(idle.anchor).toBeUndefined();
    expect(second.anchor).toEqual({ seq: 2, chains: 3 });
    expect(telemetry.count('AnchorsWritten')).toBe(2);
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
    expect((await lastAnchor())!.value.hash).toBe(a2.hash);
  });

  it('writes no anchor over an empty ledger', async () => {
    // Prepare
    const anchors = new FakeAnchorStore();
    const d = depsOver([], anchors).f.deps;

    // Act
    const report = await sweep(d);

    // Assess
    expect(report.anchor).toBeUndefined();
    expect(anchors.stored).toHaveLength(0);
  });

  it('counts a missed anchor while S3 is down and writes it on the next sweep', async () => {
    // Prepare
    const { lastAnchor, anchors, telemetry, d } = overFixtureLedger();
    anchors.down = true;

    // Act
    const missed1 = await sweep(d);
    const missed2 = await sweep(d);
    anchors.down = false;
    const retried = await sweep(d);

    // Assess
    expect(telemetry.count('AnchorsMissed')).toBe(2);
    for (const r of [missed1, missed2]) {
      expect(r.anchor).toBeUndefined();
      expect(r.errors).toEqual([{ incidentId: 'anchor', error: expect.stringContaining('S3 is down') }]);
    }
    expect(retried.errors).toEqual([]);
    expect(retried.anchor).toEqual({ seq: 1, chains: 3 });
    expect(anchors.stored).toHaveLength(1);
    expect((await lastAnchor())?.version).toBe(1);
  });

  it('never writes over a stored number: takes a stored anchor that follows the last one, then anchors after it', async () => {
    // Prepare: an earlier sweep stored anchor 1 and stopped before remembering it
    const { entries, append, lastAnchor, anchors, telemetry, d } = overFixtureLedger();
    const earlier = overFixtureLedger();
    await sweep(earlier.d);
    const lost = earlier.anchors.stored[0]!;
    anchors.stored.push(lost);

    // Act
    const found = await sweep(d);
    const next = nextEntry(entries.filter((e) => e.incidentId === INCIDENTS[0]).at(-1)!);
    append(next);
    const after = await sweep(d);

    // Assess
    expect(found.errors).toEqual([]);
    expect(found.anchor).toBeUndefined();
    expect((await lastAnchor())?.value.seq).toBe(2);
    expect(anchors.stored.map((a) => a.seq)).toEqual([1, 2]);
    expect(anchors.stored[0]).toEqual(lost);
    expect(anchors.stored[1]!.prevHash).toBe(lost.hash);
    expect(after.anchor).toEqual({ seq: 2, chains: 3 });
    expect(telemetry.count('AnchorsMissed')).toBe(0);
  });

  it('stops, loudly, when the stored anchor of its number does not follow the last one (and overwrites nothing)', async () => {
    // Prepare: storage holds an anchor 1 of another chain (its heads differ, its prevHash is not the genesis hash)
    const { anchors, telemetry, d, lastAnchor } = overFixtureLedger();
    const foreign = seal(
      {
        type: LedgerEntryType.Anchor,
        incidentId: ANCHOR_CHAIN,
        actor: 'chainsec',
        at: '2026-12-01T09:00:00.000Z',
        chains: 0,
        heads: {},
        seq: 1,
        prevHash: 'e'.repeat(64),
        keyId: KEY_ID,
      } as never,
      key.privateKey,
    );
    anchors.stored.push(foreign);

    // Act
    const report = await sweep(d);

    // Assess
    expect(report.anchor).toBeUndefined();
    expect(report.errors).toEqual([
      { incidentId: 'anchor', error: expect.stringContaining('anchor 1 in storage does not follow anchor 0') },
    ]);
    expect(telemetry.count('AnchorsMissed')).toBe(1);
    expect(anchors.stored).toEqual([foreign]);
    expect(await lastAnchor()).toBeUndefined();
  });
});
