import { createHash, sign, verify } from 'node:crypto';
import { containmentActionDigest } from '../../../src/domain/actionDigest';
import canonicalize from 'canonicalize';
import { deliverDecision } from '../../../src/app/deliverDecision';
import { normalizeIncident } from '../../../src/domain/incident';
import { DeliveryStatus, IncidentStatus, type IncidentRecord } from '../../../src/domain/incidentRecord';
import { GENESIS_HASH, type LedgerEntry, LedgerEntryType } from '../../../src/domain/ledger';
import type { WorkflowDecisionOutput } from '../../../src/domain/messages';
import { defaultApprovalPolicy } from '../../../src/domain/policy';
import { ErrorCode } from '../../../src/errors';
import { verifyReceiptWithKey } from '../../../src/receipts/verifyReceipt';
import type { StoredIncident } from '../../../src/services/IncidentRepository';
import type { Signer } from '../../../src/services/Signer';
import { sweep } from '../../../src/app/sweep';
import { fakeAppDeps } from '../../support/fakes/fakeAppDeps';
import { seedApproval } from '../../support/fakes/seeds';
import { onChainEvent } from '../domain/fixtures';
import { ACTION, p256, sha256Canonical } from '../receipts/receiptFixture';

const key = p256();
const decidedAt = '2026-12-01T10:00:00.000Z';
const decisionHash = 'cd'.repeat(32);

function decided(overrides: Partial<IncidentRecord> = {}): StoredIncident {
  const incident = normalizeIncident(onChainEvent({ tx_hash: '0xfeed' }), 'critical', new Date(decidedAt));
  const record: IncidentRecord = {
    incident,
    tier: 'critical',
    status: IncidentStatus.Decided,
    kind: 'approval',
    proposedAction: ACTION,
    actionDigest: sha256Canonical(ACTION),
    reasoning: '',
    evidence: [],
    requestedAt: decidedAt,
    votes: [],
    decision: 'approve',
    decidedBy: ['U0APPROVER1', 'U0APPROVER2'],
    decidedAt,
    decisionHash,
    delivery: DeliveryStatus.Pending,
    escalationLevel: 0,
    dryRun: false,
    actions: [],
    ledgerSeq: 3,
    ledgerHead: decisionHash,
    ...overrides,
  };
  return { record, taskToken: 'token-1', version: 1 };
}

/**
 * A {@link Signer} with `key`, as KMS signs: it is asked a signature for a
 * digest (see {@link signPrehashed}).
 */
const keySigner: Signer = {
  keyId: 'alias/test',
  signDigest: async (digest) => signPrehashed(digest),
  publicKeyPem: async () => key.pem,
};

/** A ledger entry of `incidentId` at `seq`, as the storage sees it (it neither hashes nor verifies). */
const entryAt = (incidentId: string, seq: number, type: LedgerEntryType, hash: string): LedgerEntry => ({
  type,
  incidentId,
  seq,
  actor: 'chainsec',
  at: decidedAt,
  prevHash: GENESIS_HASH,
  keyId: 'alias/test',
  hash,
  signature: 'c2ln',
});

/**
 * Deps on fakes around one stored incident (seeded in the in-memory table,
 * with `ledger` in the ledger table): the receipts of critical approvals last
 * 10 minutes; the signer signs with `key` unless told to fail (a failing
 * FakeSigner, as KmsSigner when KMS cannot sign).
 */
