import { readFileSync } from 'node:fs';
import path from 'node:path';
import { APPROVALS_CHANNEL } from '../../sandbox/identities';
import { incidentIdOf, unique, useHarness, type Harness } from '../support/sandboxHarness';

const EXAMPLE = path.resolve(__dirname, '../../examples/agent-approval/agent-approval.asl.json');
const RISKY_STEP = 'DeactivateAccessKey (your call here)';

/** The example's definition with its substitution resolved as SAM's DefinitionSubstitutions would. */
function exampleDefinition(approvalRequestsTopicArn: string): string {
  return readFileSync(EXAMPLE, 'utf8').replaceAll('${ApprovalRequestsTopicArn}', approvalRequestsTopicArn);
}

/** Registers the example once per sandbox, under `name`. */
async function register(h: Harness, name: string): Promise<string> {
  const info = await h.json<{ approvalRequestsTopicArn: string }>('GET', '/sandbox/info');
  const created = await h.json<{ stateMachineArn: string }>('POST', '/sandbox/state-machines', {
    name,
    definition: exampleDefinition(info.body.approvalRequestsTopicArn),
  });
  expect(created.status).toBe(201);
  return created.body.stateMachineArn;
}

/** Starts the example for a fresh access key and waits for chainsec's card about it. */
async function ask(h: Harness, stateMachineArn: string) {
  const accessKeyId = `AKIA${unique().toUpperCase().slice(0, 16)}`;
  const started = await h.json<{ executionArn: string }>('POST', '/sandbox/executions', {
    stateMachineArn,
    input: {
      accessKeyId,
      userName: 'ci-deployer',
      account: '123456789012',
      findingType: 'UnauthorizedAccess:IAMUser/AnomalousBehavior',
      reasoning: 'The key made calls from a country this user never used.',
    },
  });
  expect(started.status).toBe(202);
  const card = await h.waitForMessage(accessKeyId, { channel: APPROVALS_CHANNEL, kind: 'message' });
  return { executionArn: started.body.executionArn, card, id: incidentIdOf(card) };
}

describe('E2E: examples/agent-approval, another team’s workflow run through the sandbox', () => {
  const h = useHarness();
  let stateMachineArn: string;

  beforeAll(async () => {
    stateMachineArn = await register(h, `agent-approval-${unique()}`);
  });

  it('approved: the card shows the request; the workflow resumes with decision, decidedBy, ledgerHash and a receipt, and takes the risky step', async () => {
    // Prepare
    const { executionArn, card, id } = await ask(h, stateMachineArn);

    // Act
    await h.click({ user: 'U0APPROVER1', actionId: 'chainsec_approve', value: id, messageTs: card.ts });
    const execution = await h.waitForExecution(executionArn);

    // Assess
    expect(JSON.stringify(card.blocks)).toContain('ci-deployer');
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.output.approval).toMatchObject({
      decision: 'approve',
      decidedBy: ['U0APPROVER1'],
      incidentId: id,
      ledgerHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      receipt: expect.objectContaining({ decision: 'approve', incidentId: id }),
    });
    expect(execution.output.approval.receipt.ledgerHash).toBe(execution.output.approval.ledgerHash);
    expect(execution.output.result).toEqual({ status: 'Inactive' });
    const described = await h.json<{ stateMachineArn: string; input: { userName: string }; stopDate?: string }>(
      'GET',
      `/sandbox/executions/${encodeURIComponent(executionArn)}`,
    );
    expect(described.body).toMatchObject({ stateMachineArn, input: { userName: 'ci-deployer' } });
    expect(Date.parse(described.body.stopDate ?? '')).not.toBeNaN();
  });

  it('denied: the workflow ends in Denied without the risky step', async () => {
    // Prepare
    const { executionArn, card, id } = await ask(h, stateMachineArn);

    // Act
    await h.click({ user: 'U0APPROVER2', actionId: 'chainsec_deny', value: id, messageTs: card.ts });
    const execution = await h.waitForExecution(executionArn);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.output.approval).toMatchObject({
      decision: 'deny',
      decidedBy: ['U0APPROVER2'],
      ledgerHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(execution.output.result).toBeUndefined();
    const entered = h.sandbox.sfn
      .events(executionArn)
      .filter((e) => e.type === 'StateEntered')
      .map((e) => (e as unknown as { state: { name: string } }).state.name);
    expect(entered).toContain('Denied');
    expect(entered).not.toContain(RISKY_STEP);
  });
});
