import type { KeyObject } from 'node:crypto';
import type { IncidentRecord } from '../domain/incidentRecord';
import { publicKeyFromPem, verifyEntries, type LedgerVerdict } from '../domain/ledger';
import type { AppDeps } from './deps';

/** One incident's chain, verified. */
export interface ChainVerdict {
  incidentId: string;
  verdict: LedgerVerdict;
}

/**
 * Checks incidents' chains as `/chainsec verify` does: each entry with the
 * key it names, when that key is one the stack names (its signing key, or an
 * earlier one listed in `previousSigningKeyIds`: after a rotation, older
 * entries verify with the older key; each key is fetched once per checker),
 * and the chain's end against the incident's stored head, which catches a
 * chain cut short at its end. An entry naming any other key fails by name,
 * unfetched: a key that merely lets chainsec read it vouches for nothing.
 */
export function chainChecker(
  deps: Pick<AppDeps, 'ledger' | 'signer' | 'config'>,
): (record: IncidentRecord) => Promise<ChainVerdict> {
  const keys = new Map<string, KeyObject>();
  const trusted = new Set([deps.signer.keyId, ...deps.config.previousSigningKeyIds]);
  const load = async (keyId: string) => {
    if (!trusted.has(keyId)) return;
    if (!keys.has(keyId)) keys.set(keyId, publicKeyFromPem(await deps.signer.publicKeyPem(keyId)));
  };
  return async (record) => {
    const incidentId = record.incident.id;
    const entries = await deps.ledger.chain(incidentId);
    for (const keyId of new Set(entries.map((e) => e.keyId))) {
      await load(keyId).catch(() => undefined); // an unknown key fails that entry's check, by name
    }
    const verdict = verifyEntries(entries, (keyId) => keys.get(keyId));
    if (
      verdict.ok &&
      (entries.length !== record.ledgerSeq || entries[entries.length - 1]?.hash !== record.ledgerHead)
    ) {
      return {
        incidentId,
        verdict: {
          ok: false,
          line: entries.length,
          incidentId,
          seq: entries.length,
          reason: `chain ends at seq ${entries.length} but the incident's head is seq ${record.ledgerSeq}`,
        },
      };
    }
    return { incidentId, verdict };
  };
}
