import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { actionDigest } from '../domain/actionDigest';
import { ecdsaSignatureBytes } from '../domain/ecdsaSignature';
import { RECEIPT_FIELDS, receiptCanonicalBytes, receiptDigest, type Receipt } from '../domain/receipt';
import { ErrorCode, ReceiptRejectedError } from '../errors';

/**
 * Checks a chainsec receipt before an executor runs its action
 * (docs/RECEIPTS.md). Imports no Slack and no AWS SDK: `node:crypto` and `canonicalize`
 * only, so an executor can vendor it. The signature is checked with a public
 * key (PEM, SPKI), or with a function the caller gives (KMS `Verify`, see
 * `KmsReceiptSignatureCheck`).
 */

/**
 * Checks a DER signature over a 32-byte digest with the key named `keyId`.
 * @returns false when the signature does not hold
 */
export type SignatureCheck = (digest: Buffer, signatureDer: Buffer, keyId: string) => boolean | Promise<boolean>;

/** Options of {@link verifyReceipt}. */
export interface VerifyReceiptOptions {
  /** The ledger's public key, PEM (SPKI) or a KeyObject. One of `publicKey` and `checkSignature` is required. */
  publicKey?: string | KeyObject;
  /** A signature check of the caller's (KMS `Verify`), used instead of `publicKey`. */
  checkSignature?: SignatureCheck;
  /**
   * The key ids trusted; a receipt naming another is refused (`chainsec_receipt_wrong_key`).
   * Required with `checkSignature`: that check (KMS `Verify`) uses the key the receipt names,
   * and anyone can name a key of their own whose policy lets everyone verify with it.
   */
  trustedKeyIds?: readonly string[];
  /** The action about to run: its digest must equal the receipt's `actionDigest`. */
  action?: unknown;
  /** The current time (default: now); a receipt past its `expiresAt` is refused. */
  now?: Date;
}

const HEX64 = /^[0-9a-f]{64}$/;
/** An instant as receipts write it: ISO-8601 with its zone (`Z` or an offset), never a local time. */
export const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

const refuse = (code: ConstructorParameters<typeof ReceiptRejectedError>[0], message: string, details = {}) =>
  new ReceiptRejectedError(code, message, details);

/**
 * Reads a value as a receipt: every field present with its type, nothing else.
 * @throws ReceiptRejectedError `chainsec_receipt_malformed`
 */
export function parseReceipt(value: unknown): Receipt {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw refuse(ErrorCode.ReceiptMalformed, 'the receipt is not a JSON object');
  }
  const r = value as Record<string, unknown>;
  const extra = Object.keys(r).filter((k) => !(RECEIPT_FIELDS as readonly string[]).includes(k));
  if (extra.length > 0) throw refuse(ErrorCode.ReceiptMalformed, `the receipt has unknown fields: ${extra.join(', ')}`);
  for (const field of RECEIPT_FIELDS) {
    const v = r[field];
    const ok =
      field === 'decidedBy'
        ? Array.isArray(v) && v.every((x) => typeof x === 'string')
        : typeof v === 'string' && v !== '';
    if (!ok)
      throw refuse(
        ErrorCode.ReceiptMalformed,
        `the receipt's ${field} is missing or not ${field === 'decidedBy' ? 'a list of strings' : 'a string'}`,
      );
  }
  for (const field of ['actionDigest', 'ledgerHash'] as const) {
    if (!HEX64.test(r[field] as string))
      throw refuse(ErrorCode.ReceiptMalformed, `the receipt's ${field} is not 64 lowercase hex digits`);
  }
  for (const field of ['decidedAt', 'expiresAt'] as const) {
    const text = r[field] as string;
    if (!ISO_INSTANT.test(text) || Number.isNaN(Date.parse(text))) {
      throw refuse(ErrorCode.ReceiptMalformed, `the receipt's ${field} is not an ISO-8601 instant`);
    }
  }
  return r as unknown as Receipt;
}

