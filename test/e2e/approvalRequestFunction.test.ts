// One sandbox per file: handlers keep per-container state (config, clients), as on Lambda.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { APPROVALS_CHANNEL } from '../../sandbox/identities';
import { incidentIdOf, textOf, unique, useHarness } from '../support/sandboxHarness';

/**
 * Other workflows asking through the stack's approval request function with
 * `lambda:invoke.waitForTaskToken`, in the two shapes of examples/lambda-approval:
 * an approval request as the payload, and the AWS human-approval tutorial's payload
 * (the whole context object), which is failed at once rather than left waiting.
 */
const EXAMPLE = path.resolve(__dirname, '../../examples/lambda-approval');

describe('E2E: the approval request function (lambda:invoke.waitForTaskToken)', () => {
  const h = useHarness();

  async function run(file: string, input: unknown): Promise<string> {
    const info = (await h.json<{ approvalRequestFunction: string }>('GET', '/sandbox/info')).body;
    const definition = readFileSync(path.join(EXAMPLE, file), 'utf8').replace(
      '${ApprovalRequestFunction}',
      info.approvalRequestFunction,
    );
    const created = await h.json<{ stateMachineArn: string }>('POST', '/sandbox/state-machines', {
      name: `${path.basename(file, '.asl.json')}-${unique()}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 80),
      definition,
    });
    expect(created.status).toBe(201);
    const started = await h.json<{ executionArn: string }>('POST', '/sandbox/executions', {
      stateMachineArn: created.body.stateMachineArn,
      input,
    });
    expect(started.status).toBe(202);
    return started.body.executionArn;
  }

  it('GET /sandbox/info names the function', async () => {
    const info = (await h.json<Record<string, unknown>>('GET', '/sandbox/info')).body;
    expect(info.approvalRequestFunction).toEqual(expect.any(String));
  });

  it('an approval request as the payload gets a card; the decision resumes the workflow', async () => {
    const service = `payments-${unique()}`;
    const arn = await run('lambda-approval.asl.json', {
      title: `Restart ${service}`,
      service,
      reasoning: 'memory leak',
    });
    const card = await h.waitForMessage(service, { channel: APPROVALS_CHANNEL, kind: 'message' });
    await h.click({ user: 'U0APPROVER1', actionId: 'chainsec_approve', value: incidentIdOf(card), messageTs: card.ts });
    const done = await h.waitForExecution(arn);

    expect(textOf(card)).toContain('restart_service');
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output.approval).toMatchObject({ decision: 'approve', decidedBy: ['U0APPROVER1'] });
  });

  it("the tutorial's payload (ExecutionContext, no kind) is failed at once with a coded error, not left waiting", async () => {
    // The Task's own timeout is an hour: only the immediate SendTaskFailure ends it within the wait below.
    const arn = await run('tutorial-shape.asl.json', { comment: 'tutorial input' });
    const done = await h.waitForExecution(arn, 30_000);

    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('chainsec.InvalidRequest');
    const body = (await h.json<{ cause: string }>('GET', `/sandbox/executions/${encodeURIComponent(arn)}`)).body;
    expect(body.cause).toMatch(/^chainsec_/);
  });
});
