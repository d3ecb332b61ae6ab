import { spawnSync } from 'node:child_process';
import canonicalize from 'canonicalize';
import { generateKeyPairSync } from 'node:crypto';
import { join, resolve } from 'node:path';
import { main, type CliIo } from '../../../src/cli/main';
import { verdictLine, verifyLedgerText, UnusableInputError } from '../../../src/cli/verifyLedgerFile';
import { entryHash, GENESIS_HASH, type LedgerEntry } from '../../../src/domain/ledger';
import {
  buildLedger,
  checkpointOver,
  INCIDENTS,
  p256,
  seal,
  toCanonicalJsonl,
  toJsonl,
  type CheckpointLink,
} from '../domain/ledgerFixture';
import { useTempFiles } from '../../support/tempFiles';

const ROOT = resolve(__dirname, '../../..');
const signer = p256();
const rotated = p256();
const stranger = p256();

/** A fresh intact ledger (3 interleaved chains + checkpoint) and where each chain's entries are. */
function ledger(): { entries: LedgerEntry[]; positions: Record<string, number[]> } {
  return buildLedger(signer.privateKey);
}

/** Runs `main` in-process and captures what it prints. */
async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[]; last: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await main(argv, io);
  return { code, out, err, last: out.at(-1) ?? '' };
}

const tmp = useTempFiles('chainsec-verify-');
/** Writes `text` to a file in the test directory and returns its path. */
const file = tmp.file;