function depsFor(stored: StoredIncident, opts: { signingFails?: boolean; ledger?: LedgerEntry[] } = {}) {
  const f = fakeAppDeps({ now: decidedAt });
  const policy = defaultApprovalPolicy({
    approverUserIds: ['U0APPROVER1', 'U0APPROVER2'],
    approvalsChannel: 'C0APPROVALS',
  });
  policy.critical = { ...policy.critical, receiptTtlSeconds: 600 };
  f.deps.config = { ...f.deps.config, policy };
  f.signer.failing = opts.signingFails ?? false;
  if (!opts.signingFails) f.deps.signer = keySigner;
  const id = stored.record.incident.id;
  f.storage.table.seed(stored.record, {
    ...(stored.taskToken !== undefined && { taskToken: stored.taskToken }),
    version: stored.version,
  });
  for (const e of opts.ledger ?? []) f.storage.table.putLedgerEntry(e, JSON.stringify(e));
  return {
    deps: f.deps,
    /** What the workflow was resumed with, in order. */
    resumed: (): WorkflowDecisionOutput[] => f.workflow.resumed.map((r) => r.output),
    /** The incident's record as stored now. */
    current: (): IncidentRecord => f.storage.table.peek(id)!.record,
  };
}

/** The bytes the test expects chainsec to ask a signature for (the receipt's RFC 8785 JSON, rendered here). */
let lastSigned: Buffer | undefined;

/**
 * node:crypto cannot sign a bare digest (it hashes what it signs), so the test
 * signer checks that the digest chainsec asks for is SHA-256 of the expected
 * bytes and signs those: the same signature KMS gives for the digest.
 */
function signPrehashed(digest: Buffer): string {
  if (!lastSigned || !createHash('sha256').update(lastSigned).digest().equals(digest))
    throw new Error('digest is not of the expected bytes');
  return sign('sha256', lastSigned, { key: key.privateKey, dsaEncoding: 'der' }).toString('base64');
}

/** The receipt body a test expects, rendered by `canonicalize` here (not by chainsec). */
function expectedBody(overrides: Record<string, unknown> = {}) {
  return {
    incidentId: 'onchain-0xfeed',
    actionDigest: sha256Canonical(ACTION),
    decision: 'approve',
    decidedBy: ['U0APPROVER1', 'U0APPROVER2'],
    decidedAt,
    expiresAt: '2026-12-01T10:10:00.000Z',
    ledgerHash: decisionHash,
    keyId: 'alias/test',
    ...overrides,
  };
}

