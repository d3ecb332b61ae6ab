import canonicalize from 'canonicalize';
import {
  buildLedgerExport,
  exportLedger,
  LAST_CHECKPOINT_DOC,
  type LastCheckpoint,
} from '../../../src/app/exportLedger';
import type { AppDeps } from '../../../src/app/deps';
import { checkSuccession } from '../../../src/cli/checkpointSuccession';
import { verifyLedgerExport } from '../../../src/cli/verifyLedgerFile';
import { fixedClock } from '../../../src/domain/clock';
import { GENESIS_HASH, type LedgerEntry } from '../../../src/domain/ledger';
import { mergeOutbox } from '../../../src/domain/ledgerMerge';
import type { Ledger } from '../../../src/services/Ledger';
import type { SideDocuments, VersionedDoc } from '../../../src/services/SideDocuments';
import { buildLedger, digestSigner, INCIDENTS, p256, seal } from '../domain/ledgerFixture';

const key = p256();

const signer = digestSigner(key);

/** Side documents with their conditional put, and a fixed ledger; `raceReads` readers wait for each other. */
class DocStore {
  public readonly docs = new Map<string, VersionedDoc<unknown>>();
  public puts = 0;
  private waiting: Array<() => void> = [];

  public constructor(
    private readonly entries: LedgerEntry[],
    private raceReads = 0,
    /** Entries still in the incidents' outboxes. */
    private readonly outbox: LedgerEntry[] = [],
  ) {}

  public asSideDocs(): SideDocuments {
    return {
      get: async <T>(k: string) => {
        // What was put under `k` is a T to whoever reads it as one.
        const doc = this.docs.get(k) as VersionedDoc<T> | undefined;
        if (this.raceReads > 0) {
          // Every racing reader reads before any of them writes.
          this.raceReads--;
          await new Promise<void>((resolve) => {
            this.waiting.push(resolve);
            if (this.raceReads === 0) for (const w of this.waiting) w();
          });
        }
        return doc && { ...doc };
      },
      put: async <T>(k: string, value: T, expectedVersion: number) => {
        this.puts++;
        if ((this.docs.get(k)?.version ?? 0) !== expectedVersion) return false;
        this.docs.set(k, { value, version: expectedVersion + 1 });
        return true;
      },
      listOpen: async () => [],
    };
  }

  public asLedger(): Ledger {
    const of = (id: string | undefined) => (e: LedgerEntry) => id === undefined || e.incidentId === id;
    // As DynamoDbLedger merges the ledger table with the outboxes.
    const all = async (scope: { incidentId?: string } = {}) =>
      mergeOutbox(this.entries.filter(of(scope.incidentId)), this.outbox.filter(of(scope.incidentId)));
    return { all, chain: async (id) => all({ incidentId: id }) };
  }
}

function deps(store: DocStore): Pick<AppDeps, 'sideDocs' | 'ledger' | 'signer' | 'clock'> {
  return { sideDocs: store.asSideDocs(), ledger: store.asLedger(), signer, clock: fixedClock('2026-11-23T10:00:00Z') };
}

/** The checkpoint of an export (its last line). */
function checkpointOf(jsonl: string): LedgerEntry {
  return JSON.parse(jsonl.trimEnd().split('\n').at(-1)!) as LedgerEntry;
}