describe('Function: verifyLedgerText', () => {
  it('accepts an intact ledger', () => {
    // Prepare
    const { entries } = ledger();

    // Act
    const report = verifyLedgerText(toJsonl(entries), [signer.publicPem]);

    // Assess
    expect(report).toEqual({ ok: true, entries: 12, chains: 3, checkpoint: true, entriesPerKey: [12] });
    expect(verdictLine(report)).toBe('OK 12 entries in 3 chains verified');
  });

  it('skips blank lines and counts lines in the file for messages', () => {
    // Prepare
    const { entries } = ledger();
    const text = '\n' + entries.map((e) => JSON.stringify(e)).join('\n\n') + '\n\n';
    const tampered = text.replace('"actor":"U0APPROVER3"', '"actor":"U0MALLORY"');

    // Act
    const ok = verifyLedgerText(text, [signer.publicPem]);
    const bad = verifyLedgerText(tampered, [signer.publicPem]);

    // Assess
    expect(ok.ok).toBe(true);
    // U0APPROVER3's vote is entry index 7, written on line 2 + 7 * 2 = 16.
    expect(bad).toMatchObject({ ok: false, line: 16, incidentId: INCIDENTS[1], seq: 3 });
  });

  it('names the entry in which one byte of one field changed', () => {
    // Prepare: "approve" -> "approvf" in the text of INC-A's decision entry
    const { entries, positions } = ledger();
    const i = positions[INCIDENTS[0]]![3]!;
    const rows = entries.map((e) => JSON.stringify(e));
    rows[i] = rows[i]!.replace('"decision":"approve"', '"decision":"approvf"');

    // Act
    const report = verifyLedgerText(rows.join('\n'), [signer.publicPem]);

    // Assess
    expect(rows[i]).toContain('approvf');
    expect(report).toEqual({
      ok: false,
      line: i + 1,
      incidentId: INCIDENTS[0],
      seq: 4,
      reason: 'hash does not match the entry content',
    });
    expect(verdictLine(report)).toBe(
      `FAIL line ${i + 1} incidentId ${INCIDENTS[0]} seq 4: hash does not match the entry content`,
    );
  });

  it('fails on a removed middle entry', () => {
    // Prepare
    const { entries, positions } = ledger();
    const removed = positions[INCIDENTS[1]]![1]!;
    entries.splice(removed, 1);

    // Act
    const report = verifyLedgerText(toJsonl(entries), [signer.publicPem]);

    // Assess: the next entry of that chain is the first bad one
    expect(report).toMatchObject({ ok: false, line: positions[INCIDENTS[1]]![2]!, incidentId: INCIDENTS[1], seq: 3 });
  });

  it('fails on the last entry of one chain removed, through the checkpoint', () => {
    // Prepare
    const { entries, positions } = ledger();
    entries.splice(positions[INCIDENTS[0]]!.at(-1)!, 1);

    // Act
    const report = verifyLedgerText(toJsonl(entries), [signer.publicPem]);

    // Assess
    expect(report).toMatchObject({ ok: false, line: entries.length, incidentId: INCIDENTS[0], seq: 3 });
    expect(!report.ok && report.reason).toContain('checkpoint');
  });

  it('fails a ledger whose checkpoint line was removed', () => {
    // Prepare
    const { entries } = buildLedger(signer.privateKey, { checkpoint: false });

    // Act
    const report = verifyLedgerText(toJsonl(entries), [signer.publicPem]);

    // Assess
    expect(report).toMatchObject({ ok: false, incidentId: '*' });
    expect(!report.ok && report.reason).toContain('no ledger_checkpoint');
  });

  it('accepts a partial export without a checkpoint only when asked to', () => {
    // Prepare
    const { entries } = buildLedger(signer.privateKey, { checkpoint: false });

    // Act
    const report = verifyLedgerText(toJsonl(entries), [signer.publicPem], { requireCheckpoint: false });

    // Assess
    expect(report).toMatchObject({ ok: true, checkpoint: false });
  });

  it('fails on two entries of a chain swapped', () => {
    // Prepare
    const { entries, positions } = ledger();
    const [a, b] = [positions[INCIDENTS[2]]![0]!, positions[INCIDENTS[2]]![1]!];
    [entries[a], entries[b]] = [entries[b]!, entries[a]!];

    // Act
    const report = verifyLedgerText(toJsonl(entries), [signer.publicPem]);

    // Assess
    expect(report).toMatchObject({ ok: false, line: a + 1, incidentId: INCIDENTS[2], seq: 2 });
  });

  it('fails on an entry changed and re-signed with another key', () => {
    // Prepare
    const { entries, positions } = ledger();
    const i = positions[INCIDENTS[0]]![1]!;
    entries[i] = seal({ ...entries[i]!, actor: 'U0MALLORY' }, stranger.privateKey);

    // Act
    const report = verifyLedgerText(toJsonl(entries), [signer.publicPem]);

    // Assess
    expect(report).toEqual({
      ok: false,
      line: i + 1,
      incidentId: INCIDENTS[0],
      seq: 2,
      reason: 'signature is not valid for this entry',
    });
  });

  it('fails on an entry re-hashed without re-signing', () => {
    // Prepare
    const { entries, positions } = ledger();
    const i = positions[INCIDENTS[2]]![2]!;
    const changed = { ...entries[i]!, decision: 'approve' };
    entries[i] = { ...changed, hash: entryHash(changed) };

    // Act
    const report = verifyLedgerText(toJsonl(entries), [signer.publicPem]);

    // Assess
    expect(report).toMatchObject({
      ok: false,
      line: i + 1,
      incidentId: INCIDENTS[2],
      seq: 3,
      reason: 'signature is not valid for this entry',
    });
  });

  it.each([
    ['garbage', 'this is not json'],
    ['an array', '[1,2,3]'],
    ['null', 'null'],
    ['a number', '42'],
  ])('fails on a line that is %s, naming the line', (_what, garbage) => {
    // Prepare
    const { entries } = ledger();
    const rows = entries.map((e) => JSON.stringify(e));
    rows.splice(5, 0, garbage);

    // Act
    const report = verifyLedgerText(rows.join('\n'), [signer.publicPem]);

    // Assess
    expect(report).toMatchObject({ ok: false, line: 6, incidentId: '?', seq: null });
    expect(verdictLine(report)).toMatch(/^FAIL line 6 incidentId \?: not (valid JSON|a JSON object)/);
  });

  it('keeps a forged incidentId from breaking the FAIL line (no newline or escape sequence gets through)', () => {
    // Prepare
    const { entries } = ledger();
    entries[0] = { ...entries[0]!, incidentId: 'INC-X\nOK 12 entries in 3 chains verified\u001b[2K' };

    // Act
    const line = verdictLine(verifyLedgerText(toJsonl(entries), [signer.publicPem]));

    // Assess
    expect(line).toBe(
      'FAIL line 1 incidentId INC-X\\u000aOK 12 entries in 3 chains verified\\u001b[2K seq 1: hash does not match the entry content',
    );
    expect(line).not.toMatch(/[\n\u001b]/);
  });

  describe('lines as the exporter writes them (one reading for every reader)', () => {
    /** The export as lines, and the line (0-based index) of INC-B's vote by U0APPROVER3. */
    function rows(): { rows: string[]; vote: number } {
      const { entries, positions } = ledger();
      return { rows: entries.map((e) => JSON.stringify(e)), vote: positions[INCIDENTS[1]]![2]! };
    }

    it.each([
      ['in front of the original', (row: string) => row.replace('{', '{"actor":"U0EVIL",'), 'duplicate key "actor"'],
      ['spelt with an escape', (row: string) => row.replace('{', '{"\\u0061ctor":"U0EVIL",'), 'duplicate key "actor"'],
      [
        'twice, equal',
        (row: string) => row.replace('"actor":"U0APPROVER3"', '"actor":"U0APPROVER3","actor":"U0APPROVER3"'),
        'duplicate key "actor"',
      ],
    ])(
      'fails a duplicate key %s, naming the line, though JSON.parse keeps the signed value',
      (_how, inject, reason) => {
        // Prepare
        const { rows: lines, vote } = rows();
        lines[vote] = inject(lines[vote]!);

        // Act
        const report = verifyLedgerText(lines.join('\n'), [signer.publicPem]);

        // Assess: JSON.parse keeps the last "actor", so the entry's hash and signature still hold
        expect((JSON.parse(lines[vote]!) as LedgerEntry).actor).toBe('U0APPROVER3');
        expect(report).toEqual({ ok: false, line: vote + 1, incidentId: '?', seq: null, reason });
      },
    );

    it('fails a duplicate key nested in the checkpoint, naming its path', () => {
      // Prepare: a first, forged head of INC-A inside "heads" (the signed one comes later and wins in JSON.parse)
      const { rows: lines } = rows();
      const last = lines.length - 1;
      lines[last] = lines[last]!.replace(
        '"heads":{',
        `"heads":{"${INCIDENTS[0]}":{"seq":1,"hash":"${'f'.repeat(64)}"},`,
      );

      // Act
      const report = verifyLedgerText(lines.join('\n'), [signer.publicPem]);

      // Assess
      expect(report).toEqual({
        ok: false,
        line: last + 1,
        incidentId: '?',
        seq: null,
        reason: `duplicate key "heads"."${INCIDENTS[0]}"`,
      });
    });

    it('fails a signed entry holding a __proto__ key (JavaScript readers disagree on it)', () => {
      // Prepare: JSON.parse makes "__proto__" an own key, so the signer covered it; Object.assign would not copy it
      const { entries } = ledger();
      const own = JSON.parse('{"__proto__":{"decision":"approve"}}') as object;
      entries[1] = seal({ ...entries[1]!, ...own }, signer.privateKey);

      // Act
      const report = verifyLedgerText(toJsonl(entries), [signer.publicPem]);

      // Assess
      expect(report).toMatchObject({
        ok: false,
        line: 2,
        reason: 'key "__proto__" (JavaScript readers disagree on what it means)',
      });
    });

    it.each([
      ['a space after a colon', (row: string) => row.replace('":', '": '), 'is not the compact JSON rendering'],
      ['trailing spaces', (row: string) => `${row}  `, 'is not the compact JSON rendering'],
      ['a leading tab', (row: string) => `\t${row}`, 'is not the compact JSON rendering'],
      [
        'an escaped character',
        (row: string) => row.replace('U0APPROVER3', 'U0APPROVER\\u0033'),
        'is not the compact JSON rendering',
      ],
      [
        'another number form',
        (row: string) => row.replace('"seq":3', '"seq":3.0'),
        'is not the compact JSON rendering',
      ],
      ['a CR (CRLF line ending)', (row: string) => `${row}\r`, 'ends with a carriage return'],
    ])('fails a line with %s, though it means the same', (_what, change, reason) => {
      // Prepare
      const { rows: lines, vote } = rows();
      const original = lines[vote]!;
      lines[vote] = change(original);

      // Act
      const report = verifyLedgerText(lines.join('\n'), [signer.publicPem]);

      // Assess
      expect(lines[vote]).not.toBe(original);
      expect(JSON.parse(lines[vote]!)).toEqual(JSON.parse(original));
      expect(report).toMatchObject({ ok: false, line: vote + 1, incidentId: INCIDENTS[1], seq: 3 });
      expect(!report.ok && report.reason).toContain(reason);
    });

    it('fails an export written with CRLF line endings on its first line', () => {
      // Act
      const report = verifyLedgerText(toJsonl(ledger().entries).replace(/\n/g, '\r\n'), [signer.publicPem]);

      // Assess
      expect(report).toMatchObject({ ok: false, line: 1, reason: expect.stringContaining('carriage return') });
    });

    it('fails an export that starts with a byte order mark', () => {
      // Act
      const report = verifyLedgerText(`\uFEFF${toJsonl(ledger().entries)}`, [signer.publicPem]);

      // Assess
      expect(report).toMatchObject({ ok: false, line: 1, reason: expect.stringContaining('byte order mark') });
    });

    it.each([
      ['text', (row: string) => `${row} garbage`],
      ['a second object', (row: string) => `${row}{}`],
      ['a NUL byte', (row: string) => `${row}\u0000`],
    ])('fails trailing %s after an entry (caught before too: not JSON)', (_what, change) => {
      // Prepare
      const { rows: lines, vote } = rows();
      lines[vote] = change(lines[vote]!);

      // Act
      const report = verifyLedgerText(lines.join('\n'), [signer.publicPem]);

      // Assess
      expect(report).toMatchObject({ ok: false, line: vote + 1, reason: expect.stringMatching(/^not valid JSON/) });
    });

    it('fails bytes that are not UTF-8 where the decoder would have read U+FFFD', () => {
      // Prepare: an entry holding U+FFFD (EF BF BD), then that character replaced by a lone 0xFF byte
      const { entries, positions } = ledger();
      const i = positions[INCIDENTS[2]]!.at(-1)!;
      entries[i] = seal({ ...entries[i]!, note: 'odd \uFFFD char' }, signer.privateKey);
      entries[entries.length - 1] = checkpointOver(entries.slice(0, -1), signer.privateKey);
      const text = Buffer.from(toJsonl(entries), 'utf8');
      const at = text.indexOf(Buffer.from('\uFFFD', 'utf8'));
      const bytes = Buffer.concat([text.subarray(0, at), Buffer.from([0xff]), text.subarray(at + 3)]);

      // Act
      const asText = verifyLedgerText(bytes.toString('utf8'), [signer.publicPem]);
      const asBytes = verifyLedgerText(bytes, [signer.publicPem]);

      // Assess: decoded leniently the line is intact; read as the bytes it is, it is not
      expect(asText.ok).toBe(true);
      expect(asBytes).toEqual({ ok: false, line: i + 1, incidentId: '?', seq: null, reason: 'not valid UTF-8' });
    });

    it('requires canonical JSON (RFC 8785, sorted keys) once the checkpoint is linked', () => {
      // Prepare
      const { entries } = buildLedger(signer.privateKey, { link: { seq: 1, prevHash: GENESIS_HASH } });

      // Act
      const canonical = verifyLedgerText(toCanonicalJsonl(entries), [signer.publicPem]);
      const stringified = verifyLedgerText(toJsonl(entries), [signer.publicPem]);

      // Assess
      expect(canonical.ok).toBe(true);
      expect(stringified).toMatchObject({
        ok: false,
        line: 1,
        reason: expect.stringContaining('is not the RFC 8785 canonical JSON'),
      });
    });

    it('still accepts an export written before lines were canonical (JSON.stringify, unlinked checkpoint)', () => {
      // Act
      const report = verifyLedgerText(toJsonl(ledger().entries), [signer.publicPem]);

      // Assess
      expect(report.ok).toBe(true);
    });
  });

  describe('key rotation', () => {
    /** The first half signed with the old key, the rest (and the checkpoint) with the new one. */
    function rotatedLedger(): LedgerEntry[] {
      const { entries } = ledger();
      return entries.map((e, i) => (i < 7 ? e : seal(e, rotated.privateKey)));
    }

    it('accepts entries signed by any of the given keys, and counts what each verified', () => {
      // Act
      const report = verifyLedgerText(toJsonl(rotatedLedger()), [signer.publicPem, rotated.publicPem]);

      // Assess
      expect(report).toEqual({ ok: true, entries: 12, chains: 3, checkpoint: true, entriesPerKey: [7, 5] });
    });

    it('fails when the key of some entries is not given', () => {
      // Act
      const report = verifyLedgerText(toJsonl(rotatedLedger()), [signer.publicPem]);

      // Assess
      expect(report).toMatchObject({ ok: false, line: 8, reason: 'signature is not valid for this entry' });
    });

    it('names how many keys were tried when none verifies', () => {
      // Prepare
      const { entries } = ledger();
      entries[3] = seal({ ...entries[3]!, actor: 'U0MALLORY' }, stranger.privateKey);

      // Act
      const report = verifyLedgerText(toJsonl(entries), [signer.publicPem, rotated.publicPem]);

      // Assess
      expect(report).toMatchObject({
        ok: false,
        line: 4,
        reason: 'signature is not valid for any of the 2 public keys',
      });
    });
  });

  describe('unusable input', () => {
    it.each([
      ['an empty ledger', '', [signer.publicPem], 'the ledger has no entries'],
      ['a ledger of blank lines', '\n  \n\r\n', [signer.publicPem], 'the ledger has no entries'],
      ['no key', '{}', [], 'no public key given'],
      ['a key that is not PEM', '{}', ['hello'], 'public key 1 is not a PEM public key'],
    ])('throws UnusableInputError on %s', (_what, text, pems, message) => {
      // Act / Assess
      expect(() => verifyLedgerText(text, pems)).toThrow(UnusableInputError);
      expect(() => verifyLedgerText(text, pems)).toThrow(message);
    });

    it('refuses a key that is not an EC key', () => {
      // Prepare
      const ed25519 = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();

      // Act / Assess
      expect(() => verifyLedgerText('{}', [ed25519])).toThrow('public key 1 is a ed25519 key, not an EC (P-256) key');
    });
  });
});

