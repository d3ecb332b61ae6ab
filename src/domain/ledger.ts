import { createHash, createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import { ecdsaSignatureBytes } from './ecdsaSignature';

/**
 * The decision ledger's entry format and its pure checks (docs/INTERFACES.md#the-decision-ledger).
 * `hash` = lowercase hex SHA-256 of the RFC 8785 canonical JSON of the entry
 * without `hash` and `signature`; `signature` = ECDSA P-256 over those 32 bytes
 * (KMS `Sign`, `MessageType: DIGEST`), base64 DER.
 */

export const LedgerEntryType = {
  IncidentReceived: 'incident_received',
  Vote: 'vote',
  Decision: 'decision',
  Acknowledged: 'acknowledged',
  Escalation: 'escalation',
  Expiry: 'expiry',
  WorkflowResumed: 'workflow_resumed',
  ActionExecuted: 'action_executed',
  FalsePositive: 'false_positive',
  /** The workflow could not deliver (or had refused) an approval request and failed closed. */
  ApprovalUndelivered: 'approval_undelivered',
  /** A pending card's facts changed through their own source's route (a detector re-emitting its finding). */
  IncidentUpdated: 'incident_updated',
  /** The incident now needs more approval (a finding re-sent at a higher severity): votes start again. */
  IncidentRaised: 'incident_raised',
  Checkpoint: 'ledger_checkpoint',
  /** A signed checkpoint of every chain's head written to write-once storage (src/domain/anchor.ts). */
  Anchor: 'ledger_anchor',
  /** A call an agent made through the governing proxy, and the rule that let it pass or refused it. */
  ToolCall: 'tool_call',
  /** What the upstream answered to a forwarded call (or that it failed). */
  ToolCallResult: 'tool_call_result',
} as const;
export type LedgerEntryType = (typeof LedgerEntryType)[keyof typeof LedgerEntryType];

/** `prevHash` of every chain's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON values an entry may carry. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

/** An entry before it is hashed and signed. */
export interface UnsignedLedgerEntry {
  type: LedgerEntryType;
  incidentId: string;
  /** 1-based position in the incident's chain. */
  seq: number;
  /** Slack user id where a person acted, else `chainsec` or `workflow`. */
  actor: string;
  at: string;
  prevHash: string;
  keyId: string;
  /** `approve` | `deny` | `rollback` | `expired` on `decision` entries. */
  decision?: string;
  [extra: string]: JsonValue | undefined;
}

export interface LedgerEntry extends UnsignedLedgerEntry {
  hash: string;
  signature: string;
}

/** The canonical bytes that are hashed: the entry without `hash` and `signature`. */
export function canonicalBytes(entry: UnsignedLedgerEntry | LedgerEntry): Buffer {
  const { hash: _h, signature: _s, ...body } = entry as LedgerEntry;
  const text = canonicalize(body);
  if (text === undefined) throw new Error('entry cannot be canonicalised');
  return Buffer.from(text, 'utf8');
}

/** The entry's hash as 32 bytes. */
export function entryDigest(entry: UnsignedLedgerEntry | LedgerEntry): Buffer {
  return createHash('sha256').update(canonicalBytes(entry)).digest();
}

/** The entry's hash as lowercase hex. */
export function entryHash(entry: UnsignedLedgerEntry | LedgerEntry): string {
  return entryDigest(entry).toString('hex');
}

/** Reads a PEM (SPKI) public key. */
export function publicKeyFromPem(pem: string): KeyObject {
  return createPublicKey({ key: pem, format: 'pem' });
}

/**
 * Checks one entry's signature over its digest with `key`. The signature must
 * be written in its one form (src/domain/ecdsaSignature.ts): its text is not
 * covered by the hash, so any other spelling that decodes to the same bytes
 * would let a line carry words nobody signed and still verify.
 */
export function signatureValid(entry: LedgerEntry, key: KeyObject): boolean {
  const der = ecdsaSignatureBytes(entry.signature);
  if (!der) return false;
  try {
    // Verifying the canonical bytes with SHA-256 is verifying the signature over their digest.
    return verifySignature('sha256', canonicalBytes(entry), { key, dsaEncoding: 'der' }, der);
  } catch {
    return false;
  }
}

export type LedgerVerdict =
  | { ok: true; entries: number; chains: number }
  | { ok: false; line: number; incidentId: string; seq: number | null; reason: string };

/**
 * A key lookup by `keyId`, or one key for every entry. The entry is passed too
 * because `keyId` alone cannot tell keys apart offline: it is whatever the
 * signer was configured with (a KMS alias keeps its name across a rotation), so
 * a verifier holding several trusted keys picks the one that verifies the entry.
 */
export type KeyResolver = (keyId: string, entry: LedgerEntry) => KeyObject | undefined;

const REQUIRED = ['type', 'incidentId', 'seq', 'actor', 'at', 'prevHash', 'keyId', 'hash', 'signature'] as const;

/**
 * Verifies entries in export order: each chain (one per incident) must start at
 * seq 1 with {@link GENESIS_HASH}, link each `prevHash` to the previous `hash`,
 * hash to its own `hash`, and carry a valid signature. When a signed
 * `ledger_checkpoint` entry is present it must name every chain's head, so a
 * chain cut short at its end is caught too.
 * @param lines 1-based line numbers of the entries in the source file (for messages)
 */
export function verifyEntries(
  entries: readonly LedgerEntry[],
  keys: KeyResolver,
  lines?: readonly number[],
): LedgerVerdict {
  const heads = new Map<string, { seq: number; hash: string }>();
  /** Where each (incident, seq) was first seen, to name both entries of a conflict. */
  const places = new Map<string, { hash: string; line: number }>();
  let checkpoint: { entry: LedgerEntry; line: number } | undefined;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const line = lines?.[i] ?? i + 1;
    const fail = (reason: string): LedgerVerdict => ({
      ok: false,
      line,
      incidentId: typeof e.incidentId === 'string' ? e.incidentId : '?',
      seq: typeof e.seq === 'number' ? e.seq : null,
      reason,
    });
    for (const k of REQUIRED) if (e[k] === undefined || e[k] === null) return fail(`missing field ${k}`);
    if (entryHash(e) !== e.hash) return fail('hash does not match the entry content');
    if (!ecdsaSignatureBytes(e.signature)) {
      return fail('signature is not standard base64 of a DER ECDSA signature (its text was changed)');
    }
    const key = keys(e.keyId, e);
    if (!key) return fail(`no public key for keyId ${e.keyId}`);
    if (!signatureValid(e, key)) return fail('signature is not valid for this entry');
    if (e.type === LedgerEntryType.Checkpoint) {
      if (checkpoint) return fail('more than one checkpoint');
      checkpoint = { entry: e, line };
      continue;
    }
    if (checkpoint) return fail('entry after the checkpoint');
    const place = `${e.incidentId}\u0000${e.seq}`;
    const held = places.get(place);
    if (held && held.hash !== e.hash) {
      const first = `line ${held.line} (hash ${held.hash.slice(0, 12)}…, the ledger table's)`;
      const second = `line ${line} (hash ${String(e.hash).slice(0, 12)}…, an outbox's)`;
      return fail(`conflicting entries at this place: ${first} and ${second}: the chain is forked`);
    }
    if (!held) places.set(place, { hash: e.hash, line });
    const head = heads.get(e.incidentId);
    const expectedSeq = head ? head.seq + 1 : 1;
    const expectedPrev = head ? head.hash : GENESIS_HASH;
    if (e.seq !== expectedSeq)
      return fail(`expected seq ${expectedSeq} in this chain, found ${e.seq} (entry missing or out of order)`);
    if (e.prevHash !== expectedPrev) return fail('prevHash does not match the previous entry of this chain');
    heads.set(e.incidentId, { seq: e.seq, hash: e.hash });
  }
  if (checkpoint) {
    const named = checkpoint.entry.heads;
    const fail = (reason: string): LedgerVerdict => ({
      ok: false,
      line: checkpoint!.line,
      incidentId: '*',
      seq: null,
      reason,
    });
    if (typeof named !== 'object' || named === null || Array.isArray(named)) return fail('checkpoint has no heads');
    const namedHeads = named as Record<string, JsonValue>;
    for (const [incidentId, head] of heads) {
      const h = namedHeads[incidentId] as { seq?: number; hash?: string } | undefined;
      if (!h) return fail(`checkpoint does not list chain ${incidentId}`);
      if (h.seq !== head.seq || h.hash !== head.hash) {
        return {
          ok: false,
          line: checkpoint.line,
          incidentId,
          seq: head.seq,
          reason: `chain ${incidentId} ends at seq ${head.seq} but the checkpoint says seq ${String(h.seq)} (entries removed at its end?)`,
        };
      }
    }
    for (const incidentId of Object.keys(namedHeads)) {
      if (!heads.has(incidentId)) return fail(`chain ${incidentId} named by the checkpoint is missing`);
    }
  }
  return { ok: true, entries: entries.length, chains: heads.size };
}