describe('Function: deliverDecision (receipts)', () => {
  it('resumes an approval with a receipt that verifies over its RFC 8785 JSON with the ledger key', async () => {
    // Prepare
    const stored = decided();
    stored.record.incident.id = 'onchain-0xfeed';
    const { deps, resumed } = depsFor(stored);
    lastSigned = Buffer.from(canonicalize(expectedBody())!, 'utf8');

    // Act
    const outcome = await deliverDecision(deps, 'onchain-0xfeed');

    // Assess
    expect(outcome).toBe('delivered');
    const receipt = resumed()[0]!.receipt!;
    const { signature, ...body } = receipt;
    expect(body).toEqual(expectedBody());
    expect(
      verify(
        'sha256',
        Buffer.from(canonicalize(body)!, 'utf8'),
        { key: key.publicKey, dsaEncoding: 'der' },
        Buffer.from(signature, 'base64'),
      ),
    ).toBe(true);
    expect(resumed()[0]!.ledgerHash).toBe(decisionHash);
  });

  it('fails closed: when the receipt cannot be signed the workflow is not resumed and the decision stays undelivered', async () => {
    // Prepare
    const stored = decided();
    const { deps, resumed, current } = depsFor(stored, { signingFails: true });

    // Act
    const outcome = await deliverDecision(deps, stored.record.incident.id);

    // Assess
    expect(outcome).toBe('retry_later');
    expect(resumed()).toEqual([]);
    expect(current().delivery).toBe(DeliveryStatus.Pending);
  });

  it('gives a dry-run approval a receipt expired at issue, which no executor check accepts', async () => {
    // Prepare
    const stored = decided({ dryRun: true });
    stored.record.incident.id = 'onchain-0xfeed';
    const { deps, resumed } = depsFor(stored);
    lastSigned = Buffer.from(canonicalize(expectedBody({ expiresAt: decidedAt }))!, 'utf8');

    // Act
    const outcome = await deliverDecision(deps, 'onchain-0xfeed');
    const receipt = resumed()[0]!.receipt!;
    const check = () => verifyReceiptWithKey(receipt, { publicKey: key.pem, now: new Date(decidedAt) });

    // Assess
    expect(outcome).toBe('delivered');
    expect(receipt.expiresAt).toBe(decidedAt);
    expect(check).toThrow(expect.objectContaining({ code: ErrorCode.ReceiptExpired }));
  });

  it('gives a deny no receipt', async () => {
    // Prepare
    const stored = decided({ decision: 'deny', decidedBy: ['U0APPROVER1'] });
    const { deps, resumed } = depsFor(stored, { signingFails: true });

    // Act
    const outcome = await deliverDecision(deps, stored.record.incident.id);

    // Assess
    expect(outcome).toBe('delivered');
    expect(resumed()[0]!.receipt).toBeUndefined();
  });

  it('gives an expiry that rolls the containment back a receipt decided by chainsec, citing the expiry entry', async () => {
    // Prepare
    const containment = {
      type: 'pause_contract',
      target: '0xabc',
      reversible: true,
      at: decidedAt,
      status: 'executed' as const,
    };
    // A containment the stack's own workflow carried out, as chainsec recorded it at ingest.
    const containmentDigest = containmentActionDigest(containment);
    const stored = decided({
      status: IncidentStatus.Expired,
      decision: 'expired',
      decidedBy: [],
      containment,
      containmentDigest,
      origin: 'workflow',
    });
    stored.record.incident.id = 'onchain-0xfeed';
    const expiry = entryAt('onchain-0xfeed', 2, LedgerEntryType.Expiry, 'ee'.repeat(32));
    const decision = entryAt('onchain-0xfeed', 3, LedgerEntryType.Decision, decisionHash);
    const { deps, resumed } = depsFor(stored, { ledger: [expiry, decision] });
    lastSigned = Buffer.from(
      canonicalize(
        expectedBody({
          decision: 'expired',
          decidedBy: ['chainsec'],
          ledgerHash: 'ee'.repeat(32),
          actionDigest: containmentDigest,
        }),
      )!,
      'utf8',
    );

    // Act
    const outcome = await deliverDecision(deps, 'onchain-0xfeed');

    // Assess
    expect(outcome).toBe('delivered');
    expect(resumed()[0]!.receipt).toMatchObject({
      decision: 'expired',
      decidedBy: ['chainsec'],
      ledgerHash: 'ee'.repeat(32),
    });
  });

  it('fails closed on the fakes, and the sweep delivers the decision with its receipt once the key signs again', async () => {
    // Prepare
    const now = new Date(decidedAt);
    const f = fakeAppDeps({ now });
    const { record } = seedApproval(f.storage, now, {
      status: IncidentStatus.Decided,
      decision: 'approve',
      decidedBy: ['U0APPROVER1'],
      decidedAt,
      decisionHash,
      delivery: DeliveryStatus.Pending,
      ledgerSeq: 2,
    });
    f.signer.failing = true;

    // Act
    const first = await deliverDecision(f.deps, record.incident.id);
    const undelivered = f.storage.table.peek(record.incident.id)!.record.delivery;
    f.signer.failing = false;
    // The sweep re-drives a decision left undelivered for a while.
    const later = new Date(now.getTime() + 5 * 60_000);
    f.deps.clock = { now: () => later };
    await sweep(f.deps);

    // Assess
    expect(first).toBe('retry_later');
    expect(undelivered).toBe(DeliveryStatus.Pending);
    expect(f.telemetry.count('ReceiptSigningFailures')).toBe(1);
    expect(f.workflow.resumed).toHaveLength(1);
    expect(f.workflow.resumed[0]!.output.receipt).toMatchObject({
      incidentId: record.incident.id,
      decision: 'approve',
      ledgerHash: decisionHash,
    });
    expect(f.storage.table.peek(record.incident.id)!.record.delivery).toBe(DeliveryStatus.Delivered);
  });
});