describe('Function: main', () => {
  it('prints OK as its last line and returns 0 for an intact ledger', async () => {
    // Prepare
    const ledgerFile = file('intact.jsonl', toJsonl(ledger().entries));
    const keyFile = file('key.pem', signer.publicPem);

    // Act
    const result = await run(['verify', '--ledger', ledgerFile, '--public-key', keyFile]);

    // Assess
    expect(result.code).toBe(0);
    expect(result.last).toBe('OK 12 entries in 3 chains verified');
    expect(result.out.join('\n')).toContain('checkpoint: present');
    expect(result.err).toEqual([]);
  });

  it('prints FAIL as its last line and returns 1 for a tampered ledger', async () => {
    // Prepare
    const { entries } = ledger();
    entries[2] = { ...entries[2]!, at: '2025-03-01T12:00:03.000Z' };
    const ledgerFile = file('tampered.jsonl', toJsonl(entries));
    const keyFile = file('key.pem', signer.publicPem);

    // Act
    const result = await run(['verify', '--ledger', ledgerFile, '--public-key', keyFile]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.last).toBe(`FAIL line 3 incidentId ${INCIDENTS[2]} seq 1: hash does not match the entry content`);
  });

  it('prints FAIL naming the line of a duplicate key, and of bytes that are not UTF-8, as read from the file', async () => {
    // Prepare
    const { entries, positions } = ledger();
    const rows = entries.map((e) => JSON.stringify(e));
    const vote = positions[INCIDENTS[0]]![1]!;
    rows[vote] = rows[vote]!.replace('{', '{"actor":"U0EVIL",');
    const duplicate = file('duplicate.jsonl', rows.join('\n') + '\n');
    const last = positions[INCIDENTS[2]]!.at(-1)!;
    entries[last] = seal({ ...entries[last]!, note: '\uFFFD' }, signer.privateKey);
    entries[entries.length - 1] = checkpointOver(entries.slice(0, -1), signer.privateKey);
    const text = Buffer.from(toJsonl(entries));
    const at = text.indexOf(Buffer.from('\uFFFD'));
    const notUtf8 = file(
      'not-utf8.jsonl',
      Buffer.concat([text.subarray(0, at), Buffer.from([0xc3]), text.subarray(at + 3)]),
    );
    const keyFile = file('key.pem', signer.publicPem);

    // Act
    const dup = await run(['verify', '--ledger', duplicate, '--public-key', keyFile]);
    const bytes = await run(['verify', '--ledger', notUtf8, '--public-key', keyFile]);

    // Assess
    expect(dup.code).toBe(1);
    expect(dup.last).toBe(`FAIL line ${vote + 1} incidentId ?: duplicate key "actor"`);
    expect(bytes.code).toBe(1);
    expect(bytes.last).toBe(`FAIL line ${last + 1} incidentId ?: not valid UTF-8`);
  });

  it('fails a ledger without a checkpoint, and warns when --allow-no-checkpoint accepts it', async () => {
    // Prepare
    const ledgerFile = file(
      'nocheckpoint.jsonl',
      toJsonl(buildLedger(signer.privateKey, { checkpoint: false }).entries),
    );
    const keyFile = file('key.pem', signer.publicPem);

    // Act
    const strict = await run(['verify', '--ledger', ledgerFile, '--public-key', keyFile]);
    const result = await run(['verify', '--ledger', ledgerFile, '--public-key', keyFile, '--allow-no-checkpoint']);

    // Assess
    expect(strict.code).toBe(1);
    expect(strict.out[strict.out.length - 1]).toMatch(/^FAIL .*no ledger_checkpoint/);
    expect(result.code).toBe(0);
    expect(result.out).toContain('checkpoint: absent; entries removed from the end of a chain cannot be detected');
  });

  it('accepts --public-key more than once', async () => {
    // Prepare
    const ledgerFile = file('intact2.jsonl', toJsonl(ledger().entries));
    const keys = [file('old.pem', rotated.publicPem), file('new.pem', signer.publicPem)];

    // Act
    const result = await run(['verify', '--ledger', ledgerFile, '--public-key', keys[0]!, '--public-key', keys[1]!]);

    // Assess
    expect(result.code).toBe(0);
    expect(result.out.filter((l) => l.startsWith('public key '))).toHaveLength(2);
  });

  it.each([
    ['no arguments', [], 'error: missing command'],
    ['an unknown command', ['check'], 'error: unknown command check'],
    [
      'an unknown option',
      ['verify', '--ledger', 'x', '--public-key', 'y', '--fast'],
      /^error: Unknown option '--fast'/,
    ],
    ['no --ledger', ['verify', '--public-key', 'k.pem'], 'error: missing --ledger FILE'],
    ['no --public-key', ['verify', '--ledger', 'l.jsonl'], 'error: missing --public-key PEM'],
    ['a stray argument', ['verify', 'extra', '--ledger', 'l', '--public-key', 'k'], 'error: unexpected argument extra'],
  ])('returns 2 with an error line on %s', async (_what, argv, message) => {
    // Act
    const result = await run(argv);

    // Assess
    expect(result.code).toBe(2);
    expect(result.err[0]).toMatch(message);
    expect(result.out).toEqual([]);
  });

  it('returns 2 on a missing ledger file, an unreadable or bad PEM, and an empty ledger', async () => {
    // Prepare
    const keyFile = file('key.pem', signer.publicPem);
    const badKey = file('bad.pem', '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n');
    const ledgerFile = file('ok.jsonl', toJsonl(ledger().entries));
    const empty = file('empty.jsonl', '\n');

    // Act
    const missingLedger = await run(['verify', '--ledger', join(tmp.dir, 'missing.jsonl'), '--public-key', keyFile]);
    const missingKey = await run(['verify', '--ledger', ledgerFile, '--public-key', join(tmp.dir, 'missing.pem')]);
    const garbageKey = await run(['verify', '--ledger', ledgerFile, '--public-key', badKey]);
    const emptyLedger = await run(['verify', '--ledger', empty, '--public-key', keyFile]);

    // Assess
    expect([missingLedger.code, missingKey.code, garbageKey.code, emptyLedger.code]).toEqual([2, 2, 2, 2]);
    expect(missingLedger.err[0]).toMatch(/^error: cannot read ledger .*missing\.jsonl: ENOENT/);
    expect(missingKey.err[0]).toMatch(/^error: cannot read public key .*missing\.pem: ENOENT/);
    expect(garbageKey.err[0]).toMatch(/^error: public key .*bad\.pem is not a PEM public key/);
    expect(emptyLedger.err[0]).toBe(`error: ledger ${empty} has no entries`);
  });

  it('prints the usage and returns 0 on --help', async () => {
    // Act
    const top = await run(['--help']);
    const sub = await run(['verify', '--help']);

    // Assess
    expect(top.code).toBe(0);
    expect(sub.code).toBe(0);
    expect(sub.out[0]).toMatch(/^Usage: chainsec verify --ledger FILE --public-key PEM/);
  });
});

