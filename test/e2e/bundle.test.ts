import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { httpApiEvent, snsEvent } from '../../sandbox/lambdaEvents';
import { APPROVALS_CHANNEL } from '../../sandbox/identities';
import { blockActionsPayload, signSlackRequest } from '../../sandbox/local/slackSigning';
import { ErrorCode } from '../../src/errors';
import {
  criticalOnChain,
  incidentIdOf,
  requestApproval,
  startHarness,
  unique,
  type Harness,
} from '../support/sandboxHarness';

const ROOT = path.resolve(__dirname, '../..');

/**
 * Requires `bundle` in a fresh Node process (as Lambda would) and invokes its
 * handler once with `event`. The artifacts live outside the repository and no
 * NODE_PATH is set: a bundle must carry everything it requires (the AWS SDK
 * included), so one that still reaches for node_modules fails here.
 */
function invokeBundle<T = { statusCode: number; body: string }>(
  bundle: string,
  event: unknown,
  envChanges: Record<string, string | undefined> = {},
): Promise<T> {
  const script = `
    const { handler } = require(process.argv[1]);
    handler(JSON.parse(process.env.EVENT), { awsRequestId: 'bundle-test', getRemainingTimeInMillis: () => 10000 }).then(
      (r) => process.stdout.write('RESULT ' + JSON.stringify(r) + '\\n', () => process.exit(0)),
      (e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });`;
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      EVENT: JSON.stringify(event),
    };
    delete env.NODE_PATH;
    for (const [k, v] of Object.entries(envChanges)) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    const child = spawn(path.join(ROOT, 'node_modules/.bin/node'), ['-e', script, bundle], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`bundle exited ${code}: ${err.slice(-2000)}`));
      else resolve(JSON.parse(line.slice('RESULT '.length)) as T);
    });
  });
}

/**
 * The deployable artifact, not the TypeScript source: `make build-SlackEventsFunction`
 * (what `sam build` runs) bundles the interactivity handler with Bolt's unused
 * receivers stubbed out, and that bundle records a real vote through the sandbox.
 */
