import { runCommand } from '../../../src/app/runCommand';
import { silentTelemetry } from '../../../src/app/telemetry';
import type { AppDeps } from '../../../src/app/deps';
import { fixedClock } from '../../../src/domain/clock';
import { GENESIS_HASH, LedgerEntryType, type LedgerEntry } from '../../../src/domain/ledger';
import { defaultApprovalPolicy } from '../../../src/domain/policy';
import type { IncidentRecord } from '../../../src/domain/incidentRecord';
import { p256, seal } from '../domain/ledgerFixture';

const ID = 'INC-ROTATED000';
const OLD = 'arn:aws:kms:us-east-1:000000000000:key/old';
const NEW = 'arn:aws:kms:us-east-1:000000000000:key/new';

/** A chain whose first entries were signed before a key rotation and the rest after. */
function rotatedChain(oldKey: ReturnType<typeof p256>, newKey: ReturnType<typeof p256>, lastKeyId = NEW): LedgerEntry[] {
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

function deps(entries: LedgerEntry[], pems: Record<string, string>): AppDeps {
  const last = entries[entries.length - 1]!;
  const record = { incident: { id: ID }, ledgerSeq: last.seq, ledgerHead: last.hash } as unknown as IncidentRecord;
  return {
    config: { approvalsChannel: 'C0APPROVALS', policy: defaultApprovalPolicy({ approverUserIds: ['U0APPROVER1'], approvalsChannel: 'C0APPROVALS' }), onCall: [], dryRun: false } as unknown as AppDeps['config'],
    incidents: { get: async () => ({ record, version: 1 }) } as unknown as AppDeps['incidents'],
    ledger: { chain: async () => entries, all: async () => entries },
    outbox: {} as AppDeps['outbox'],
    claims: {} as AppDeps['claims'],
    counters: {} as AppDeps['counters'],
    sideDocs: {} as AppDeps['sideDocs'],
    rejected: {} as AppDeps['rejected'],
    fullText: {} as AppDeps['fullText'],
    signer: {
      keyId: NEW,
      signDigest: async () => '',
      publicKeyPem: async (keyId = NEW) => {
        const pem = pems[keyId];
        if (!pem) throw new Error(`NotFoundException: ${keyId}`);
        return pem;
      },
    },
    workflow: {} as AppDeps['workflow'],
    slack: {} as AppDeps['slack'],
    summarizer: {} as AppDeps['summarizer'],
    clock: fixedClock('2026-11-23T12:00:00Z'),
    telemetry: silentTelemetry,
  };
}

describe('Function: runCommand', () => {
  describe('verify <id> across a signing-key rotation', () => {
    const oldKey = p256();
    const newKey = p256();

    it('verifies each entry with the key it names', async () => {
      const [answer] = await runCommand(deps(rotatedChain(oldKey, newKey), { [OLD]: oldKey.publicPem, [NEW]: newKey.publicPem }), { text: `verify ${ID}`, userId: 'U0APPROVER1', channelId: 'C0APPROVALS' });
      expect(answer!.text).toBe('OK: ledger verified');
    });

    it('fails, naming the problem, when an entry names a key that cannot be found', async () => {
      const [answer] = await runCommand(deps(rotatedChain(oldKey, newKey), { [NEW]: newKey.publicPem }), { text: `verify ${ID}`, userId: 'U0APPROVER1', channelId: 'C0APPROVALS' });
      expect(answer!.text).toMatch(/^FAIL/);
      expect(JSON.stringify(answer!.blocks)).toContain(`no public key for keyId ${OLD}`);
    });

    it('fails when an entry claims a key other than the one that signed it', async () => {
      const [answer] = await runCommand(deps(rotatedChain(oldKey, newKey, OLD), { [OLD]: oldKey.publicPem, [NEW]: newKey.publicPem }), { text: `verify ${ID}`, userId: 'U0APPROVER1', channelId: 'C0APPROVALS' });
      expect(JSON.stringify(answer!.blocks)).toContain('signature is not valid');
    });
  });
});
