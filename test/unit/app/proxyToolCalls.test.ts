import { generateKeyPairSync, sign } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ApprovalStatus } from '../../../src/app/approvalStatus';
import { toolCallResult } from '../../../src/app/heldToolCalls';
import { callProxiedTool } from '../../../src/app/proxyToolCalls';
import { actionDigest } from '../../../src/domain/actionDigest';
import { AgentPoliciesSchema } from '../../../src/domain/agents';
import type { LedgerEntry } from '../../../src/domain/ledger';
import { toolCallAction, UpstreamsSchema } from '../../../src/domain/toolPolicy';
import { receiptCanonicalBytes, type Receipt, type UnsignedReceipt } from '../../../src/domain/receipt';
import type { McpApproval } from '../../../src/services/McpApprovals';
import type { UpstreamMcp } from '../../../src/services/UpstreamMcp';
import { fakeAppDeps } from '../../support/fakes/fakeAppDeps';
import { InMemoryMcpApprovals } from '../../support/fakes/InMemoryMcpApprovals';

describe('Use case: the governing proxy', () => {
  const [ops] = AgentPoliciesSchema.parse([{ name: 'agent-ops' }]);
  const upstreams = UpstreamsSchema.parse([
    {
      name: 'files',
      url: 'https://files.example.com/mcp',
      rules: [
        { tool: 'read_file', decision: 'allow' },
        { tool: 'delete_file', decision: 'approve', tier: 'critical' },
      ],
    },
  ]);
  const args = { path: '/srv/report.csv' };
  // A real P-256 key: the proxy checks an approval's receipt as an executor does (signature, expiry, action).
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const signed = (unsigned: UnsignedReceipt): Receipt => ({
    ...unsigned,
    signature: sign('sha256', receiptCanonicalBytes(unsigned), { key: key.privateKey, dsaEncoding: 'der' }).toString(
      'base64',
    ),
  });

  function setup(
    answer: () => Promise<CallToolResult> = async () => ({ content: [{ type: 'text', text: 'done' }] }),
    now = '2026-11-23T10:10:00Z',
  ) {
    const f = fakeAppDeps({ now });
    f.signer.publicKeyPem = async () => pem;
    const approvals = new InMemoryMcpApprovals();
    const calls: Array<{ tool: string; args: unknown }> = [];
    const upstreamMcp: UpstreamMcp = {
      listTools: async () => [],
      callTool: (_u, tool, a) => {
        calls.push({ tool, args: a });
        return answer();
      },
    };
    const entries: LedgerEntry[] = [];
    const ledger = { failing: false };
    const toolCalls = {
      append: async (e: LedgerEntry) => {
        if (ledger.failing) throw new Error('ledger down');
        entries.push(e);
      },
    };
    const ctx = { deps: f.deps, approvals, resultRetentionSeconds: 3600, proxy: { upstreams, upstreamMcp, toolCalls } };
    return { ctx, approvals, calls, entries, ledger, keyId: f.signer.keyId, telemetry: f.telemetry };
  }

  /**
   * A stored request holding `delete_file` with `held` arguments, approved at 10:05 (receipt valid 15 minutes,
   * signed with the stack's key `keyId`); its receipt binds `bound`.
   */
  async function approved(
    approvals: InMemoryMcpApprovals,
    keyId: string,
    held: Record<string, unknown>,
    bound: Record<string, unknown> = held,
    options: { dryRun?: boolean; receipt?: Partial<UnsignedReceipt> } = {},
  ): Promise<{ approval: McpApproval; status: ApprovalStatus }> {
    const approval: McpApproval = {
      approvalId: 'apr_AAAAAAAAAAAAAAAAAAAAAA',
      agent: 'agent-ops',
      incidentId: 'INC-0000000001',
      tier: 'critical',
      requestedAt: '2026-11-23T10:00:00.000Z',
      expiresAt: '2027-11-23T10:00:00.000Z',
      toolCall: { server: 'files', tool: 'delete_file', arguments: held, rule: 'files#2' },
    };
    const decidedBy = ['U0APPROVER1', 'U0APPROVER2'];
    const decidedAt = '2026-11-23T10:05:00.000Z';
    const receipt = signed({
      incidentId: approval.incidentId,
      actionDigest: actionDigest(toolCallAction('files', 'delete_file', bound)),
      decision: 'approve',
      decidedBy,
      decidedAt,
      expiresAt: options.dryRun ? decidedAt : '2026-11-23T10:20:00.000Z',
      ledgerHash: 'a'.repeat(64),
      keyId,
      ...options.receipt,
    });
    const ledgerHash = receipt.ledgerHash;
    const dryRun = options.dryRun ?? false;
    approval.outcome = {
      decision: 'approve',
      decidedBy,
      decidedAt,
      incidentId: approval.incidentId,
      ledgerHash,
      dryRun,
      receipt,
    };
    await approvals.create(approval);
    const status: ApprovalStatus = {
      status: 'approved',
      approvalId: approval.approvalId,
      incidentId: approval.incidentId,
      decidedBy,
      receipt,
    };
    return { approval, status };
  }

  it('forwards nothing when the ledger cannot record an allowed call (fail closed)', async () => {
    // Prepare
    const { ctx, calls, ledger } = setup();
    ledger.failing = true;

    // Act
    const outcome = callProxiedTool(ctx, ops!, upstreams[0]!, 'read_file', args);

    // Assess
    await expect(outcome).rejects.toThrow('ledger down');
    expect(calls).toEqual([]);
  });

  describe('a result the ledger cannot record (the call already ran upstream)', () => {
    /** An upstream that answers, with the ledger failing from the moment it answered. */
    function ledgerFailsOnceAnswered() {
      const box: { ledger?: { failing: boolean } } = {};
      const s = setup(async () => {
        box.ledger!.failing = true;
        return { content: [{ type: 'text', text: 'contents of /srv/report.csv' }] };
      });
      box.ledger = s.ledger;
      return s;
    }

    it('an allowed call: the result is withheld, the agent told it ran once, and an operator alerted', async () => {
      // Prepare
      const { ctx, calls, entries, telemetry } = ledgerFailsOnceAnswered();

      // Act
      const outcome = await callProxiedTool(ctx, ops!, upstreams[0]!, 'read_file', args);

      // Assess: one call upstream, the write-ahead entry only, and nothing of the result in the answer
      expect(calls).toHaveLength(1);
      expect(entries.map((e) => e.type)).toEqual(['tool_call']);
      expect(outcome.kind).toBe('result');
      const result = (outcome as { result: CallToolResult }).result;
      expect(result.isError).toBe(true);
      const text = (result.content[0] as { text: string }).text;
      expect(text).toContain('ran once');
      expect(text).toContain('chainsec_ledger_unavailable');
      expect(text).not.toContain('contents of');
      expect(telemetry.records).toContainEqual({ kind: 'metric', name: 'ToolCallResultsUnrecorded', value: 1 });
    });

    it('an approved call: the same answer now and on every later poll, never forwarded again', async () => {
      // Prepare
      const { ctx, approvals, calls, keyId } = ledgerFailsOnceAnswered();
      const { approval, status } = await approved(approvals, keyId, args);

      // Act
      const first = await toolCallResult(ctx, ops!, approval, status);
      const again = await toolCallResult(ctx, ops!, (await approvals.get(approval.approvalId))!, status);

      // Assess
      expect(first.isError).toBe(true);
      expect((first.content[0] as { text: string }).text).toContain('result is withheld');
      expect(again).toEqual(first);
      expect(calls).toHaveLength(1);
    });
  });

  it('a result nested too deeply to digest is withheld as such, recorded, and not blamed on the ledger (no false alarm)', async () => {
    // Prepare: an upstream whose structured result nests 3,000 levels (a tool that parses JSON the agent points it at)
    const deep = JSON.parse(`${'['.repeat(3000)}${']'.repeat(3000)}`) as unknown[];
    const { ctx, calls, entries, telemetry } = setup(async () => ({
      content: [{ type: 'text', text: 'parsed' }],
      structuredContent: { value: deep },
    }));

    // Act
    const outcome = await callProxiedTool(ctx, ops!, upstreams[0]!, 'read_file', args);

    // Assess: it ran once, the agent is told so and why, the ledger says so, and no ledger alarm fired
    expect(calls).toHaveLength(1);
    const result = (outcome as { result: CallToolResult }).result;
    expect(result.isError).toBe(true);
    const text = (result.content[0] as { text: string }).text;
    expect(text).toContain('ran once');
    expect(text).toContain('nested deeper than');
    expect(text).toContain('chainsec_upstream_result_unreadable');
    expect(text).not.toContain('chainsec_ledger_unavailable');
    expect(entries.map((e) => e.type)).toEqual(['tool_call', 'tool_call_result']);
    expect(entries[1]).toMatchObject({ outcome: 'failed', error: text });
    expect(telemetry.records).not.toContainEqual(expect.objectContaining({ name: 'ToolCallResultsUnrecorded' }));
  });

  it('forwards an approved call once; a retry, and a claim whose outcome was lost, never call again', async () => {
    // Prepare
    const { ctx, approvals, calls, entries, keyId } = setup();
    const { approval, status } = await approved(approvals, keyId, args);

    // Act
    const first = await toolCallResult(ctx, ops!, approval, status);
    const retry = await toolCallResult(ctx, ops!, (await approvals.get(approval.approvalId))!, status);
    // A crash after the claim: claimed, no outcome recorded
    approvals.items.get(approval.approvalId)!.forward = { claimedAt: '2026-11-23T10:06:00.000Z', chain: 'toolcall-x' };
    const lost = await toolCallResult(ctx, ops!, approval, status);

    // Assess
    expect(calls).toEqual([{ tool: 'delete_file', args }]);
    expect(first).toEqual({ content: [{ type: 'text', text: 'done' }] });
    expect(retry).toEqual(first);
    expect(lost.isError).toBe(true);
    expect((lost.content[0] as { text: string }).text).toContain('never forwarded again');
    expect(entries.map((e) => [e.type, e.seq])).toEqual([
      ['tool_call', 1],
      ['tool_call_result', 2],
    ]);
    expect(entries[0]).toMatchObject({ verdict: 'approved', approvalIncidentId: 'INC-0000000001' });
  });

  it('does not forward when the receipt binds other arguments than the held ones', async () => {
    // Prepare
    const { ctx, approvals, calls, keyId } = setup();
    const { approval, status } = await approved(approvals, keyId, { path: '/' }, args);

    // Act
    const result = await toolCallResult(ctx, ops!, approval, status);

    // Assess
    expect(result.isError).toBe(true);
    expect(calls).toEqual([]);
  });

  it('reports an upstream failure once, recorded, and answers the same failure without calling again', async () => {
    // Prepare
    const { ctx, approvals, calls, entries, keyId } = setup(() => Promise.reject(new Error('Request timed out')));
    const { approval, status } = await approved(approvals, keyId, args);

    // Act
    const first = await toolCallResult(ctx, ops!, approval, status);
    const again = await toolCallResult(ctx, ops!, (await approvals.get(approval.approvalId))!, status);

    // Assess
    expect(first.isError).toBe(true);
    expect((first.content[0] as { text: string }).text).toContain('Request timed out');
    expect(again).toEqual(first);
    expect(calls).toHaveLength(1);
    expect(entries.at(-1)).toMatchObject({ type: 'tool_call_result', outcome: 'failed' });
  });

  describe('checks the approval as an executor would before forwarding it', () => {
    it('a receipt past its expiry: nothing forwarded, and the agent is told to ask again', async () => {
      // Prepare: approved at 10:05, receipt valid until 10:20; asked at 10:21
      const { ctx, approvals, calls, keyId } = setup(undefined, '2026-11-23T10:21:00Z');
      const { approval, status } = await approved(approvals, keyId, args);

      // Act
      const result = await toolCallResult(ctx, ops!, approval, status);

      // Assess
      expect(result.isError).toBe(true);
      expect((result.content[0] as { text: string }).text).toContain('expired at 2026-11-23T10:20:00.000Z');
      expect((result.content[0] as { text: string }).text).toContain('ask people again');
      expect(calls).toEqual([]);
      expect((await approvals.get(approval.approvalId))?.forward).toBeUndefined();
    });

    it('a dry-run approval (its receipt expired when issued): nothing forwarded', async () => {
      // Prepare
      const { ctx, approvals, calls, keyId } = setup();
      const { approval, status } = await approved(approvals, keyId, args, args, { dryRun: true });

      // Act
      const result = await toolCallResult(ctx, ops!, approval, status);

      // Assess
      expect(result.isError).toBe(true);
      expect((result.content[0] as { text: string }).text).toContain('dry run');
      expect(calls).toEqual([]);
    });

    it('held arguments and the stored receipt rewritten together (table write access, no key): nothing forwarded', async () => {
      // Prepare: people approved `args`; someone rewrites the stored call and its receipt's digest to `/`
      const { ctx, approvals, calls, keyId } = setup();
      const other = { path: '/' };
      const { approval, status } = await approved(approvals, keyId, other, args);
      const receipt = { ...status.receipt!, actionDigest: actionDigest(toolCallAction('files', 'delete_file', other)) };

      // Act
      const result = await toolCallResult(ctx, ops!, approval, { ...status, receipt });

      // Assess
      expect(result.isError).toBe(true);
      expect(calls).toEqual([]);
    });

    it.each([
      [
        'a stored receipt whose expiry was widened after signing',
        (r: Receipt) => ({ ...r, expiresAt: '2027-01-01T00:00:00.000Z' }),
      ],
      [
        'a receipt signed with another key id',
        (r: Receipt) => ({ ...r, keyId: 'arn:aws:kms:us-east-1:000000000000:key/other' }),
      ],
      ['a receipt of another incident', (r: Receipt) => signed({ ...r, incidentId: 'INC-0000000002' })],
    ])('%s: nothing forwarded', async (_name, alter) => {
      // Prepare: what someone who can write the table, but not sign, would store
      const { ctx, approvals, calls, keyId } = setup();
      const { approval, status } = await approved(approvals, keyId, args);

      // Act
      const result = await toolCallResult(ctx, ops!, approval, { ...status, receipt: alter(status.receipt!) });

      // Assess
      expect(result.isError).toBe(true);
      expect(calls).toEqual([]);
    });
  });

  it('does not forward an approved call whose tool the policy has refused since (the stack decides now)', async () => {
    // Prepare: approved under the rules above; then the operator refuses delete_file and redeploys
    const { ctx, approvals, calls, keyId } = setup();
    const { approval, status } = await approved(approvals, keyId, args);
    const [refusing] = UpstreamsSchema.parse([
      { ...upstreams[0], rules: [{ id: 'no-delete', tool: 'delete_file', decision: 'refuse' }] },
    ]);
    const now = { ...ctx, proxy: { ...ctx.proxy, upstreams: [refusing!] } };

    // Act
    const result = await toolCallResult(now, ops!, approval, status);

    // Assess
    expect(result.isError).toBe(true);
    expect((result.content[0] as { text: string }).text).toContain('rule no-delete');
    expect(calls).toEqual([]);
  });
});
