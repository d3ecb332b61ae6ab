import { runCommand } from '../../../src/app/runCommand';
import type { AppDeps } from '../../../src/app/deps';
import { GENESIS_HASH, LedgerEntryType, type LedgerEntry } from '../../../src/domain/ledger';
import { p256, seal } from '../domain/ledgerFixture';
import { fakeAppDeps } from '../../support/fakes/fakeAppDeps';
import { approvalRecord } from '../../support/records';

const ID = 'INC-ROTATED000';
const OLD = 'arn:aws:kms:us-east-1:000000000000:key/old';
const NEW = 'arn:aws:kms:us-east-1:000000000000:key/new';

/** A chain whose first entries were signed before a key rotation and the rest after. */
function rotatedChain(
  oldKey: ReturnType<typeof p256>,
  newKey: ReturnType<typeof p256>,
  lastKeyId = NEW,
): LedgerEntry[] {
  const steps = [
    { type: LedgerEntryType.IncidentReceived, actor: 'agent', keyId: OLD, key: oldKey },
    { type: LedgerEntryType.Vote, actor: 'U0APPROVER1', keyId: NEW, key: newKey },
    { type: LedgerEntryType.Decision, actor: 'U0APPROVER1', decision: 'deny', keyId: lastKeyId, key: newKey },
  ];
  const entries: LedgerEntry[] = [];
  let prevHash = GENESIS_HASH;
  steps.forEach(({ key, ...s }, i) => {
    const e = seal({ ...s, incidentId: ID, seq: i + 1, at: `2026-11-23T10:0${i}:00.000Z`, prevHash }, key.privateKey);
    entries.push(e);
    prevHash = e.hash;
  });
  return entries;
}

/** The app over `entries`, with KMS holding `pems`; the stack names `previous` as its earlier keys (OLD by default). */
function deps(entries: LedgerEntry[], pems: Record<string, string>, previous: string[] = [OLD]): AppDeps {
  const last = entries[entries.length - 1]!;
  const { deps, storage } = fakeAppDeps({ now: '2026-11-23T12:00:00Z' });
  const record = approvalRecord(new Date('2026-11-23T10:00:00Z'), { ledgerSeq: last.seq, ledgerHead: last.hash });
  storage.table.seed({ ...record, incident: { ...record.incident, id: ID } }, { unpublished: entries });
  return {
    ...deps,
    config: { ...deps.config, previousSigningKeyIds: previous },
    signer: {
      keyId: NEW,
      signDigest: async () => '',
      publicKeyPem: async (keyId = NEW) => {
        const pem = pems[keyId];
        if (!pem) throw new Error(`NotFoundException: ${keyId}`);
        return pem;
      },
    },
  };
}

describe('Function: runCommand', () => {
  describe('verify <id> across a signing-key rotation', () => {
    const oldKey = p256();
    const newKey = p256();

    it('verifies each entry with the key it names', async () => {
      const [answer] = await runCommand(
        deps(rotatedChain(oldKey, newKey), { [OLD]: oldKey.publicPem, [NEW]: newKey.publicPem }),
        { text: `verify ${ID}`, userId: 'U0APPROVER1', channelId: 'C0APPROVALS' },
      );
      expect(answer!.text).toBe('OK: ledger verified');
    });

    it('fails, naming the problem, when an entry names a key that cannot be found', async () => {
      const [answer] = await runCommand(deps(rotatedChain(oldKey, newKey), { [NEW]: newKey.publicPem }), {
        text: `verify ${ID}`,
        userId: 'U0APPROVER1',
        channelId: 'C0APPROVALS',
      });
      expect(answer!.text).toMatch(/^FAIL/);
      expect(JSON.stringify(answer!.blocks)).toContain(`no public key for keyId ${OLD}`);
    });

    it('fails, unfetched, an entry signed with a key the stack does not name, though KMS would hand its public key over', async () => {
      // Prepare: the old key is readable (a key policy naming the role would do), but not among the stack's keys
      const fetched: string[] = [];
      const d = deps(rotatedChain(oldKey, newKey), { [OLD]: oldKey.publicPem, [NEW]: newKey.publicPem }, []);
      const pemOf = d.signer.publicKeyPem;
      d.signer.publicKeyPem = async (keyId) => {
        fetched.push(keyId ?? NEW);
        return pemOf(keyId);
      };

      // Act
      const [answer] = await runCommand(d, { text: `verify ${ID}`, userId: 'U0APPROVER1', channelId: 'C0APPROVALS' });

      // Assess
      expect(answer!.text).toMatch(/^FAIL/);
      expect(JSON.stringify(answer!.blocks)).toContain(`no public key for keyId ${OLD}`);
      expect(fetched).not.toContain(OLD);
    });

    it('fails when an entry claims a key other than the one that signed it', async () => {
      const [answer] = await runCommand(
        deps(rotatedChain(oldKey, newKey, OLD), { [OLD]: oldKey.publicPem, [NEW]: newKey.publicPem }),
        { text: `verify ${ID}`, userId: 'U0APPROVER1', channelId: 'C0APPROVALS' },
      );
      expect(JSON.stringify(answer!.blocks)).toContain('signature is not valid');
    });
  });
});
