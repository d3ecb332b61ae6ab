import { ISO_INSTANT, verifyReceiptWithKey } from '../receipts/verifyReceipt';
import { parseStrictJson } from '../domain/strictJson';
import { ErrorCode, ReceiptRejectedError } from '../errors';
import { printable, readPublicKey, UnusableInputError } from './verifyLedgerFile';

/** What `chainsec verify-receipt` reads (file contents, already loaded). */
export interface ReceiptCheckInput {
  receiptText: string;
  receiptFile: string;
  publicKeyPem: string;
  publicKeyFile: string;
  actionText?: string;
  actionFile?: string;
  /** `--now`, ISO-8601. */
  now?: string;
}

function readJson(text: string, what: string): unknown {
  const parsed = parseStrictJson(text.replace(/\n$/, ''));
  if (!parsed.ok) throw new UnusableInputError(`${what} is not JSON: ${parsed.reason}`);
  return parsed.value;
}

/**
 * Checks a receipt file (docs/RECEIPTS.md).
 * @returns the lines to print (the last starts `OK` or `FAIL`) and the exit code (0 or 1)
 * @throws UnusableInputError (exit 2) for an unreadable or malformed receipt, key, action or `--now`
 */
export function checkReceiptFile(input: ReceiptCheckInput): { lines: string[]; code: 0 | 1 } {
  const { key, fingerprint } = readPublicKey(input.publicKeyPem, `public key ${input.publicKeyFile}`);
  const receipt = readJson(input.receiptText, `receipt ${input.receiptFile}`);
  const action =
    input.actionText === undefined ? undefined : readJson(input.actionText, `action ${input.actionFile ?? ''}`);
  let now: Date | undefined;
  if (input.now !== undefined) {
    now = new Date(input.now);
    // A time without its zone would be read as this machine's local time: another instant in every other zone.
    if (!ISO_INSTANT.test(input.now) || Number.isNaN(now.getTime())) {
      throw new UnusableInputError(
        `--now ${printable(input.now, 40)} is not an ISO-8601 instant with its zone (Z or ±hh:mm)`,
      );
    }
  }
  const lines = [`receipt: ${input.receiptFile}`, `public key ${input.publicKeyFile}: SHA-256 ${fingerprint}`];
  try {
    const r = verifyReceiptWithKey(receipt, {
      publicKey: key,
      ...(action !== undefined && { action }),
      ...(now && { now }),
    });
    const bound = action === undefined ? 'action not checked (no --action)' : 'the action matches its digest';
    const who = r.decidedBy.map((u) => printable(u, 40)).join(', ') || 'nobody';
    lines.push(
      `OK receipt of ${printable(r.incidentId, 80)}: ${printable(r.decision, 20)} by ${who} at ${r.decidedAt}, ` +
        `valid until ${r.expiresAt}, action ${r.actionDigest.slice(0, 12)}; ${bound}`,
    );
    return { lines, code: 0 };
  } catch (e) {
    if (!(e instanceof ReceiptRejectedError)) throw e;
    if (e.code === ErrorCode.ReceiptMalformed)
      throw new UnusableInputError(`receipt ${input.receiptFile}: ${e.message}`);
    lines.push(`FAIL ${e.code}: ${e.message}`);
    return { lines, code: 1 };
  }
}