describe('Option: --since-checkpoint', () => {
  /** An earlier export (3 rounds of each story, checkpoint seq 1) and the entries that came after it. */
  function older(): LedgerEntry[] {
    return buildLedger(signer.privateKey, { rounds: 3, link: { seq: 1, prevHash: GENESIS_HASH } }).entries;
  }

  /** The full story with a checkpoint at `link` (by default the one after {@link older}'s). */
  function newer(link: CheckpointLink = { seq: 2, prevHash: older().at(-1)!.hash }, rounds = 4): LedgerEntry[] {
    return buildLedger(signer.privateKey, { rounds, link }).entries;
  }

  /** Runs `verify --ledger NEW --since-checkpoint OLD` on files holding them. */
  async function since(next: LedgerEntry[] | string, earlier: LedgerEntry[] | string) {
    const text = (x: LedgerEntry[] | string): string => (typeof x === 'string' ? x : toCanonicalJsonl(x));
    const names = { next: file('since-new.jsonl', text(next)), earlier: file('since-old.jsonl', text(earlier)) };
    return await run([
      'verify',
      '--ledger',
      names.next,
      '--public-key',
      file('key.pem', signer.publicPem),
      '--since-checkpoint',
      names.earlier,
    ]);
  }

  it('accepts a later export that holds every entry of the earlier one, and says how they link', async () => {
    // Act
    const result = await since(newer(), older());

    // Assess
    expect(result.code).toBe(0);
    expect(result.last).toBe('OK 12 entries in 3 chains verified');
    expect(result.out).toContain(
      'since checkpoint: seq 2 follows the earlier checkpoint seq 1 directly (it names its hash)',
    );
    expect(result.out).toContain(
      "since checkpoint: every one of the earlier export's 9 entries in 3 chains is here, unchanged",
    );
  });

  it('fails the earlier export checked against the later one: a whole ledger rolled back', async () => {
    // Act
    const result = await since(older(), newer());

    // Assess
    expect(result.code).toBe(1);
    expect(result.last).toBe(
      "FAIL line 10 incidentId * seq 1: checkpoint seq 1 comes before the earlier checkpoint's seq 2: this export is the older one (a rollback?)",
    );
  });

  it('fails the same export given twice: it is not a later one', async () => {
    // Prepare
    const same = toCanonicalJsonl(newer());

    // Act
    const result = await since(same, same);

    // Assess
    expect(result.code).toBe(1);
    expect(result.last).toMatch(/^FAIL line 12 incidentId \* seq 2: checkpoint seq 2 is the earlier checkpoint itself/);
  });

  it('fails a checkpoint that has the earlier number with another hash (a fork)', async () => {
    // Act
    const result = await since(newer({ seq: 1, prevHash: GENESIS_HASH }), older());

    // Assess
    expect(result.code).toBe(1);
    expect(result.last).toContain("checkpoint seq 1 has the earlier checkpoint's number but another hash");
  });

  it('fails the next checkpoint when it names another previous checkpoint', async () => {
    // Act
    const result = await since(newer({ seq: 2, prevHash: 'a'.repeat(64) }), older());

    // Assess
    expect(result.code).toBe(1);
    expect(result.last).toMatch(
      /^FAIL line 12 incidentId \* seq 2: checkpoint seq 2 names previous checkpoint aaaaaaaaaaaa…, .*the checkpoints fork$/,
    );
  });

  it('accepts checkpoints further apart, with a note that the link between them is not checkable', async () => {
    // Act
    const result = await since(newer({ seq: 5, prevHash: 'a'.repeat(64) }), older());

    // Assess
    expect(result.code).toBe(0);
    expect(result.out.join('\n')).toContain('seq 5 comes 4 checkpoints after the earlier seq 1');
  });

  it('fails a later-numbered export whose chains are shorter than the earlier ones, naming the first cut chain', async () => {
    // Act
    const result = await since(newer({ seq: 2, prevHash: older().at(-1)!.hash }, 2), older());

    // Assess
    expect(result.code).toBe(1);
    expect(result.last).toBe(
      `FAIL line 4 incidentId ${INCIDENTS[0]} seq 2: chain ends at seq 2, but the earlier state holds it up to seq 3: entries were removed (a rollback?)`,
    );
  });

  it('fails a later export in which an entry the earlier one held is different (re-signed by the key)', async () => {
    // Prepare: INC-C's last entry (line 9 in both) rewritten and signed again, with a checkpoint over the result
    const entries = newer().slice(0, -1);
    entries[8] = seal({ ...entries[8]!, decidedBy: ['U0MALLORY'] }, signer.privateKey);
    entries.push(checkpointOver(entries, signer.privateKey, { seq: 2, prevHash: older().at(-1)!.hash }));

    // Act
    const result = await since(entries, older());

    // Assess
    expect(result.code).toBe(1);
    expect(result.last).toBe(
      `FAIL line 9 incidentId ${INCIDENTS[2]} seq 3: differs from the entry the earlier export holds (line 9) at this place: the chain was rewritten or forked`,
    );
  });

  it('fails a later export in which a whole chain of the earlier one is missing', async () => {
    // Prepare
    const entries = newer()
      .slice(0, -1)
      .filter((e) => e.incidentId !== INCIDENTS[1]);
    entries.push(checkpointOver(entries, signer.privateKey, { seq: 2, prevHash: older().at(-1)!.hash }));

    // Act
    const result = await since(entries, older());

    // Assess
    expect(result.code).toBe(1);
    expect(result.last).toBe(
      `FAIL line ${entries.length} incidentId ${INCIDENTS[1]}: chain is missing, though the earlier state holds it up to seq 3 (a rollback?)`,
    );
  });

  it.each([
    ['its line from the export', (cp: LedgerEntry) => `${canonicalize(cp)}\n`],
    ['pretty-printed JSON', (cp: LedgerEntry) => JSON.stringify(cp, null, 2)],
  ])('takes the earlier checkpoint alone, as %s', async (_as, render) => {
    // Prepare
    const checkpoint = render(older().at(-1)!);

    // Act
    const later = await since(newer(), checkpoint);
    const rollback = await since(older(), render(newer().at(-1)!));

    // Assess
    expect(later.code).toBe(0);
    expect(later.out).toContain(
      "since checkpoint: the head of each of the earlier checkpoint's 3 chains is here, unchanged",
    );
    expect(rollback.code).toBe(1);
    expect(rollback.last).toContain("checkpoint seq 1 comes before the earlier checkpoint's seq 2");
  });

  it('compares only the entries when the earlier checkpoint is unnumbered (an export from before the link)', async () => {
    // Prepare
    const legacy = toJsonl(buildLedger(signer.privateKey, { rounds: 3 }).entries);

    // Act
    const result = await since(newer(), legacy);
    const cut = await since(newer({ seq: 2, prevHash: 'a'.repeat(64) }, 2), legacy);

    // Assess
    expect(result.code).toBe(0);
    expect(result.out.join('\n')).toContain(
      'the earlier checkpoint is unnumbered (exported before checkpoints were linked)',
    );
    expect(cut.code).toBe(1);
    expect(cut.last).toContain('entries were removed');
  });

  it('fails an unnumbered checkpoint checked against a numbered earlier one', async () => {
    // Act
    const result = await since(toJsonl(buildLedger(signer.privateKey).entries), older());

    // Assess
    expect(result.code).toBe(1);
    expect(result.last).toContain(
      'this checkpoint is unnumbered (exported before checkpoints were linked) but the earlier one is seq 1',
    );
  });

  it('returns 2 when the earlier state cannot be trusted or read', async () => {
    // Prepare
    const tampered = toCanonicalJsonl(older()).replace('"actor":"U0APPROVER1"', '"actor":"U0APPROVER2"');
    const duplicate = canonicalize(older().at(-1)!)!.replace('{', '{"seq":9,');
    const strangers = canonicalize(seal(older().at(-1)!, stranger.privateKey))!;

    // Act
    const results = [
      await since(newer(), tampered),
      await since(newer(), duplicate),
      await since(newer(), strangers),
      await since(newer(), ''),
    ];

    // Assess
    expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2]);
    expect(results[0]!.err[0]).toMatch(
      /^error: --since-checkpoint .*since-old\.jsonl is not a verified export or checkpoint \(line 4: hash does not match/,
    );
    expect(results[1]!.err[0]).toMatch(/since-old\.jsonl: duplicate key "seq"$/);
    expect(results[2]!.err[0]).toMatch(
      /since-old\.jsonl: the checkpoint's signature is not valid for the given public key\(s\)$/,
    );
    expect(results[3]!.err[0]).toMatch(/since-old\.jsonl has no entries$/);
    expect(results.every((r) => r.out.length === 0)).toBe(true);
  });

  it('says which checkpoint a plain verify saw: numbered, or unnumbered for an old export', async () => {
    // Prepare
    const keyFile = file('key.pem', signer.publicPem);

    // Act
    const linked = await run([
      'verify',
      '--ledger',
      file('linked.jsonl', toCanonicalJsonl(newer())),
      '--public-key',
      keyFile,
    ]);
    const legacy = await run([
      'verify',
      '--ledger',
      file('legacy.jsonl', toJsonl(ledger().entries)),
      '--public-key',
      keyFile,
    ]);

    // Assess
    expect([linked.code, legacy.code]).toEqual([0, 0]);
    expect(linked.out.find((l) => l.startsWith('checkpoint:'))).toMatch(
      /^checkpoint: present, seq 2, at 2025-03-01T12:00:11.000Z; /,
    );
    expect(legacy.out.find((l) => l.startsWith('checkpoint:'))).toMatch(
      /^checkpoint: present, unnumbered \(exported before checkpoints were linked/,
    );
  });

  it('is in the usage', async () => {
    // Act
    const help = await run(['verify', '--help']);

    // Assess
    expect(help.out[0]).toContain('--since-checkpoint OLD');
  });
});

