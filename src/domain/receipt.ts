import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * A receipt (docs/RECEIPTS.md): proof, checkable offline with the ledger's
 * public key, that a decision allowed one action (by its digest) until
 * `expiresAt`. Signed like a ledger entry: ECDSA P-256 (KMS `Sign`,
 * `MessageType: DIGEST`, `ECDSA_SHA_256`) over the SHA-256 of the RFC 8785
 * canonical JSON of the receipt without `signature`.
 */
export interface Receipt {
  incidentId: string;
  /** See `actionDigest`. */
  actionDigest: string;
  /** `approve` or `rollback` (a person's decision), or `expired` (the expiry's rollback of a containment). */
  decision: string;
  /** Who decided: Slack user ids, or `chainsec` for an expiry. */
  decidedBy: string[];
  decidedAt: string;
  /** After this instant the receipt allows nothing. */
  expiresAt: string;
  /** Hash of the ledger entry that records the decision (the expiry entry for an expiry). */
  ledgerHash: string;
  keyId: string;
  /** Base64 DER ECDSA signature. */
  signature: string;
}

/** A receipt before it is signed. */
export type UnsignedReceipt = Omit<Receipt, 'signature'>;

/** The fields of a receipt, in the order the contract lists them. */
export const RECEIPT_FIELDS = [
  'incidentId',
  'actionDigest',
  'decision',
  'decidedBy',
  'decidedAt',
  'expiresAt',
  'ledgerHash',
  'keyId',
  'signature',
] as const;

/** The signed bytes' source: the RFC 8785 canonical JSON of the receipt without `signature`. */
export function receiptCanonicalBytes(receipt: UnsignedReceipt | Receipt): Buffer {
  const { signature: _s, ...body } = receipt as Receipt;
  const text = canonicalize(body);
  if (text === undefined) throw new TypeError('the receipt has no JSON rendering');
  return Buffer.from(text, 'utf8');
}

/** The 32 bytes a receipt's signature covers: SHA-256 of {@link receiptCanonicalBytes}. */
export function receiptDigest(receipt: UnsignedReceipt | Receipt): Buffer {
  return createHash('sha256').update(receiptCanonicalBytes(receipt)).digest();
}
