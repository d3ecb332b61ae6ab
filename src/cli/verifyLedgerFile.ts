import { createHash, type KeyObject } from 'node:crypto';
import { readCheckpoint, type CheckpointFacts } from '../domain/checkpoint';
import {
  LedgerEntryType,
  publicKeyFromPem,
  signatureValid,
  verifyEntries,
  type LedgerEntry,
  type LedgerVerdict,
} from '../domain/ledger';
import { parseLedgerLines } from '../domain/ledgerLines';

/**
 * Offline verification of an exported decision ledger (docs/AUDIT.md):
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
  const fingerprint = createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex');
  return { key, fingerprint };
}

/** A failed check, in the shape of {@link VerifyReport}'s failure. */
export type VerifyFailure = Extract<VerifyReport, { ok: false }>;

/** An export that verified, with what later checks (`--since-checkpoint`) compare. */
export interface VerifiedLedger {
  /** The entries, checkpoint included, in file order. */
  entries: LedgerEntry[];
  /** 1-based line of each entry. */
  lines: number[];
  /** The checkpoint and its line; undefined when the export has none. */
  checkpoint: { facts: CheckpointFacts; line: number } | undefined;
}

/** Options of {@link verifyLedgerText}. */
export interface VerifyOptions {
  /** Fail when the export has no checkpoint (default true). */
  requireCheckpoint?: boolean;
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
 * Every line must be its entry as the exporter renders it (src/domain/ledgerLines.ts):
 * a duplicate key, a `__proto__` key, whitespace, a CR, a BOM or bytes that are not
 * UTF-8 fail, naming the line, even where the entry's hash and signature hold.
 *
 * @param jsonl the export, one entry per line: its text, or its bytes
 * @param publicKeyPems PEM (SPKI) public keys, at least one
 * @throws UnusableInputError when there is no key, a key is unreadable, or the ledger has no entries
 */
export function verifyLedgerText(
  jsonl: string | Uint8Array,
  publicKeyPems: readonly string[],
  options: VerifyOptions = {},
): VerifyReport {
  return verifyLedgerExport(jsonl, publicKeyPems, options).report;
}

/**
 * {@link verifyLedgerText}, also handing back what it read when the export verifies.
 * @throws UnusableInputError as verifyLedgerText does
 */
export function verifyLedgerExport(
  jsonl: string | Uint8Array,
  publicKeyPems: readonly string[],
  options: VerifyOptions = {},
): { report: VerifyReport; ledger?: VerifiedLedger } {
  if (publicKeyPems.length === 0) throw new UnusableInputError('no public key given');
  const keys = publicKeyPems.map((pem, i) => readPublicKey(pem, `public key ${i + 1}`).key);

  const parsed = parseLedgerLines(jsonl);
  if (!parsed.ok) return { report: parsed };
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
    const several = keys.length > 1 && verdict.reason.startsWith('signature is not valid');
    const reason = several ? `signature is not valid for any of the ${keys.length} public keys` : verdict.reason;
    return { report: { ...verdict, reason } };
  }
  const at = parsed.entries.findIndex((e) => e.type === LedgerEntryType.Checkpoint);
  // Exports always end with a signed checkpoint: without it, a cut at the end of a chain (or the
  // removal of the checkpoint line itself) would go unnoticed.
  if (at === -1 && (options.requireCheckpoint ?? true)) {
    const line = (parsed.lines[parsed.lines.length - 1] ?? 0) + 1;
    const reason = 'no ledger_checkpoint entry: the export is incomplete (its last line removed?)';
    return { report: { ok: false, line, incidentId: '*', seq: null, reason } };
  }
  let checkpoint: VerifiedLedger['checkpoint'];
  if (at !== -1) {
    const facts = readCheckpoint(parsed.entries[at]!);
    const line = parsed.lines[at]!;
    if ('error' in facts) return { report: { ok: false, line, incidentId: '*', seq: null, reason: facts.error } };
    checkpoint = { facts, line };
  }
  return {
    report: { ok: true, entries: verdict.entries, chains: verdict.chains, checkpoint: at !== -1, entriesPerKey },
    ledger: { entries: parsed.entries, lines: parsed.lines, checkpoint },
  };
}

/**
 * Makes ledger-controlled text safe for one terminal line: the file is what is
 * being checked, so it may hold escape sequences or newlines meant to forge an
 * `OK` line. Control characters are shown escaped and long text is cut.
 */
export function printable(text: string, max = 200): string {
  const escaped = text.replace(
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}

/** The one-line verdict: `OK ...` or `FAIL ...` (the CLI's last line). */
export function verdictLine(report: VerifyReport): string {
  if (report.ok) return `OK ${report.entries} entries in ${report.chains} chains verified`;
  const seq = report.seq === null ? '' : ` seq ${report.seq}`;
  return `FAIL line ${report.line} incidentId ${printable(String(report.incidentId))}${seq}: ${printable(report.reason, 500)}`;
}
