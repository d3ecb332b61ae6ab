import { join } from 'node:path';
import { main, type CliIo } from '../../../src/cli/main';
import {
  anchorTextOfObjects,
  checkAnchorObjects,
  readAnchors,
  type StoredAnchorObject,
} from '../../../src/cli/anchorCheck';
import { anchorKey } from '../../../src/domain/anchor';
import { GENESIS_HASH, type LedgerEntry, type UnsignedLedgerEntry } from '../../../src/domain/ledger';
import {
  anchorsOver as sealAnchors,
  buildLedger,
  INCIDENTS,
  p256,
  seal,
  toCanonicalJsonl,
} from '../domain/ledgerFixture';
import { useTempFiles } from '../../support/tempFiles';

const signer = p256();
const stranger = p256();

/** The export after `rounds` rounds of the fixture's story (3: an earlier state of the full 4). */
function exportAfter(rounds: number): LedgerEntry[] {
  return buildLedger(signer.privateKey, { rounds, link: { seq: 1, prevHash: GENESIS_HASH } }).entries;
}

/** Anchors as the sweep writes them, one after each export given, chained (signed by `signer` unless told). */
const anchorsOver = (exports: LedgerEntry[][], key = signer.privateKey): LedgerEntry[] => sealAnchors(exports, key);

const tmp = useTempFiles('chainsec-anchors-');
/** Writes `text` to a file in the test directory and returns its path. */
const file = tmp.file;

/** `chainsec verify --ledger L --public-key K --anchors A`, in-process. */
async function verify(ledger: LedgerEntry[], anchors: LedgerEntry[] | string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const anchorText = typeof anchors === 'string' ? anchors : toCanonicalJsonl(anchors);
  const args = ['verify', '--ledger', file('ledger.jsonl', toCanonicalJsonl(ledger))];
  args.push('--public-key', file('key.pem', signer.publicPem), '--anchors', file('anchors.jsonl', anchorText));
  const code = await main(args, io);
  return { code, out, err, last: out.at(-1) ?? '' };
}

