import { APPROVALS_CHANNEL } from '../../sandbox/identities';
import { CardBlockId } from '../../src/blocks/incidentCard';
import { eventually } from '../support/localAws';
import { useHarness, unique, criticalOnChain, ledgerOf, textOf } from '../support/sandboxHarness';

/**
 * Approval requests from any workflow, without an incident (docs/INTERFACES.md#approval-requests-from-any-workflow).
 *
 * The sandbox on this branch runs only chainsec's own state machine, so the
 * task token a request quotes is borrowed from one of its executions waiting
 * on its own approval: the request below is published on the approval
 * requests topic with that real token, and the decision on ITS card resumes
 * the execution (`$.approval` is exactly what chainsec sent with SendTaskSuccess).
 */
describe('E2E: approval requests without an incident, through the sandbox', () => {
  const h = useHarness();

  /** A waiting task token of a fresh chainsec execution (its own card is left alone). */
  async function borrowedToken(): Promise<{ arn: string; taskToken: string }> {
    const arn = await h.startIncident(criticalOnChain(`0x${unique()}r0`));
    const task = await eventually(() => h.sandbox.sfn.waitingTasks(arn)[0], 20_000, 50);
    return { arn, taskToken: task.taskToken };
  }

  async function publishRequest(request: Record<string, unknown>): Promise<void> {
    const info = await h.json<{ approvalRequestsTopicArn: string }>('GET', '/sandbox/info');
    h.sandbox.sns.publishLocal(info.body.approvalRequestsTopicArn, JSON.stringify(request));
  }

  function requestOf(taskToken: string, title: string) {
    return {
      kind: 'approval_request',
      taskToken,
      tier: 'high',
      title,
      proposedAction: {
        type: 'deactivate_access_key',
        target: 'AKIAEXAMPLE123',
        parameters: {
          userName: 'ci-bot',
          tags: { owner: 'platform', ticket: 'SEC-42' },
          regions: ['eu-west-1', 'us-east-1'],
        },
        reversible: true,
      },
      reasoning: 'The key was used from an unknown ASN.',
      context: { Account: '123456789012', 'Last used': '2026-12-01 22:10 UTC', Note: '<!channel> *bold*' },
      requestedBy: 'key-rotation-agent',
    };
  }

  it('a request with a title and context posts a card with the title, parameters and context; approve resumes the task with decision, decidedBy, decidedAt, incidentId, ledgerHash and receipt', async () => {
    // Prepare
    const { arn, taskToken } = await borrowedToken();
    const title = `Deactivate the CI bot's key ${unique()}`;

    // Act
    await publishRequest(requestOf(taskToken, title));
    const card = await h.waitForMessage(title, { channel: APPROVALS_CHANNEL, kind: 'message' });
    const id = (card.blocks as Array<{ block_id?: string; fields?: Array<{ text: string }> }>)
      .find((b) => b.block_id === CardBlockId.Facts)
      ?.fields?.map((f) => f.text)
      .join('\n')
      .match(/INC-[0-9A-Z]{10}/)?.[0];
    expect(id).toBeDefined();
    await h.click({ user: 'U0APPROVER1', actionId: 'chainsec_approve', value: id!, messageTs: card.ts });
    const execution = await h.waitForExecution(arn);

    // Assess: the card
    const shown = textOf(card);
    expect(shown).toContain('*Request:*');
    expect(shown).toContain('*Action*\\ndeactivate_access_key');
    expect(shown).toContain('*Target*\\nAKIAEXAMPLE123');
    expect(shown).toContain('*userName*: ci-bot');
    expect(shown).toContain('*tags.owner*: platform');
    expect(shown).toContain('*regions*: eu-west-1, us-east-1');
    expect(shown).not.toContain('userName\\":');
    expect(shown).toContain('*Last used*: 2026-12-01 22:10 UTC');
    expect(shown).not.toContain('<!channel>');

    // Assess: the output chainsec resumed the task with
    const approval = execution.output.approval;
    expect(approval).toMatchObject({ decision: 'approve', decidedBy: ['U0APPROVER1'], incidentId: id });
    expect(Number.isNaN(Date.parse(approval.decidedAt))).toBe(false);
    expect(approval.ledgerHash).toMatch(/^[0-9a-f]{64}$/);
    expect(approval.receipt).toMatchObject({ incidentId: id, decision: 'approve', ledgerHash: approval.ledgerHash });

    // Assess: the ledger recorded the derived incident and the request's own context
    const received = (await ledgerOf(h, id!)).find((e) => e.type === 'incident_received')!;
    expect(received.incident).toMatchObject({ kind: 'request', title, tier: 'high' });
    expect(received.requestContext).toMatchObject({ Account: '123456789012' });
    expect(JSON.stringify(received)).not.toContain(taskToken);
  });

  it('deny resumes the task with decision deny, decidedBy, decidedAt, incidentId, ledgerHash and no receipt', async () => {
    // Prepare
    const { arn, taskToken } = await borrowedToken();
    const title = `Rotate a key ${unique()}`;
    await publishRequest(requestOf(taskToken, title));
    const card = await h.waitForMessage(title, { channel: APPROVALS_CHANNEL, kind: 'message' });
    const id = textOf(card).match(/INC-[0-9A-Z]{10}/)![0];

    // Act
    await h.click({ user: 'U0APPROVER2', actionId: 'chainsec_deny', value: id, messageTs: card.ts });
    const execution = await h.waitForExecution(arn);

    // Assess
    const approval = execution.output.approval;
    expect(approval).toMatchObject({ decision: 'deny', decidedBy: ['U0APPROVER2'], incidentId: id });
    expect(approval.ledgerHash).toMatch(/^[0-9a-f]{64}$/);
    expect(Number.isNaN(Date.parse(approval.decidedAt))).toBe(false);
    expect(approval.receipt).toBeUndefined();
  });

  it('a request with neither an incident nor a title is refused with an error naming title, and its task fails closed', async () => {
    // Prepare
    const { arn, taskToken } = await borrowedToken();
    const { title: _dropped, ...untitled } = requestOf(taskToken, 'x');

    // Act
    await publishRequest(untitled);
    const execution = await h.waitForExecution(arn);

    // Assess
    expect(JSON.stringify(execution)).toContain('title: required when the request has no incident');
  });
});