describe('E2E: the bundled interactivity handler (SAM build output)', () => {
  let h: Harness;
  let artifacts: string;
  let executorArtifacts: string;
  beforeAll(async () => {
    artifacts = mkdtempSync(path.join(os.tmpdir(), 'chainsec-bundle-test-'));
    executorArtifacts = mkdtempSync(path.join(os.tmpdir(), 'chainsec-bundle-test-'));
    execFileSync('make', ['--no-print-directory', 'build-SlackEventsFunction', `ARTIFACTS_DIR=${artifacts}`], {
      cwd: ROOT,
      stdio: 'pipe',
    });
    execFileSync(
      'make',
      ['--no-print-directory', 'build-ExampleExecutorFunction', `ARTIFACTS_DIR=${executorArtifacts}`],
      { cwd: ROOT, stdio: 'pipe' },
    );
    h = await startHarness();
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
    rmSync(artifacts, { recursive: true, force: true });
    rmSync(executorArtifacts, { recursive: true, force: true });
  });

  /** A fresh HIGH incident's card and a signed Approve click on it, as API Gateway hands it to the Lambda. */
  async function approveClick(tag: string): Promise<{ arn: string; event: unknown }> {
    const tx = `0x${unique()}${tag}`;
    const arn = await h.startIncident({
      tx_hash: tx,
      amount_usd: 25_000,
      protocol: 'Aave',
      anomaly_score: 0.8,
      from: '0xabc',
    });
    const card = await h.waitForMessage(tx, { channel: APPROVALS_CHANNEL, kind: 'message' });
    const body = blockActionsPayload({
      user: 'U0APPROVER1',
      actionId: 'chainsec_approve',
      value: incidentIdOf(card),
      channel: APPROVALS_CHANNEL,
      messageTs: card.ts,
      responseUrl: h.sandbox.responseUrlFor({ channel: APPROVALS_CHANNEL, user: 'U0APPROVER1' }),
    });
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      ...signSlackRequest(body, h.sandbox.signingSecret),
    };
    return {
      arn,
      event: httpApiEvent({ method: 'POST', url: '/slack/events', headers } as unknown as IncomingMessage, body),
    };
  }

  it('records a signed approval and resumes the workflow, from a fresh process', async () => {
    // Prepare
    const { arn, event } = await approveClick('b1');

    // Act
    const answer = await invokeBundle(path.join(artifacts, 'index.js'), event);
    const execution = await h.waitForExecution(arn);

    // Assess
    expect(answer.statusCode).toBe(200);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.output.approval.decision).toBe('approve');
    expect(execution.output.approval.decidedBy).toEqual(['U0APPROVER1']);
  }, 60_000);

  it("takes credentials from the SDK's full chain (credentials.js) when the environment has no key pair: a profile's keys", async () => {
    // Prepare: no AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a named profile in a credentials file
    const { arn, event } = await approveClick('b3');
    const credentials = path.join(artifacts, 'aws-credentials');
    writeFileSync(credentials, '[bundle-test]\naws_access_key_id = local\naws_secret_access_key = local\n');
    const env = {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: 'bundle-test',
      AWS_SHARED_CREDENTIALS_FILE: credentials,
      AWS_CONFIG_FILE: path.join(artifacts, 'no-aws-config'),
    };

    // Act
    const answer = await invokeBundle(path.join(artifacts, 'index.js'), event, env);
    const execution = await h.waitForExecution(arn);

    // Assess: the vote was signed (KMS), committed (DynamoDB) and resumed the workflow (Step Functions)
    expect(answer.statusCode).toBe(200);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.output.approval.decidedBy).toEqual(['U0APPROVER1']);
  }, 60_000);

  it('fails closed without any credentials: nothing is recorded', async () => {
    // Prepare: neither keys nor a profile that has them
    const { arn, event } = await approveClick('b4');
    const env = {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: 'bundle-test-none',
      AWS_SHARED_CREDENTIALS_FILE: path.join(artifacts, 'no-aws-credentials'),
      AWS_CONFIG_FILE: path.join(artifacts, 'no-aws-config'),
      AWS_EC2_METADATA_DISABLED: 'true',
    };

    // Act
    await invokeBundle(path.join(artifacts, 'index.js'), event, env);

    // Assess
    expect(h.sandbox.sfn.taskSuccessRequests(arn)).toEqual([]);
  }, 60_000);

  it('refuses a forged request from the bundle too (401, nothing recorded)', async () => {
    // Prepare
    const body = blockActionsPayload({
      user: 'U0APPROVER1',
      actionId: 'chainsec_approve',
      value: 'INC-0000000000',
      channel: APPROVALS_CHANNEL,
      messageTs: '1.1',
      responseUrl: 'http://127.0.0.1:1/',
    });
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      ...signSlackRequest(body, 'not-the-signing-secret'),
    };
    const event = httpApiEvent({ method: 'POST', url: '/slack/events', headers } as unknown as IncomingMessage, body);

    // Act
    const answer = await invokeBundle(path.join(artifacts, 'index.js'), event);

    // Assess
    expect(answer.statusCode).toBe(401);
  }, 60_000);

  it('the example executor bundle (build-ExampleExecutorFunction) runs an approved command once, checking with KMS Verify and the template redemptions table', async () => {
    // Prepare: a critical incident approved by two; its execute command as the actions topic carries it
    const tx = `0x${unique()}b2`;
    const { arn, card, id } = await requestApproval(h, criticalOnChain(tx));
    await h.click({ user: 'U0APPROVER1', actionId: 'chainsec_approve', value: id, messageTs: card.ts });
    await h.waitForMessage('1 of 2', { kind: 'ephemeral', user: 'U0APPROVER1' });
    await h.click({ user: 'U0APPROVER2', actionId: 'chainsec_approve', value: id, messageTs: card.ts });
    expect((await h.waitForExecution(arn)).status).toBe('SUCCEEDED');
    const published = h.sandbox.sns.published().filter((m) => {
      const c = JSON.parse(m.Message) as { incidentId?: string; operation?: string };
      return c.incidentId === id && c.operation === 'execute';
    });
    expect(published).toHaveLength(1);
    const event = snsEvent(published[0]!.TopicArn, published[0]!.Message);
    const bundle = path.join(executorArtifacts, 'index.js');

    // Act: as SNS would deliver it, then again (a redelivery or a replay)
    const first = await invokeBundle<unknown[]>(bundle, event);
    const again = await invokeBundle<unknown[]>(bundle, event);

    // Assess: the sandbox's environment has REDEMPTIONS_TABLE and SIGNING_KEY_ID (no public key), as the template gives
    expect(process.env.RECEIPT_PUBLIC_KEY).toBeUndefined();
    expect(first).toEqual([{ ran: true, incidentId: id }]);
    expect(again).toEqual([{ ran: false, code: ErrorCode.ReceiptReplayed, reason: expect.any(String) }]);
  }, 60_000);
});
