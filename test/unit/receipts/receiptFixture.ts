import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { RedemptionStore } from '../../../src/receipts/redeemReceipt';

/**
 * Receipts built here, without chainsec's receipt code: RFC 8785 JSON by
 * `canonicalize`, ECDSA P-256 by node:crypto, as an executor's own check would.
 */

export interface TestKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  pem: string;
}

export function p256(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKey, pem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** An action with parameters, as an agent sends it. */
export const ACTION = {
  type: 'pause_contract',
  target: '0xabc',
  parameters: { chain: 'ethereum', limit: 100 },
  reversible: true,
};

/** SHA-256 of the RFC 8785 JSON, hex. */
export function sha256Canonical(value: unknown): string {
  return createHash('sha256').update(canonicalize(value)!, 'utf8').digest('hex');
}

export type TestReceipt = Record<string, unknown> & { signature: string };

/** The unsigned body of a valid receipt for {@link ACTION}. */
export function receiptBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    incidentId: 'onchain-0xfeed',
    actionDigest: sha256Canonical(ACTION),
    decision: 'approve',
    decidedBy: ['U0APPROVER1', 'U0APPROVER2'],
    decidedAt: '2026-12-01T10:00:00.000Z',
    expiresAt: '2026-12-01T10:15:00.000Z',
    ledgerHash: 'ab'.repeat(32),
    keyId: 'alias/chainsec-ledger',
    ...overrides,
  };
}

/** Signs a body: ECDSA over SHA-256 of its canonical JSON (without `signature`). */
export function signBody(body: Record<string, unknown>, key: KeyObject): TestReceipt {
  const signature = sign('sha256', Buffer.from(canonicalize(body)!, 'utf8'), { key, dsaEncoding: 'der' }).toString(
    'base64',
  );
  return { ...body, signature };
}

/** A valid receipt signed with `key`. */
export function signedReceipt(key: KeyObject, overrides: Record<string, unknown> = {}): TestReceipt {
  return signBody(receiptBody(overrides), key);
}

/** The time a test receipt is valid at (5 minutes after its decision). */
export const VALID_AT = new Date('2026-12-01T10:05:00.000Z');

/** An in-memory redemption store: a key redeems once. */
export function memoryRedemptions(): RedemptionStore {
  const taken = new Set<string>();
  return {
    redeemOnce: async (key) => {
      if (taken.has(key)) return false;
      taken.add(key);
      return true;
    },
  };
}
