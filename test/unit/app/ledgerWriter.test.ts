import { chainEntries, publishEntries, sealEntries, signEntries } from '../../../src/app/ledgerWriter';
import { entryHash, GENESIS_HASH, LedgerEntryType } from '../../../src/domain/ledger';
import { LedgerConflictError, SigningFailedError } from '../../../src/errors';
import type { Signer } from '../../../src/services/Signer';
import { fakeAppDeps } from '../../support/fakes/fakeAppDeps';
import { FakeSigner } from '../../support/fakes/FakeSigner';
import { seedApproval } from '../../support/fakes/seeds';

const at = '2026-11-23T10:00:00.000Z';
const drafts = [
  { type: LedgerEntryType.Vote, actor: 'U0APPROVER1', at, choice: 'approve', reason: undefined },
  { type: LedgerEntryType.Decision, actor: 'chainsec', at, decision: 'approve' },
];

describe('Function: chainEntries', () => {
  it('numbers the drafts after the head, links each to the one before, and hashes each', () => {
    // Prepare
    const head = { seq: 3, hash: 'a'.repeat(64) };

    // Act
    const chained = chainEntries({ keyId: 'key-1' }, 'INC-0000000001', head, drafts);

    // Assess
    expect(chained.map((e) => [e.seq, e.prevHash])).toEqual([
      [4, head.hash],
      [5, chained[0]!.hash],
    ]);
    for (const e of chained) {
      const { hash, ...body } = e;
      expect(hash).toBe(entryHash(body));
      expect(e).toMatchObject({ incidentId: 'INC-0000000001', keyId: 'key-1' });
    }
  });

  it('leaves out fields a draft left undefined (so the hash covers what is stored)', () => {
    // Act
    const [vote] = chainEntries({ keyId: 'key-1' }, 'INC-0000000001', { seq: 0, hash: GENESIS_HASH }, drafts);

    // Assess
    expect(vote).not.toHaveProperty('reason');
    expect(vote!.prevHash).toBe(GENESIS_HASH);
  });
});

describe('Function: signEntries', () => {
  it('signs the 32 bytes of each hash, all at once', async () => {
    // Prepare: a signer that counts the signatures it is working on at the same time.
    let inFlight = 0;
    let most = 0;
    const inner = new FakeSigner();
    const signer: Signer = {
      keyId: inner.keyId,
      publicKeyPem: (id) => inner.publicKeyPem(id),
      signDigest: async (digest) => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setImmediate(r));
        inFlight--;
        return inner.signDigest(digest);
      },
    };
    const chained = chainEntries(signer, 'INC-0000000001', { seq: 0, hash: GENESIS_HASH }, drafts);

    // Act
    const signed = await signEntries(signer, chained);

    // Assess
    expect(most).toBe(2);
    expect(inner.signed).toEqual(chained.map((e) => e.hash));
    expect(signed.map((e) => e.signature)).toEqual(
      chained.map((e) => Buffer.from(`fake:${e.hash}`).toString('base64')),
    );
  });
});

describe('Function: sealEntries', () => {
  it('chains and signs, and fails with SigningFailedError (returning nothing) when the key cannot sign', async () => {
    // Prepare
    const signer = new FakeSigner();
    const head = { seq: 0, hash: GENESIS_HASH };

    // Act
    const sealed = await sealEntries(signer, 'INC-0000000001', head, drafts);
    signer.failing = true;
    const refused = sealEntries(signer, 'INC-0000000001', head, drafts);

    // Assess
    expect(sealed.map((e) => e.seq)).toEqual([1, 2]);
    expect(sealed.every((e) => e.signature.length > 0)).toBe(true);
    await expect(refused).rejects.toBeInstanceOf(SigningFailedError);
  });
});

describe('Function: publishEntries', () => {
  const now = new Date('2026-11-23T10:00:00Z');

  /** An incident holding one committed, unpublished entry. */
  async function withUnpublishedEntry() {
    const f = fakeAppDeps({ now });
    const { record } = seedApproval(f.storage, now);
    const id = record.incident.id;
    const [entry] = await sealEntries(f.signer, id, { seq: 0, hash: GENESIS_HASH }, drafts.slice(0, 1));
    f.storage.table.seed({ ...record, ledgerSeq: 1, ledgerHead: entry!.hash }, { unpublished: [entry!] });
    return { f, id };
  }

  it('publishes the committed entries to the ledger table', async () => {
    // Prepare
    const { f, id } = await withUnpublishedEntry();

    // Act
    await publishEntries(f.deps, id);

    // Assess
    expect(f.storage.table.published(id).map((e) => e.seq)).toEqual([1]);
  });

  it('never throws when publishing fails: a warning, and the entries wait for the sweep', async () => {
    // Prepare
    const { f, id } = await withUnpublishedEntry();
    f.storage.table.faults.fail('outbox.publish', new Error('table down'));

    // Act
    await publishEntries(f.deps, id);

    // Assess
    expect(f.storage.table.published(id)).toEqual([]);
    expect(f.storage.table.peek(id)!.internal?.unpublished).toHaveLength(1);
    expect(f.telemetry.messages('warn')).toEqual(['ledger entries committed; publishing them is left to the sweep']);
  });

  it('reports a conflicting stored entry as an error and a metric, and replaces nothing', async () => {
    // Prepare
    const { f, id } = await withUnpublishedEntry();
    f.storage.table.faults.fail('outbox.publish', new LedgerConflictError({ incidentId: id, seq: 1 }));

    // Act
    await publishEntries(f.deps, id);

    // Assess
    expect(f.telemetry.messages('error')).toEqual(['ledger entry conflicts with the stored one; left unpublished']);
    expect(f.telemetry.count('LedgerConflicts')).toBe(1);
    expect(f.storage.table.published(id)).toEqual([]);
  });
});
