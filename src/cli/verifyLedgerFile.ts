import { createHash, type KeyObject } from 'node:crypto';
import { publicKeyFromPem, signatureValid, verifyEntries, type LedgerEntry, type LedgerVerdict } from '../domain/ledger';

/**
 * Offline verification of an exported decision ledger (CONTRACT sections 1 and 5):
 * JSON Lines in, a verdict out. No I/O here, so tests and the CLI share it.
 */

/** The input cannot be verified at all (no entries, a key that is not a public key): exit 2, not FAIL. */
export class UnusableInputError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UnusableInputError';
  }
}

/** The result of {@link verifyLedgerText}. */
export type VerifyReport =
  | {
      ok: true;
      entries: number;
      chains: number;
      /** Whether a `ledger_checkpoint` was present (without one, a chain cut short at its end goes unnoticed). */
      checkpoint: boolean;
      /** How many entries each given key verified, in the order the keys were given. */
      entriesPerKey: number[];
    }
  | {
      ok: false;
      /** 1-based line of the first bad entry in the file. */
      line: number;
      incidentId: string;
      seq: number | null;
      reason: string;
    };

/** A trusted public key, with a fingerprint people can compare out of band. */
export interface TrustedKey {
  key: KeyObject;
  /** Lowercase hex SHA-256 of the DER SubjectPublicKeyInfo. */
  fingerprint: string;
}

/**
 * Reads a PEM (SPKI) public key for ledger checks.
 * @param label how to name the key in errors (a file name)
 * @throws UnusableInputError when the text is not an EC public key
 */
export function readPublicKey(pem: string, label: string): TrustedKey {
  let key: KeyObject;
  try {
    key = publicKeyFromPem(pem);
  } catch (e) {
    throw new UnusableInputError(`${label} is not a PEM public key (${(e as Error).message})`, { cause: e });
  }
  // Ledger signatures are ECDSA (KMS ECC_NIST_P256); any other key type can never verify one.
  if (key.asymmetricKeyType !== 'ec') {
    throw new UnusableInputError(`${label} is a ${key.asymmetricKeyType ?? 'unknown'} key, not an EC (P-256) key`);
  }
  const fingerprint = createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');
  return { key, fingerprint };
}

type ParsedLines = { ok: true; entries: LedgerEntry[]; lines: number[] } | { ok: false; line: number; reason: string };

/** Splits JSON Lines into objects, remembering each one's line number; blank lines are skipped. */
function parseJsonLines(text: string): ParsedLines {
  const entries: LedgerEntry[] = [];
  const lines: number[] = [];
  const rows = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(row);
    } catch (e) {
      return { ok: false, line: i + 1, reason: `not valid JSON (${(e as Error).message})` };
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { ok: false, line: i + 1, reason: `not a JSON object (${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value})` };
    }
    entries.push(value as LedgerEntry);
    lines.push(i + 1);
  }
  return { ok: true, entries, lines };
}

/**
 * Verifies an exported ledger against one or more trusted public keys.
 *
 * With several keys (a key rotation), each entry is checked with the first key
 * whose signature verifies it. `keyId` is not used to pick the key: offline we
 * do not know which key a `keyId` named at signing time (an alias keeps its name
 * across a rotation), and every given key is equally trusted anyway. `keyId` is
 * still covered by the hash and signature, so it cannot be altered.
 *
 * @param jsonl the export, one entry per line
 * @param publicKeyPems PEM (SPKI) public keys, at least one
 * @param options.requireCheckpoint fail when the export has no checkpoint (default true)
 * @throws UnusableInputError when there is no key, a key is unreadable, or the ledger has no entries
 */
export function verifyLedgerText(jsonl: string, publicKeyPems: readonly string[], options: { requireCheckpoint?: boolean } = {}): VerifyReport {
  if (publicKeyPems.length === 0) throw new UnusableInputError('no public key given');
  const keys = publicKeyPems.map((pem, i) => readPublicKey(pem, `public key ${i + 1}`).key);

  const parsed = parseJsonLines(jsonl);
  if (!parsed.ok) return { ok: false, line: parsed.line, incidentId: '?', seq: null, reason: parsed.reason };
  if (parsed.entries.length === 0) throw new UnusableInputError('the ledger has no entries');

  const entriesPerKey = keys.map(() => 0);
  // One key: nothing to choose, and no second signature check per entry.
  // Several: when none verifies, hand back the first so verifyEntries reports the bad signature itself.
  const resolve = (_keyId: string, entry: LedgerEntry): KeyObject => {
    const index = keys.length === 1 ? 0 : keys.findIndex((k) => signatureValid(entry, k));
    if (index === -1) return keys[0]!;
    entriesPerKey[index]!++;
    return keys[index]!;
  };

  const verdict: LedgerVerdict = verifyEntries(parsed.entries, resolve, parsed.lines);
  if (!verdict.ok) {
    const reason = keys.length > 1 && verdict.reason.startsWith('signature is not valid') ? `signature is not valid for any of the ${keys.length} public keys` : verdict.reason;
    return { ...verdict, reason };
  }
  const checkpoint = parsed.entries.some((e) => e.type === 'ledger_checkpoint');
  // Exports always end with a signed checkpoint: without it, a cut at the end of a chain (or the
  // removal of the checkpoint line itself) would go unnoticed.
  if (!checkpoint && (options.requireCheckpoint ?? true)) {
    return { ok: false, line: (parsed.lines[parsed.lines.length - 1] ?? 0) + 1, incidentId: '*', seq: null, reason: 'no ledger_checkpoint entry: the export is incomplete (its last line removed?)' };
  }
  return { ok: true, entries: verdict.entries, chains: verdict.chains, checkpoint, entriesPerKey };
}

/**
 * Makes ledger-controlled text safe for one terminal line: the file is what is
 * being checked, so it may hold escape sequences or newlines meant to forge an
 * `OK` line. Control characters are shown escaped and long text is cut.
 */
export function printable(text: string, max = 200): string {
  const escaped = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}

/** The one-line verdict: `OK ...` or `FAIL ...` (the CLI's last line). */
export function verdictLine(report: VerifyReport): string {
  if (report.ok) return `OK ${report.entries} entries in ${report.chains} chains verified`;
  const seq = report.seq === null ? '' : ` seq ${report.seq}`;
  return `FAIL line ${report.line} incidentId ${printable(String(report.incidentId))}${seq}: ${printable(report.reason, 500)}`;
}
