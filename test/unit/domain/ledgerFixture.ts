import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { p256 as P256Curve } from '@noble/curves/nist.js';
import canonicalize from 'canonicalize';
import {
  canonicalBytes,
  entryHash,
  GENESIS_HASH,
  LedgerEntryType,
  type LedgerEntry,
  type UnsignedLedgerEntry,
} from '../../../src/domain/ledger';
import { ANCHOR_CHAIN, anchorDraft, chainHeads } from '../../../src/domain/anchor';
import type { Signer } from '../../../src/services/Signer';

/**
 * Builds real signed ledgers for the ledger and CLI tests. Signing the canonical
 * bytes with SHA-256 is an ECDSA signature over their 32-byte digest, which is
 * exactly what KMS `Sign` with `MessageType: DIGEST` returns for `hash`.
 */

export const KEY_ID = 'alias/chainsec-ledger';

/** A fresh P-256 key pair, the curve KMS `ECC_NIST_P256` uses. */
export function p256(): { privateKey: KeyObject; publicKey: KeyObject; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** @noble/curves is ESM only: loaded through Node's own require, as sandbox/local/LocalKms.ts does. */
function noble(): typeof P256Curve {
  const load = process.getBuiltinModule('node:module').createRequire(__filename);
  return (load('@noble/curves/nist.js') as { p256: typeof P256Curve }).p256;
}

/** A {@link Signer} with `key`, signing digests as KMS `Sign` with `MessageType: DIGEST` does (DER), as {@link KEY_ID}. */
export function digestSigner(key: ReturnType<typeof p256>): Signer {
  return {
    keyId: KEY_ID,
    signDigest: async (digest) => {
      const d = Buffer.from(key.privateKey.export({ format: 'jwk' }).d!, 'base64url');
      return Buffer.from(noble().sign(digest, d, { prehash: false, format: 'der' })).toString('base64');
    },
    publicKeyPem: async () => key.publicPem,
  };
}

/** Hashes and signs `body` (any `hash`/`signature` it carries is replaced). */
export function seal(body: UnsignedLedgerEntry | LedgerEntry, privateKey: KeyObject): LedgerEntry {
  const { hash: _h, signature: _s, ...unsigned } = body as LedgerEntry;
  const signature = sign('sha256', canonicalBytes(unsigned as UnsignedLedgerEntry), {
    key: privateKey,
    dsaEncoding: 'der',
  }).toString('base64');
  return { ...(unsigned as UnsignedLedgerEntry), hash: entryHash(unsigned as UnsignedLedgerEntry), signature };
}

export const INCIDENTS = ['INC-AAAAAAAAAA', 'INC-BBBBBBBBBB', 'INC-CCCCCCCCCC'] as const;

/** What each incident's chain records, in order. */
const STORY: Record<
  (typeof INCIDENTS)[number],
  ReadonlyArray<Partial<UnsignedLedgerEntry> & { type: UnsignedLedgerEntry['type'] }>
> = {
  'INC-AAAAAAAAAA': [
    { type: LedgerEntryType.IncidentReceived, actor: 'chainsec', tier: 'critical' },
    { type: LedgerEntryType.Vote, actor: 'U0APPROVER1', choice: 'approve' },
    { type: LedgerEntryType.Vote, actor: 'U0APPROVER2', choice: 'approve' },
    {
      type: LedgerEntryType.Decision,
      actor: 'chainsec',
      decision: 'approve',
      decidedBy: ['U0APPROVER1', 'U0APPROVER2'],
    },
  ],
  'INC-BBBBBBBBBB': [
    { type: LedgerEntryType.IncidentReceived, actor: 'chainsec', tier: 'high' },
    { type: LedgerEntryType.Escalation, actor: 'chainsec', level: 1, targets: ['U0ONCALL1'] },
    { type: LedgerEntryType.Vote, actor: 'U0APPROVER3', choice: 'deny' },
    { type: LedgerEntryType.Decision, actor: 'chainsec', decision: 'deny', decidedBy: ['U0APPROVER3'] },
  ],
  'INC-CCCCCCCCCC': [
    { type: LedgerEntryType.IncidentReceived, actor: 'chainsec', tier: 'high' },
    { type: LedgerEntryType.Expiry, actor: 'chainsec' },
    { type: LedgerEntryType.Decision, actor: 'chainsec', decision: 'expired', decidedBy: [] },
  ],
};

export interface BuiltLedger {
  entries: LedgerEntry[];
  /** Index of each incident's entries in `entries`, in chain order. */
  positions: Record<string, number[]>;
}

/** Where a linked checkpoint sits in the checkpoints' chain. */
export interface CheckpointLink {
  seq: number;
  prevHash: string;
}

/**
 * A signed `ledger_checkpoint` naming the head of every chain in `entries`:
 * linked (numbered, naming the previous checkpoint) with `link`, else
 * unnumbered as exports wrote them before checkpoints were linked.
 */
export function checkpointOver(
  entries: readonly LedgerEntry[],
  privateKey: KeyObject,
  link?: CheckpointLink,
  at = '2025-03-01T13:00:00.000Z',
): LedgerEntry {
  const heads: Record<string, { seq: number; hash: string }> = {};
  for (const e of entries)
    if (e.type !== LedgerEntryType.Checkpoint) heads[e.incidentId] = { seq: e.seq, hash: e.hash };
  return seal(
    {
      type: LedgerEntryType.Checkpoint,
      incidentId: '*',
      seq: link?.seq ?? 1,
      actor: 'chainsec',
      at,
      prevHash: link?.prevHash ?? GENESIS_HASH,
      keyId: KEY_ID,
      heads,
      ...(link && { chains: Object.keys(heads).length, entries: entries.length, linked: true }),
    },
    privateKey,
  );
}

/**
 * Three incident chains interleaved round-robin (as a real export mixes them),
 * then a signed `ledger_checkpoint` naming every chain's head (linked with `link`).
 * `rounds` keeps only the first rounds of each chain's story (an earlier state).
 */
export function buildLedger(
  privateKey: KeyObject,
  options: { checkpoint?: boolean; link?: CheckpointLink; rounds?: number } = {},
): BuiltLedger {
  const entries: LedgerEntry[] = [];
  const positions: Record<string, number[]> = {};
  const heads: Record<string, { seq: number; hash: string }> = {};
  const start = Date.parse('2025-03-01T12:00:00Z');
  for (let round = 0; round < (options.rounds ?? 4); round++) {
    for (const incidentId of INCIDENTS) {
      const step = STORY[incidentId][round];
      if (!step) continue;
      const prev = heads[incidentId];
      const entry = seal(
        {
          ...step,
          incidentId,
          seq: (prev?.seq ?? 0) + 1,
          at: new Date(start + entries.length * 1000).toISOString(),
          prevHash: prev?.hash ?? GENESIS_HASH,
          keyId: KEY_ID,
        } as UnsignedLedgerEntry,
        privateKey,
      );
      heads[incidentId] = { seq: entry.seq, hash: entry.hash };
      positions[incidentId] ??= [];
      positions[incidentId].push(entries.length);
      entries.push(entry);
    }
  }
  if (options.checkpoint !== false) {
    entries.push(
      checkpointOver(entries, privateKey, options.link, new Date(start + entries.length * 1000).toISOString()),
    );
  }
  return { entries, positions };
}

/** The entries as JSON Lines written with `JSON.stringify`, as exports were before lines were canonical. */
export function toJsonl(entries: readonly unknown[]): string {
  return entries.map((e) => JSON.stringify(e)).join('\n') + '\n';
}

/** The entries as the JSON Lines export writes them now: each line RFC 8785 canonical JSON. */
export function toCanonicalJsonl(entries: readonly unknown[]): string {
  return entries.map((e) => canonicalize(e)!).join('\n') + '\n';
}

/** Anchors as the sweep seals them: one over each export given, chained from the genesis hash, signed with `privateKey`. */
export function anchorsOver(exports: readonly LedgerEntry[][], privateKey: KeyObject): LedgerEntry[] {
  const anchors: LedgerEntry[] = [];
  for (const entries of exports) {
    const prev = anchors.at(-1);
    const body = {
      ...anchorDraft(chainHeads(entries), '2026-12-01T10:00:00.000Z'),
      incidentId: ANCHOR_CHAIN,
      seq: (prev?.seq ?? 0) + 1,
      prevHash: prev?.hash ?? GENESIS_HASH,
      keyId: KEY_ID,
    } as UnsignedLedgerEntry;
    anchors.push(seal(body, privateKey));
  }
  return anchors;
}
