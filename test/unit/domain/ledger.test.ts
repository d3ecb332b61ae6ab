import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  canonicalBytes,
  entryDigest,
  entryHash,
  GENESIS_HASH,
  publicKeyFromPem,
  signatureValid,
  verifyEntries,
  type LedgerEntry,
} from '../../../src/domain/ledger';
import { buildLedger, INCIDENTS, KEY_ID, p256, seal } from './ledgerFixture';

const signer = p256();
const other = p256();
const oneKey = () => signer.publicKey;

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('Function: canonicalBytes / entryHash', () => {
  it('hashes the RFC 8785 form without hash and signature', () => {
    // Prepare
    const entry = {
      b: 2,
      a: 'x',
      hash: 'h',
      signature: 's',
      type: 'vote',
      incidentId: 'I',
      seq: 1,
      actor: 'U',
      at: 't',
      prevHash: GENESIS_HASH,
      keyId: 'k',
    } as unknown as LedgerEntry;

    // Act
    const text = canonicalBytes(entry).toString('utf8');

    // Assess
    expect(text).toBe(
      `{"a":"x","actor":"U","at":"t","b":2,"incidentId":"I","keyId":"k","prevHash":"${GENESIS_HASH}","seq":1,"type":"vote"}`,
    );
    expect(entryHash(entry)).toBe(createHash('sha256').update(text).digest('hex'));
    expect(entryHash(entry)).toMatch(/^[0-9a-f]{64}$/);
    expect(entryDigest(entry)).toHaveLength(32);
  });

  it('does not depend on key order', () => {
    // Prepare
    const { entries } = buildLedger(signer.privateKey);
    const first = entries[0]!;
    const reversed = Object.fromEntries(Object.entries(first).reverse()) as LedgerEntry;

    // Act / Assess
    expect(entryHash(reversed)).toBe(first.hash);
  });
});

describe('Function: signatureValid', () => {
  it('accepts a valid signature', () => {
    // Prepare
    const [entry] = buildLedger(signer.privateKey).entries;

    // Act / Assess
    expect(signatureValid(entry!, signer.publicKey)).toBe(true);
  });

  // The contract promises `openssl` can check a signature over the 32 raw bytes of `hash`
  // (KMS DIGEST signing); `pkeyutl -verify` does no hashing of its own, so it proves that.
  (hasOpenssl() ? it : it.skip)('signs the 32 bytes of hash, as openssl pkeyutl verifies them', () => {
    // Prepare
    const [entry] = buildLedger(signer.privateKey).entries;
    const dir = mkdtempSync(join(tmpdir(), 'chainsec-ledger-'));
    writeFileSync(join(dir, 'key.pem'), signer.publicPem);
    writeFileSync(join(dir, 'digest.bin'), Buffer.from(entry!.hash, 'hex'));
    writeFileSync(join(dir, 'sig.der'), Buffer.from(entry!.signature, 'base64'));

    // Act
    const out = execFileSync(
      'openssl',
      ['pkeyutl', '-verify', '-pubin', '-inkey', 'key.pem', '-in', 'digest.bin', '-sigfile', 'sig.der'],
      { cwd: dir, encoding: 'utf8' },
    );

    // Assess
    expect(out).toContain('Signature Verified Successfully');
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects another key, a changed entry and a garbage signature', () => {
    // Prepare
    const [entry] = buildLedger(signer.privateKey).entries;

    // Act / Assess
    expect(signatureValid(entry!, other.publicKey)).toBe(false);
    expect(signatureValid({ ...entry!, actor: 'U0MALLORY' }, signer.publicKey)).toBe(false);
    expect(signatureValid({ ...entry!, signature: 'not base64 at all' }, signer.publicKey)).toBe(false);
  });

  it('reads a PEM public key', () => {
    // Act
    const key = publicKeyFromPem(signer.publicPem);

    // Assess
    expect(key.asymmetricKeyType).toBe('ec');
  });
});

