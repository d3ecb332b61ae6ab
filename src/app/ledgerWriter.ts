import {
  entryHash,
  type JsonValue,
  type LedgerEntry,
  type LedgerEntryType,
  type UnsignedLedgerEntry,
} from '../domain/ledger';
import { ErrorCode } from '../errors';
import type { StoredIncident } from '../services/IncidentRepository';
import type { Signer } from '../services/Signer';
import type { AppDeps } from './deps';

/** What a use case says about an entry; seq, links, key id and signature are added here. */
export interface EntryDraft {
  type: LedgerEntryType;
  actor: string;
  at: string;
  [extra: string]: JsonValue | undefined;
}

/** An entry chained and hashed, not signed yet. */
export type ChainedEntry = UnsignedLedgerEntry & { hash: string };

/**
 * Chains drafts after the incident's current head and signs them. Hashes are
 * computed in order (each links to the one before); signatures are requested
 * in parallel, since each covers only its own hash.
 * @throws SigningFailedError when the key cannot sign: nothing is written then
 */
export function sealEntries(
  signer: Signer,
  incidentId: string,
  head: { seq: number; hash: string },
  drafts: readonly EntryDraft[],
): Promise<LedgerEntry[]> {
  return signEntries(signer, chainEntries(signer, incidentId, head, drafts));
}

/**
 * Chains drafts after the incident's current head: seq, links, key id and
 * hash (which does not cover the signature, docs/INTERFACES.md#the-decision-ledger), in order.
 */
export function chainEntries(
  signer: Pick<Signer, 'keyId'>,
  incidentId: string,
  head: { seq: number; hash: string },
  drafts: readonly EntryDraft[],
): ChainedEntry[] {
  let seq = head.seq;
  let prevHash = head.hash;
  const chained: ChainedEntry[] = [];
  for (const d of drafts) {
    const body: UnsignedLedgerEntry = { ...stripUndefined(d), incidentId, seq: ++seq, prevHash, keyId: signer.keyId };
    const hash = entryHash(body);
    chained.push({ ...body, hash });
    prevHash = hash;
  }
  return chained;
}

/**
 * Signs chained entries, in parallel (each signature covers only its own hash).
 * @throws SigningFailedError when the key cannot sign: nothing is written then
 */
export async function signEntries(signer: Signer, chained: readonly ChainedEntry[]): Promise<LedgerEntry[]> {
  // The signed digest is the 32 bytes of `hash` (docs/INTERFACES.md#the-decision-ledger).
  const signatures = await Promise.all(chained.map(({ hash }) => signer.signDigest(Buffer.from(hash, 'hex'))));
  return chained.map((e, i) => ({ ...e, signature: signatures[i]! }));
}

function stripUndefined(d: EntryDraft): EntryDraft {
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(d)) if (v !== undefined) out[k] = v;
  return out as EntryDraft;
}

/**
 * Publishes an incident's committed entries to the ledger table (see
 * LedgerOutbox.publish). Never throws: the entries are in the ledger
 * already (inside the incident), and the sweep publishes what is left.
 */
export async function publishEntries(
  deps: Pick<AppDeps, 'outbox' | 'telemetry'>,
  incidentId: string,
  known?: StoredIncident,
): Promise<void> {
  try {
    await deps.outbox.publish(incidentId, known);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === ErrorCode.LedgerConflict) {
      // Never expected: another entry holds this place. Nothing is replaced.
      deps.telemetry.error('ledger entry conflicts with the stored one; left unpublished', {
        incidentId,
        ...(e as { details?: object }).details,
      });
      deps.telemetry.metric('LedgerConflicts');
      return;
    }
    deps.telemetry.warn('ledger entries committed; publishing them is left to the sweep', {
      incidentId,
      error: (e as Error).message,
    });
  }
}