describe('CLI: chainsec verify --anchors', () => {
  it('accepts an export holding every entry the anchors name, and says so', async () => {
    // Prepare
    const anchors = anchorsOver([exportAfter(3), exportAfter(4)]);

    // Act
    const result = await verify(exportAfter(4), anchors);

    // Assess
    expect(result.code).toBe(0);
    expect(result.last).toBe('OK 12 entries in 3 chains verified');
    expect(result.out).toContain(
      'anchors: 2 from ' +
        join(tmp.dir, 'anchors.jsonl') +
        ', latest seq 2 at 2026-12-01T10:00:00.000Z; ' +
        'the export holds every entry they name',
    );
  });

  it('fails an older genuine export against newer anchors, naming the incident', async () => {
    // Prepare: the older export verifies on its own; the anchors were written after the full story
    const anchors = anchorsOver([exportAfter(3), exportAfter(4)]);

    // Act
    const result = await verify(exportAfter(3), anchors);

    // Assess
    expect(result.code).toBe(1);
    expect(result.last).toMatch(
      new RegExp(
        `^FAIL line \\d+ incidentId ${INCIDENTS[0]} seq 4: anchor seq 2 of 2026-12-01T10:00:00.000Z names seq 4 ` +
          'but the export ends this chain at seq 3 \\(rolled back to an earlier state\\?\\)',
      ),
    );
  });

  it('fails an export whose entry at an anchored seq is another one', async () => {
    // Prepare: an anchor naming a different (genuinely signed) entry at seq 2 of the first chain
    const full = exportAfter(4);
    const anchor = anchorsOver([full])[0]!;
    const heads = { ...(anchor.heads as Record<string, unknown>), [INCIDENTS[0]]: { seq: 2, hash: 'f'.repeat(64) } };
    const forged = seal({ ...anchor, heads } as unknown as UnsignedLedgerEntry, signer.privateKey);

    // Act
    const result = await verify(full, [forged]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.last).toMatch(new RegExp(`^FAIL line \\d+ incidentId ${INCIDENTS[0]} seq 2: .*hash differs`));
  });

  it.each([
    ['an anchor signed by another key', () => toCanonicalJsonl(anchorsOver([exportAfter(4)], stranger.privateKey))],
    ['an anchor altered after signing', () => toCanonicalJsonl([{ ...anchorsOver([exportAfter(4)])[0]!, chains: 9 }])],
    ['a ledger entry instead of an anchor', () => toCanonicalJsonl([exportAfter(4)[0]])],
    ['no anchors at all', () => '\n'],
  ])('exits 2 on %s: untrusted anchors prove nothing', async (_what, anchors) => {
    // Act
    const result = await verify(exportAfter(4), anchors());

    // Assess
    expect(result.code).toBe(2);
    expect(result.err[0]).toMatch(/^error: --anchors .*(not a trusted anchor|has no anchors)/);
  });

  it('fails anchors with one missing between two (a gap), naming the anchors chain', async () => {
    // Prepare: anchors 1, 2, 3 over the story; anchor 2 left out
    const [a1, , a3] = anchorsOver([exportAfter(3), exportAfter(4), exportAfter(4)]);

    // Act
    const result = await verify(exportAfter(4), [a1!, a3!]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.last).toMatch(/^FAIL line 2 incidentId #anchors seq 3: anchor seq 3 follows anchor seq 1: 1 missing/);
  });

  it('fails two anchors with one number (anchors written again after a roll-back)', async () => {
    // Prepare: the genuine chain over the full story, and a second anchor 2 over the earlier state, linking anchor 1
    const [a1, a2] = anchorsOver([exportAfter(3), exportAfter(4)]);
    const again = anchorsOver([exportAfter(3), exportAfter(3)])[1]!;

    // Act
    const result = await verify(exportAfter(4), [a1!, a2!, again]);

    // Assess
    expect(again.prevHash).toBe(a1!.hash);
    expect(result.code).toBe(1);
    expect(result.last).toMatch(/^FAIL line 3 incidentId #anchors seq 2: two anchors numbered 2/);
  });

  it('fails an anchor that does not link the one before it', async () => {
    // Prepare: anchor 2 of another chain (its prevHash is not anchor 1's hash)
    const [a1] = anchorsOver([exportAfter(3)]);
    const other = anchorsOver([exportAfter(4), exportAfter(4)])[1]!;

    // Act
    const result = await verify(exportAfter(4), [a1!, other]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.last).toMatch(/^FAIL line 2 incidentId #anchors seq 2: anchor seq 2 does not link anchor seq 1/);
  });
});

describe('Function: checkAnchorObjects', () => {
  const prefix = 'anchors/';
  const [a1, a2] = anchorsOver([exportAfter(3), exportAfter(4)]) as [LedgerEntry, LedgerEntry];
  const again = anchorsOver([exportAfter(3), exportAfter(3)])[1]!;
  const stored = (key: string, anchor: LedgerEntry, versionId = 'v1'): StoredAnchorObject => ({
    key,
    versionId,
    body: `${toCanonicalJsonl([anchor])}`,
    deleteMarker: false,
  });
  /** The objects' anchors read as the CLI reads them, then checked. */
  const check = (objects: StoredAnchorObject[]) =>
    checkAnchorObjects(
      objects,
      readAnchors(anchorTextOfObjects(objects), [signer.publicPem], 's3://b/anchors/'),
      prefix,
      's3://b/anchors/',
    );

  it('accepts one version per key, each holding the anchor its key names', () => {
    expect(check([stored(anchorKey(prefix, 1), a1), stored(anchorKey(prefix, 2), a2)])).toBeUndefined();
  });

  it('fails a key with two versions: an anchor written over', () => {
    // Act
    const failure = check([
      stored(anchorKey(prefix, 1), a1),
      stored(anchorKey(prefix, 2), a2, 'v1'),
      stored(anchorKey(prefix, 2), again, 'v2'),
    ]);

    // Assess
    expect(failure).toMatchObject({ ok: false, incidentId: '#anchors', seq: 2 });
    expect(failure?.reason).toMatch(
      /anchors\/000000000002\.jsonl version v1 .* one of 2 versions of one key: .*written over/,
    );
  });

  it('fails a key naming another anchor than the one it holds', () => {
    // Act
    const failure = check([stored(anchorKey(prefix, 1), a1), stored(anchorKey(prefix, 3), a2)]);

    // Assess
    expect(failure?.reason).toMatch(/000000000003\.jsonl .* is named for anchor 3 but holds anchor seq 2/);
  });

  it('fails a delete marker and an object not named by an anchor number', () => {
    // Act
    const hidden = check([
      stored(anchorKey(prefix, 1), a1),
      { key: anchorKey(prefix, 2), versionId: 'd1', body: '', deleteMarker: true },
    ]);
    const stray = check([stored(anchorKey(prefix, 1), a1), stored(`${prefix}notes.jsonl`, a2)]);

    // Assess
    expect(hidden?.reason).toMatch(/is a delete marker: an anchor was hidden/);
    expect(stray?.reason).toMatch(/notes\.jsonl .* is not named by an anchor number/);
  });

  it('reads keys written before keys held the number alone (number and hash), checking both', () => {
    // Act
    const legacy = check([stored(`${prefix}000000000001-${a1.hash}.jsonl`, a1)]);
    const wrongHash = check([stored(`${prefix}000000000001-${a2.hash}.jsonl`, a1)]);

    // Assess
    expect(legacy).toBeUndefined();
    expect(wrongHash?.reason).toMatch(/is named for anchor 1 but holds anchor seq 1/);
  });
});