describe('Function: verifyEntries', () => {
  it('accepts an intact interleaved ledger with a checkpoint', () => {
    // Prepare
    const { entries } = buildLedger(signer.privateKey);

    // Act
    const verdict = verifyEntries(entries, oneKey);

    // Assess
    expect(verdict).toEqual({ ok: true, entries: entries.length, chains: 3 });
  });

  it('accepts an intact ledger without a checkpoint', () => {
    // Prepare
    const { entries } = buildLedger(signer.privateKey, { checkpoint: false });

    // Act / Assess
    expect(verifyEntries(entries, oneKey)).toEqual({ ok: true, entries: entries.length, chains: 3 });
  });

  it('passes the keyId and the entry to the key resolver', () => {
    // Prepare
    const { entries } = buildLedger(signer.privateKey);
    const seen: Array<[string, LedgerEntry]> = [];

    // Act
    verifyEntries(entries, (keyId, entry) => {
      seen.push([keyId, entry]);
      return signer.publicKey;
    });

    // Assess
    expect(seen).toHaveLength(entries.length);
    expect(seen.every(([keyId], i) => keyId === KEY_ID && seen[i]![1] === entries[i])).toBe(true);
  });

  it('names a changed entry by line, incident and seq', () => {
    // Prepare
    const { entries, positions } = buildLedger(signer.privateKey);
    const i = positions[INCIDENTS[1]]![2]!;
    entries[i] = { ...entries[i]!, actor: 'U0MALLORY' };

    // Act
    const verdict = verifyEntries(entries, oneKey);

    // Assess
    expect(verdict).toEqual({
      ok: false,
      line: i + 1,
      incidentId: INCIDENTS[1],
      seq: 3,
      reason: 'hash does not match the entry content',
    });
  });

  it('uses the given line numbers in its verdict', () => {
    // Prepare
    const { entries } = buildLedger(signer.privateKey);
    entries[0] = { ...entries[0]!, at: 'later' };

    // Act
    const verdict = verifyEntries(
      entries,
      oneKey,
      entries.map((_, i) => i * 2 + 10),
    );

    // Assess
    expect(verdict).toMatchObject({ ok: false, line: 10 });
  });

  it('rejects an entry re-hashed but not re-signed', () => {
    // Prepare
    const { entries, positions } = buildLedger(signer.privateKey);
    const i = positions[INCIDENTS[0]]![1]!;
    const changed = { ...entries[i]!, choice: 'deny' };
    entries[i] = { ...changed, hash: entryHash(changed) };

    // Act
    const verdict = verifyEntries(entries, oneKey);

    // Assess
    expect(verdict).toMatchObject({
      ok: false,
      incidentId: INCIDENTS[0],
      seq: 2,
      reason: 'signature is not valid for this entry',
    });
  });

  it('rejects an entry re-signed with another key', () => {
    // Prepare
    const { entries, positions } = buildLedger(signer.privateKey);
    const i = positions[INCIDENTS[0]]![1]!;
    entries[i] = seal({ ...entries[i]!, choice: 'deny' }, other.privateKey);

    // Act
    const verdict = verifyEntries(entries, oneKey);

    // Assess
    expect(verdict).toMatchObject({ ok: false, line: i + 1, reason: 'signature is not valid for this entry' });
  });

  it('rejects a removed middle entry', () => {
    // Prepare
    const { entries, positions } = buildLedger(signer.privateKey);
    const i = positions[INCIDENTS[0]]![1]!;
    entries.splice(i, 1);

    // Act
    const verdict = verifyEntries(entries, oneKey);

    // Assess
    expect(verdict).toMatchObject({ ok: false, incidentId: INCIDENTS[0], seq: 3 });
    expect(!verdict.ok && verdict.reason).toContain('expected seq 2');
  });

  it('rejects two entries of a chain swapped', () => {
    // Prepare
    const { entries, positions } = buildLedger(signer.privateKey);
    const [a, b] = [positions[INCIDENTS[1]]![1]!, positions[INCIDENTS[1]]![2]!];
    [entries[a], entries[b]] = [entries[b]!, entries[a]!];

    // Act
    const verdict = verifyEntries(entries, oneKey);

    // Assess
    expect(verdict).toMatchObject({ ok: false, line: a + 1, incidentId: INCIDENTS[1], seq: 3 });
  });

  it('rejects a chain re-linked with a forged prevHash, even when re-signed by the real key', () => {
    // Prepare: a correctly signed entry whose prevHash points nowhere
    const { entries, positions } = buildLedger(signer.privateKey);
    const i = positions[INCIDENTS[2]]![1]!;
    entries[i] = seal({ ...entries[i]!, prevHash: 'f'.repeat(64) }, signer.privateKey);

    // Act
    const verdict = verifyEntries(entries, oneKey);

    // Assess
    expect(verdict).toMatchObject({
      ok: false,
      incidentId: INCIDENTS[2],
      seq: 2,
      reason: 'prevHash does not match the previous entry of this chain',
    });
  });

  it('catches the last entry of a chain removed, through the checkpoint', () => {
    // Prepare
    const { entries, positions } = buildLedger(signer.privateKey);
    const last = positions[INCIDENTS[2]]!.at(-1)!;
    entries.splice(last, 1);

    // Act
    const verdict = verifyEntries(entries, oneKey);

    // Assess
    expect(verdict).toMatchObject({ ok: false, line: entries.length, incidentId: INCIDENTS[2], seq: 2 });
    expect(!verdict.ok && verdict.reason).toContain('checkpoint says seq 3');
  });

  it('catches a whole chain removed, through the checkpoint', () => {
    // Prepare
    const { entries } = buildLedger(signer.privateKey);
    const kept = entries.filter((e) => e.incidentId !== INCIDENTS[1]);

    // Act
    const verdict = verifyEntries(kept, oneKey);

    // Assess
    expect(verdict).toMatchObject({
      ok: false,
      incidentId: '*',
      reason: `chain ${INCIDENTS[1]} named by the checkpoint is missing`,
    });
  });

  it('rejects an entry after the checkpoint, and a second checkpoint', () => {
    // Prepare
    const { entries } = buildLedger(signer.privateKey);
    const checkpoint = entries.at(-1)!;

    // Act
    const after = verifyEntries([...entries, entries[0]!], oneKey);
    const twice = verifyEntries([...entries, checkpoint], oneKey);

    // Assess
    expect(after).toMatchObject({ ok: false, reason: 'entry after the checkpoint' });
    expect(twice).toMatchObject({ ok: false, reason: 'more than one checkpoint' });
  });

  it('rejects an entry missing a required field', () => {
    // Prepare
    const { entries } = buildLedger(signer.privateKey);
    const { keyId: _k, ...withoutKeyId } = entries[0]!;

    // Act
    const verdict = verifyEntries([withoutKeyId as LedgerEntry], oneKey);

    // Assess
    expect(verdict).toEqual({ ok: false, line: 1, incidentId: INCIDENTS[0], seq: 1, reason: 'missing field keyId' });
  });

  it('fails when the resolver has no key for the entry', () => {
    // Prepare
    const { entries } = buildLedger(signer.privateKey);

    // Act
    const verdict = verifyEntries(entries, () => undefined);

    // Assess
    expect(verdict).toMatchObject({ ok: false, line: 1, reason: `no public key for keyId ${KEY_ID}` });
  });
});