/** Shape, key and signature form: the checks before the signature's. */
function readSigned(value: unknown, options: VerifyReceiptOptions): { receipt: Receipt; signature: Buffer } {
  const receipt = parseReceipt(value);
  if (options.trustedKeyIds && !options.trustedKeyIds.includes(receipt.keyId)) {
    throw refuse(
      ErrorCode.ReceiptWrongKey,
      `the receipt is signed with key ${receipt.keyId}, not a trusted key`,
      factsOf(receipt),
    );
  }
  const signature = ecdsaSignatureBytes(receipt.signature);
  if (!signature) {
    throw refuse(
      ErrorCode.ReceiptSignatureInvalid,
      'the receipt signature is not a base64 DER ECDSA signature',
      factsOf(receipt),
    );
  }
  return { receipt, signature };
}

const factsOf = (receipt: Receipt) => ({ incidentId: receipt.incidentId, keyId: receipt.keyId });

const notCovered = (receipt: Receipt) =>
  refuse(
    ErrorCode.ReceiptFieldChanged,
    "the signature does not cover these fields with this key: a field was changed after signing (or the key is not the signer's)",
    factsOf(receipt),
  );

/** Expiry and action: the checks after the signature's. */
function checkAllows(receipt: Receipt, options: VerifyReceiptOptions): Receipt {
  const now = options.now ?? new Date();
  if (Date.parse(receipt.expiresAt) <= now.getTime()) {
    throw refuse(ErrorCode.ReceiptExpired, `the receipt expired at ${receipt.expiresAt}`, {
      ...factsOf(receipt),
      expiresAt: receipt.expiresAt,
    });
  }
  if (options.action !== undefined) {
    const digest = actionDigest(options.action);
    if (digest !== receipt.actionDigest) {
      throw refuse(
        ErrorCode.ReceiptActionMismatch,
        `the action's digest ${digest} is not the receipt's ${receipt.actionDigest}`,
        {
          ...factsOf(receipt),
          actionDigest: digest,
        },
      );
    }
  }
  return receipt;
}

/**
 * {@link verifyReceipt} with a public key, synchronously (the CLI).
 * @throws ReceiptRejectedError as {@link verifyReceipt}
 */
export function verifyReceiptWithKey(
  value: unknown,
  options: VerifyReceiptOptions & { publicKey: string | KeyObject },
): Receipt {
  const { receipt, signature } = readSigned(value, options);
  const key =
    typeof options.publicKey === 'string'
      ? createPublicKey({ key: options.publicKey, format: 'pem' })
      : options.publicKey;
  // node:crypto hashes what it verifies: verifying the canonical bytes with SHA-256 checks the signature over their digest.
  let valid = false;
  try {
    valid = verify('sha256', receiptCanonicalBytes(receipt), { key, dsaEncoding: 'der' }, signature);
  } catch {
    valid = false;
  }
  if (!valid) throw notCovered(receipt);
  return checkAllows(receipt, options);
}

/**
 * Verifies a receipt: its shape, the key it names, its signature, its expiry
 * and (given `action`) that it allows this action.
 * @returns the receipt, typed
 * @throws ReceiptRejectedError naming the check that refused it by its `code`:
 *   `chainsec_receipt_malformed`, `chainsec_receipt_wrong_key`,
 *   `chainsec_receipt_signature_invalid` (not a signature),
 *   `chainsec_receipt_field_changed` (a signature, but not over these fields),
 *   `chainsec_receipt_expired`, `chainsec_receipt_action_mismatch`
 */
export async function verifyReceipt(value: unknown, options: VerifyReceiptOptions): Promise<Receipt> {
  const { checkSignature, publicKey } = options;
  if (!checkSignature) {
    if (publicKey === undefined) throw new TypeError('verifyReceipt needs publicKey or checkSignature');
    return verifyReceiptWithKey(value, { ...options, publicKey });
  }
  // The receipt names the key its signature is checked with: only a key the caller trusts may be named.
  if (!options.trustedKeyIds || options.trustedKeyIds.length === 0) {
    throw new TypeError(
      'verifyReceipt with checkSignature needs trustedKeyIds (the receipt names the key to check with)',
    );
  }
  const { receipt, signature } = readSigned(value, options);
  if (!(await checkSignature(receiptDigest(receipt), signature, receipt.keyId))) throw notCovered(receipt);
  return checkAllows(receipt, options);
}