describe('Function: exportLedger', () => {
  const entries = buildLedger(key.privateKey, { checkpoint: false }).entries;

  it('numbers each checkpoint after the last one issued and names its hash', async () => {
    // Prepare
    const store = new DocStore(entries);

    // Act
    const first = await exportLedger(deps(store));
    const second = await exportLedger(deps(store));

    // Assess
    const [a, b] = [checkpointOf(first), checkpointOf(second)];
    expect(a).toMatchObject({
      type: 'ledger_checkpoint',
      incidentId: '*',
      seq: 1,
      prevHash: GENESIS_HASH,
      linked: true,
    });
    expect(b).toMatchObject({ seq: 2, prevHash: a.hash, linked: true });
    expect(store.docs.get(LAST_CHECKPOINT_DOC)).toEqual({
      value: { seq: 2, hash: b.hash, at: b.at } satisfies LastCheckpoint,
      version: 2,
    });
  });

  it('writes each line as the canonical JSON of its entry, and the later export verifies as following the earlier', async () => {
    // Prepare
    const store = new DocStore(entries);
    const earlier = verifyLedgerExport(await exportLedger(deps(store)), [key.publicPem]);

    // Act
    const text = await exportLedger(deps(store));
    const later = verifyLedgerExport(text, [key.publicPem]);

    // Assess
    const lines = text.trimEnd().split('\n');
    expect(lines.every((l) => l === canonicalize(JSON.parse(l)))).toBe(true);
    expect(later.report).toMatchObject({ ok: true, entries: entries.length + 1, checkpoint: true });
    const { checkpoint } = earlier.ledger!;
    const result = checkSuccession(later.ledger!, { checkpoint: checkpoint!.facts, entries: undefined });
    expect(result.ok).toBe(true);
  });

  it('gives two concurrent exports two numbers: the loser signs again after the winner', async () => {
    // Prepare
    const store = new DocStore(entries, 2);

    // Act
    const both = await Promise.all([exportLedger(deps(store)), exportLedger(deps(store))]);

    // Assess
    const [a, b] = both.map(checkpointOf).sort((x, y) => x.seq - y.seq);
    expect([a!.seq, b!.seq]).toEqual([1, 2]);
    expect(b!.prevHash).toBe(a!.hash);
    expect(store.puts).toBe(3);
  });

  it('gives up with a coded error when other exports keep taking the number first', async () => {
    // Prepare: every conditional put loses
    const store = new DocStore(entries);
    const d = deps(store);
    d.sideDocs.put = async () => false;

    // Act / Assess
    await expect(exportLedger(d)).rejects.toMatchObject({ code: 'chainsec_concurrent_update' });
  });
  it('exports one incident with --incident: a partial checkpoint naming only that chain, which verifies', async () => {
    // Prepare
    const store = new DocStore(entries);

    // Act
    const built = await buildLedgerExport(deps(store), { incidentId: INCIDENTS[1] });

    // Assess
    const text = `${built.lines.join('\n')}\n`;
    const checkpoint = checkpointOf(text);
    expect(checkpoint).toMatchObject({ partial: { incidentId: INCIDENTS[1] }, chains: 1, entries: 4 });
    expect(Object.keys(checkpoint.heads as object)).toEqual([INCIDENTS[1]]);
    const verified = verifyLedgerExport(text, [key.publicPem]);
    expect(verified.report).toMatchObject({ ok: true, entries: 5, chains: 1 });
    expect(verified.ledger!.checkpoint!.facts.partial).toEqual({ incidentId: INCIDENTS[1] });
  });

  it('exports --since whole chains with an entry at or after that time, and leaves the others out', async () => {
    // Prepare: the fixture's entries are one second apart from 12:00:00; INC-CCCCCCCCCC ends at 12:00:08
    const store = new DocStore(entries);

    // Act
    const built = await buildLedgerExport(deps(store), { since: '2025-03-01T12:00:09Z' });

    // Assess
    const exported = built.lines.slice(0, -1).map((l) => JSON.parse(l) as LedgerEntry);
    expect([...new Set(exported.map((e) => e.incidentId))]).toEqual([INCIDENTS[0], INCIDENTS[1]]);
    expect(exported.filter((e) => e.incidentId === INCIDENTS[0]).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    const verified = verifyLedgerExport(`${built.lines.join('\n')}\n`, [key.publicPem]);
    expect(verified.report).toMatchObject({ ok: true, chains: 2 });
    expect(verified.ledger!.checkpoint!.facts.partial).toEqual({ since: '2025-03-01T12:00:09Z' });
  });

  it('exports both entries of a place the table and an outbox disagree on, naming both; verify fails', async () => {
    // Prepare: the outbox holds another seq 2 of INC-AAAAAAAAAA than the table
    const tableEntry = entries.find((e) => e.incidentId === INCIDENTS[0] && e.seq === 2)!;
    const forked = seal({ ...tableEntry, actor: 'U0APPROVER3' }, key.privateKey);
    const store = new DocStore(entries, 0, [forked, tableEntry]);

    // Act
    const built = await buildLedgerExport(deps(store));

    // Assess
    const conflict = { incidentId: INCIDENTS[0], seq: 2, ledgerTable: tableEntry.hash, outbox: forked.hash };
    expect(built.conflicts).toEqual([conflict]);
    const text = `${built.lines.join('\n')}\n`;
    expect(checkpointOf(text).conflicts).toEqual(built.conflicts);
    expect(checkpointOf(text).heads).toMatchObject({ [INCIDENTS[0]]: { seq: 4 } });
    const { report } = verifyLedgerExport(text, [key.publicPem]);
    expect(report).toMatchObject({ ok: false, line: 3, incidentId: INCIDENTS[0], seq: 2 });
    const reason = (report as { reason: string }).reason;
    expect(reason).toContain(`line 2 (hash ${tableEntry.hash.slice(0, 12)}`);
    expect(reason).toContain(`line 3 (hash ${forked.hash.slice(0, 12)}`);
  });
});