describe('Program: bin/chainsec.js', () => {
  /** Runs the real executable as `npx chainsec` would, with the project's Node. */
  function chainsec(args: string[]): { status: number | null; lines: string[]; stderr: string } {
    const result = spawnSync(join(ROOT, 'node_modules/.bin/node'), [join(ROOT, 'bin/chainsec.js'), ...args], {
      cwd: tmp.dir,
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { status: result.status, lines: result.stdout.trimEnd().split('\n'), stderr: result.stderr };
  }

  it('exits 0 with a last line starting OK for an intact ledger', () => {
    // Prepare
    const ledgerFile = file('e2e-ok.jsonl', toJsonl(ledger().entries));
    const keyFile = file('e2e.pem', signer.publicPem);

    // Act
    const result = chainsec(['verify', '--ledger', ledgerFile, '--public-key', keyFile]);

    // Assess
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.lines.at(-1)).toMatch(/^OK 12 entries in 3 chains verified$/);
  });

  it('exits 1 with a last line starting FAIL for a ledger with a chain cut short', () => {
    // Prepare
    const { entries, positions } = ledger();
    entries.splice(positions[INCIDENTS[1]]!.at(-1)!, 1);
    const ledgerFile = file('e2e-cut.jsonl', toJsonl(entries));
    const keyFile = file('e2e.pem', signer.publicPem);

    // Act
    const result = chainsec(['verify', '--ledger', ledgerFile, '--public-key', keyFile]);

    // Assess
    expect(result.status).toBe(1);
    expect(result.lines.at(-1)).toMatch(new RegExp(`^FAIL line 11 incidentId ${INCIDENTS[1]} seq 3: `));
  });

  it.each([
    ['words after its padding', (sig: string) => `${sig} approved by U0CISO`],
    ['a space inside it', (sig: string) => `${sig.slice(0, 40)} ${sig.slice(40)}`],
    ['its padding removed', (sig: string) => sig.replace(/=+$/, '')],
  ])(
    'exits 1 naming the line when an entry signature is spelt otherwise: %s (it decodes to the same bytes)',
    (_what, respell) => {
      // Prepare: the signature's text is outside the hash, and lenient base64 reads all of these as the signed bytes
      const { entries } = buildLedger(signer.privateKey, { link: { seq: 1, prevHash: GENESIS_HASH } });
      const at = entries.findIndex((e) => e.signature.endsWith('='));
      expect(at).toBeGreaterThanOrEqual(0);
      entries[at] = { ...entries[at]!, signature: respell(entries[at]!.signature) };
      const ledgerFile = file('e2e-respelt.jsonl', toCanonicalJsonl(entries));
      const keyFile = file('e2e.pem', signer.publicPem);

      // Act
      const result = chainsec(['verify', '--ledger', ledgerFile, '--public-key', keyFile]);

      // Assess
      expect(result.status).toBe(1);
      expect(result.lines.at(-1)).toMatch(
        new RegExp(
          `^FAIL line ${at + 1} incidentId .* seq \\d+: signature is not standard base64 of a DER ECDSA signature`,
        ),
      );
    },
  );

  it('exits 2 with an error on a missing file', () => {
    // Act
    const result = chainsec(['verify', '--ledger', 'nowhere.jsonl', '--public-key', 'nowhere.pem']);

    // Assess
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^error: cannot read public key nowhere\.pem/);
  });
});

