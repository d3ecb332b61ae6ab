import { verify } from 'node:crypto';
import { handleCommand, type ExecutorDeps } from '../../../examples/executor/handler';
import { ErrorCode } from '../../../src/errors';
import { ACTION, memoryRedemptions, p256, signedReceipt, VALID_AT } from '../receipts/receiptFixture';

const signer = p256();
const stranger = p256();

function executor(): ExecutorDeps & { ran: unknown[]; logs: Array<Record<string, unknown>> } {
  const redemptions = memoryRedemptions();
  const ran: unknown[] = [];
  const logs: Array<Record<string, unknown>> = [];
  return {
    verification: { publicKey: signer.pem },
    redemptions,
    run: async (command) => {
      ran.push(command);
    },
    log: (line) => logs.push(line),
    now: () => VALID_AT,
    name: 'test-executor',
    ran,
    logs,
  };
}

const command = (overrides: Record<string, unknown> = {}) => ({
  operation: 'execute',
  incidentId: 'onchain-0xfeed',
  action: ACTION,
  receipt: signedReceipt(signer.privateKey),
  ...overrides,
});

describe('Example: executor (examples/executor/handler.ts)', () => {
  it('runs a command whose receipt allows exactly this action, once', async () => {
    // Prepare
    const deps = executor();

    // Act
    const outcome = await handleCommand(command(), deps);

    // Assess
    expect(outcome).toEqual({ ran: true, incidentId: 'onchain-0xfeed' });
    expect(deps.ran).toHaveLength(1);
  });

  it.each([
    ['unsigned', command({ receipt: null }), ErrorCode.ReceiptMalformed, /unsigned/],
    [
      'signed by someone else',
      command({ receipt: signedReceipt(stranger.privateKey) }),
      ErrorCode.ReceiptFieldChanged,
      /signature/,
    ],
    [
      'expired',
      command({ receipt: signedReceipt(signer.privateKey, { expiresAt: '2026-12-01T10:01:00.000Z' }) }),
      ErrorCode.ReceiptExpired,
      /expired/,
    ],
    [
      'widened',
      command({ action: { ...ACTION, parameters: { ...ACTION.parameters, limit: 10_000 } } }),
      ErrorCode.ReceiptActionMismatch,
      /digest/,
    ],
    ['for another incident', command({ incidentId: 'onchain-other' }), ErrorCode.ReceiptFieldChanged, /incident/],
    [
      'an approval used for a rollback',
      command({ operation: 'rollback', receipt: signedReceipt(signer.privateKey, { decision: 'approve' }) }),
      ErrorCode.ReceiptActionMismatch,
      /does not allow rollback/,
    ],
    [
      'whose operation names a property every object has',
      command({ operation: 'constructor' }),
      ErrorCode.ReceiptActionMismatch,
      /needs no receipt this executor honours/,
    ],
    [
      'whose operation is __proto__',
      command({ operation: '__proto__' }),
      ErrorCode.ReceiptActionMismatch,
      /needs no receipt this executor honours/,
    ],
  ])('refuses a command %s and says why in its log', async (_what, cmd, code, reason) => {
    // Prepare
    const deps = executor();

    // Act
    const outcome = await handleCommand(cmd, deps);

    // Assess
    expect(outcome).toMatchObject({ ran: false, code });
    expect(deps.ran).toEqual([]);
    expect(deps.logs).toEqual([
      expect.objectContaining({ message: 'command refused', code, reason: expect.stringMatching(reason) }),
    ]);
  });

  it('runs nothing on a receipt signed by a key the receipt names itself, when checked with KMS Verify', async () => {
    // Prepare: KMS Verify checks with whatever key id it is given; an attacker names a key of their own
    // whose key policy lets everyone verify (a key in another account), and signs the receipt with it.
    const attackerKeyId = 'arn:aws:kms:us-east-1:999999999999:key/attacker';
    const kms = new Map([
      ['alias/chainsec-ledger', signer.publicKey],
      [attackerKeyId, stranger.publicKey],
    ]);
    const kmsVerify = (digest: Buffer, signature: Buffer, keyId: string): boolean => {
      const key = kms.get(keyId);
      return key !== undefined && verify(null, digest, { key, dsaEncoding: 'der' }, signature);
    };
    const deps = { ...executor(), verification: { checkSignature: kmsVerify } };
    const forged = command({ receipt: signedReceipt(stranger.privateKey, { keyId: attackerKeyId }) });

    // Act
    const outcome = handleCommand(forged, deps);

    // Assess: an executor configured without the key ids it trusts is refused loudly, and nothing runs
    await expect(outcome).rejects.toThrow(/needs trustedKeyIds/);
    expect(deps.ran).toEqual([]);
  });

  it('refuses a receipt naming a key it does not trust when checked with KMS Verify', async () => {
    // Prepare
    const attackerKeyId = 'arn:aws:kms:us-east-1:999999999999:key/attacker';
    const kmsVerify = (digest: Buffer, signature: Buffer): boolean =>
      verify(null, digest, { key: stranger.publicKey, dsaEncoding: 'der' }, signature);
    const deps = {
      ...executor(),
      verification: { checkSignature: kmsVerify, trustedKeyIds: ['alias/chainsec-ledger'] },
    };
    const forged = command({ receipt: signedReceipt(stranger.privateKey, { keyId: attackerKeyId }) });

    // Act
    const outcome = await handleCommand(forged, deps);

    // Assess
    expect(outcome).toMatchObject({ ran: false, code: ErrorCode.ReceiptWrongKey });
    expect(deps.ran).toEqual([]);
  });

  it('refuses a replayed command: the same receipt runs its action once', async () => {
    // Prepare
    const deps = executor();
    await handleCommand(command(), deps);

    // Act
    const replay = await handleCommand(command(), deps);

    // Assess
    expect(replay).toMatchObject({ ran: false, code: ErrorCode.ReceiptReplayed });
    expect(deps.ran).toHaveLength(1);
    expect(deps.logs.at(-1)).toMatchObject({
      message: 'command refused',
      reason: expect.stringMatching(/redeemed before/),
    });
  });
});
