import { mergeOutbox, splitConflicts } from '../../../src/domain/ledgerMerge';
import { buildLedger, INCIDENTS, p256, seal } from './ledgerFixture';

const key = p256();
const { entries } = buildLedger(key.privateKey, { checkpoint: false });

describe('Function: mergeOutbox', () => {
  it('adds the outbox entries the table lacks and groups the chains in seq order', () => {
    // Prepare: the last entry of each chain still unpublished, one of them published too
    const heads = INCIDENTS.map((id) => entries.filter((e) => e.incidentId === id).at(-1)!);
    const table = entries.filter((e) => !heads.includes(e) || e === heads[0]);

    // Act
    const merged = mergeOutbox(table, heads);

    // Assess
    expect(merged).toHaveLength(entries.length);
    expect(merged.map((e) => `${e.incidentId}:${e.seq}`)).toEqual(
      [...entries]
        .sort((a, b) => a.incidentId.localeCompare(b.incidentId) || a.seq - b.seq)
        .map((e) => `${e.incidentId}:${e.seq}`),
    );
  });

  it('keeps an outbox entry that differs from the table one right after it, and splitConflicts names both', () => {
    // Prepare
    const atTable = entries.find((e) => e.incidentId === INCIDENTS[2] && e.seq === 2)!;
    const other = seal({ ...atTable, actor: 'U0VIEWER' }, key.privateKey);

    // Act
    const merged = mergeOutbox(entries, [other]);
    const { chains, conflicts } = splitConflicts(merged);

    // Assess
    const i = merged.indexOf(atTable);
    expect(merged[i + 1]).toBe(other);
    expect(chains).toHaveLength(entries.length);
    expect(conflicts).toEqual([{ incidentId: INCIDENTS[2], seq: 2, ledgerTable: atTable.hash, outbox: other.hash }]);
  });
});