describe('Partial exports', () => {
  /** The full story's chain of one incident, with a checkpoint (seq 2, after `earlier`) saying it is partial. */
  function partialOf(incidentId: string, earlier: LedgerEntry[], chainOf = incidentId): LedgerEntry[] {
    const chain = buildLedger(signer.privateKey, { checkpoint: false }).entries.filter((e) => e.incidentId === chainOf);
    const base = checkpointOver(chain, signer.privateKey, { seq: 2, prevHash: earlier.at(-1)!.hash });
    return [...chain, seal({ ...base, partial: { incidentId } }, signer.privateKey)];
  }
  const earlier = (): LedgerEntry[] =>
    buildLedger(signer.privateKey, { rounds: 3, link: { seq: 1, prevHash: GENESIS_HASH } }).entries;

  it('says partial on the checkpoint line and the OK line', async () => {
    // Prepare
    const ledgerFile = file('partial.jsonl', toCanonicalJsonl(partialOf(INCIDENTS[0], earlier())));

    // Act
    const result = await run(['verify', '--ledger', ledgerFile, '--public-key', file('key.pem', signer.publicPem)]);

    // Assess
    expect(result.code).toBe(0);
    expect(result.out).toContain(`partial export: incident ${INCIDENTS[0]}; other chains are not in this file`);
    expect(result.last).toBe(`OK 5 entries in 1 chains verified (partial export: incident ${INCIDENTS[0]})`);
  });

  it('compares only its scope with --since-checkpoint, and fails when the scoped chain is missing', async () => {
    // Prepare: a partial export of INC-A, and one claiming INC-A that holds INC-B's chain
    const old = file('partial-old.jsonl', toCanonicalJsonl(earlier()));
    const key = file('key.pem', signer.publicPem);
    const good = file('partial-good.jsonl', toCanonicalJsonl(partialOf(INCIDENTS[0], earlier())));
    const wrong = file('partial-wrong.jsonl', toCanonicalJsonl(partialOf(INCIDENTS[0], earlier(), INCIDENTS[1])));

    // Act
    const ok = await run(['verify', '--ledger', good, '--public-key', key, '--since-checkpoint', old]);
    const bad = await run(['verify', '--ledger', wrong, '--public-key', key, '--since-checkpoint', old]);

    // Assess
    expect(ok.code).toBe(0);
    expect(ok.out.join('\n')).toContain('this is a partial export (incident INC-AAAAAAAAAA)');
    expect(bad.code).toBe(1);
    expect(bad.last).toMatch(/^FAIL line \d+ incidentId INC-AAAAAAAAAA: /);
    expect(bad.last).toContain('chain is missing, though the earlier state holds it up to seq 3');
  });
});
