import { verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import { handleCommand, type ActionCommand } from '../../examples/executor/handler';
import { ErrorCode } from '../../src/errors';
import { eventually } from '../support/localAws';
import { useHarness, unique, criticalOnChain, requestApproval } from '../support/sandboxHarness';
import { memoryRedemptions, sha256Canonical } from '../unit/receipts/receiptFixture';

/** Whether `signature` (base64 DER) is `pem`'s ECDSA signature over `body` in RFC 8785 form, checked here with node:crypto. */
function signedBy(pem: string, body: unknown, signature: string): boolean {
  return verify(
    'sha256',
    Buffer.from(canonicalize(body)!, 'utf8'),
    { key: pem, dsaEncoding: 'der' },
    Buffer.from(signature, 'base64'),
  );
}

describe('E2E: receipts, through the sandbox', () => {
  const h = useHarness();

  it('critical approved by two: the output and the command carry a receipt the sandbox key verifies; an executor runs it once', async () => {
    // Prepare
    const tx = `0x${unique()}e1`;
    const { arn, card, id } = await requestApproval(h, criticalOnChain(tx));

    // Act
    await h.click({ user: 'U0APPROVER1', actionId: 'chainsec_approve', value: id, messageTs: card.ts });
    await h.waitForMessage('1 of 2', { kind: 'ephemeral', user: 'U0APPROVER1' });
    await h.click({ user: 'U0APPROVER2', actionId: 'chainsec_approve', value: id, messageTs: card.ts });
    const execution = await h.waitForExecution(arn);
    const pem = await (await fetch(`${h.url}/sandbox/public-key`)).text();

    // Assess: the receipt, checked with node:crypto over an RFC 8785 rendering made here
    expect(execution.status).toBe('SUCCEEDED');
    const { receipt } = execution.output.approval;
    const { signature, ...body } = receipt;
    expect(Object.keys(body).sort()).toEqual([
      'actionDigest',
      'decidedAt',
      'decidedBy',
      'decision',
      'expiresAt',
      'incidentId',
      'keyId',
      'ledgerHash',
    ]);
    expect(signedBy(pem, body, signature)).toBe(true);
    expect(body).toMatchObject({
      incidentId: id,
      decision: 'approve',
      ledgerHash: execution.output.approval.ledgerHash,
    });
    expect([...body.decidedBy].sort()).toEqual(['U0APPROVER1', 'U0APPROVER2']);
    expect(body.actionDigest).toBe(sha256Canonical(execution.output.proposedAction));
    expect(Date.parse(body.expiresAt) - Date.parse(body.decidedAt)).toBe(15 * 60 * 1000);
    expect(JSON.stringify(card.blocks)).toContain(body.actionDigest.slice(0, 12));

    // Assess: the ledger's incident_received and decision entries carry the digest
    const ledger = (await (await fetch(`${h.url}/sandbox/ledger`)).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const chain = ledger.filter((e) => e.incidentId === id);
    expect(chain.find((e) => e.type === 'incident_received').actionDigest).toBe(body.actionDigest);
    expect(chain.find((e) => e.type === 'decision').actionDigest).toBe(body.actionDigest);

    // Assess: the command on the actions topic carries it, and the example executor runs it once
    const commands = h.sandbox.sns
      .published()
      .map((m) => JSON.parse(m.Message) as ActionCommand & { receipt?: unknown })
      .filter((c) => c.incidentId === id && c.operation === 'execute');
    expect(commands).toHaveLength(1);
    expect(commands[0]!.receipt).toEqual(receipt);
    const redemptions = memoryRedemptions();
    const deps = {
      verification: { publicKey: pem },
      redemptions,
      run: async () => {},
      log: () => {},
      now: () => new Date(),
      name: 'e2e',
    };
    expect(await handleCommand(commands[0]!, deps)).toEqual({ ran: true, incidentId: id });
    expect(await handleCommand(commands[0]!, deps)).toMatchObject({ ran: false, code: ErrorCode.ReceiptReplayed });
  });

  it('critical nobody decides: the expiry rolls the containment back with a receipt decided by chainsec, citing the expiry entry', async () => {
    // Prepare
    const tx = `0x${unique()}e2`;
    const { arn, id } = await requestApproval(h, criticalOnChain(tx));

    // Act: the sweep runs after the critical window (4 h by default)
    const now = new Date(Date.now() + 5 * 60 * 60 * 1000).toISOString();
    await h.json('POST', '/sandbox/tick', { now });
    const execution = await h.waitForExecution(arn);
    const pem = await (await fetch(`${h.url}/sandbox/public-key`)).text();

    // Assess
    expect(execution.output.approval.decision).toBe('expired');
    expect(execution.output.actionResult.operation).toBe('rollback');
    const { signature, ...body } = execution.output.approval.receipt;
    expect(signedBy(pem, body, signature)).toBe(true);
    const ledger = (await (await fetch(`${h.url}/sandbox/ledger`)).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const expiry = ledger.find((e) => e.incidentId === id && e.type === 'expiry');
    expect(body).toMatchObject({
      incidentId: id,
      decision: 'expired',
      decidedBy: ['chainsec'],
      ledgerHash: expiry.hash,
    });
    const rollback = h.sandbox.sns
      .published()
      .map((m) => JSON.parse(m.Message) as { incidentId?: string; operation?: string; receipt?: unknown })
      .find((c) => c.incidentId === id && c.operation === 'rollback');
    expect(rollback?.receipt).toEqual(execution.output.approval.receipt);
  });

  it("critical, the workflow's own timeout fires before chainsec decides: no rollback command leaves without a receipt", async () => {
    // Prepare
    const tx = `0x${unique()}e3`;
    const { arn, id } = await requestApproval(h, criticalOnChain(tx));
    await eventually(() => (h.sandbox.sfn.waitingTasks(arn).length > 0 ? true : undefined), 20_000, 50);

    // Act
    h.sandbox.sfn.timeOutWaitingTask(arn);
    const execution = await h.waitForExecution(arn);

    // Assess
    expect(execution.output.approval).toMatchObject({ decision: 'expired', reason: 'workflow timeout' });
    expect(execution.output.actionResult).toMatchObject({ operation: 'rollback', status: 'failed' });
    const rollbacks = h.sandbox.sns
      .published()
      .map((m) => JSON.parse(m.Message) as { incidentId?: string; operation?: string })
      .filter((c) => c.incidentId === id && c.operation === 'rollback');
    expect(rollbacks).toEqual([]);
  });
});
