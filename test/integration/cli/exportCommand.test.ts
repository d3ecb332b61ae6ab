import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { APPROVALS_CHANNEL } from '../../../sandbox/identities';
import { entryHash, type LedgerEntry } from '../../../src/domain/ledger';
import { KmsSigner } from '../../../src/services/KmsSigner';
import { eventually, localClientConfig } from '../../support/localAws';
import { incidentIdOf, startHarness, wafEvent, type Harness } from '../../support/sandboxHarness';

const ROOT = resolve(__dirname, '../../..');

/**
 * `chainsec export` as an auditor runs it (the real executable, a fresh
 * process with dummy credentials and AWS_ENDPOINT_URL_*) against the
 * sandbox's DynamoDB Local and local KMS, checked with `chainsec verify`.
 */
describe('CLI: chainsec export (DynamoDB Local, local KMS)', () => {
  let h: Harness;
  let dir: string;
  let key: string;
  let decided: string;
  let pending: string;
  let since: string;

  /** The environment of an auditor's shell: the sandbox's endpoints, dummy credentials, no table variables. */
  function awsEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: dir,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'dummy',
      AWS_SECRET_ACCESS_KEY: 'dummy',
      AWS_ENDPOINT_URL_DYNAMODB: process.env.AWS_ENDPOINT_URL_DYNAMODB,
      AWS_ENDPOINT_URL_KMS: h.sandbox.kms.url,
      ...overrides,
    };
  }

  const tableFlags = (): string[] => [
    '--incidents-table',
    process.env.INCIDENTS_TABLE!,
    '--ledger-table',
    process.env.LEDGER_TABLE!,
    '--key-id',
    h.sandbox.kms.keyArn,
  ];

  /** Runs bin/chainsec.js in a child process without blocking this one (the local KMS answers from here). */
  function chainsec(
    args: string[],
    env = awsEnv(),
  ): Promise<{ status: number | null; lines: string[]; stderr: string }> {
    return new Promise((done, fail) => {
      const child = spawn(join(ROOT, 'node_modules/.bin/node'), [join(ROOT, 'bin/chainsec.js'), ...args], {
        cwd: dir,
        env,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', fail);
      child.on('close', (status) => done({ status, lines: stdout.trimEnd().split('\n'), stderr }));
    });
  }

  const entriesOf = (text: string): string[] => text.trimEnd().split('\n').slice(0, -1);
  const checkpointOf = (file: string): LedgerEntry =>
    JSON.parse(readFileSync(file, 'utf8').trimEnd().split('\n').at(-1)!) as LedgerEntry;

  beforeAll(async () => {
    h = await startHarness();
    dir = mkdtempSync(join(tmpdir(), 'chainsec-export-'));
    key = join(dir, 'key.pem');
    writeFileSync(key, await (await fetch(`${h.url}/sandbox/public-key`)).text());
    // A decided incident, then (after `since`) one still waiting for people.
    const first = { ...wafEvent(4), source_ip: '198.51.100.77' };
    const arn = await h.startIncident(first);
    const card = await h.waitForMessage(first.source_ip, { channel: APPROVALS_CHANNEL, kind: 'message' });
    decided = incidentIdOf(card);
    expect(
      (await h.click({ user: 'U0APPROVER1', actionId: 'chainsec_deny', value: decided, messageTs: card.ts })).status,
    ).toBe(200);
    expect((await h.waitForExecution(arn)).status).toBe('SUCCEEDED');
    since = new Date(Date.now() + 1).toISOString();
    await eventually(() => (Date.now() > Date.parse(since) ? true : undefined)); // what follows is after `since`
    const second = { ...wafEvent(4), source_ip: '203.0.113.77' };
    await h.startIncident(second);
    pending = incidentIdOf(await h.waitForMessage(second.source_ip, { channel: APPROVALS_CHANNEL, kind: 'message' }));
  });
  afterAll(async () => {
    await h.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the sandbox export entry for entry, with a KMS-signed checkpoint that verifies', async () => {
    // Prepare: the ledger as the sandbox exports it, once both chains are in
    const sandboxText = await eventually(async () => {
      const text = await (await fetch(`${h.url}/sandbox/ledger`)).text();
      return text.includes(pending) && text.includes('"type":"decision"') ? text : undefined;
    });
    const out = join(dir, 'whole.jsonl');

    // Act
    const exported = await chainsec(['export', '--out', out, ...tableFlags()]);
    const verified = await chainsec(['verify', '--ledger', out, '--public-key', key]);

    // Assess
    expect(exported.status).toBe(0);
    expect(exported.lines.at(-1)).toMatch(/^OK \d+ entries in 2 chains exported$/);
    expect(exported.stderr).toContain('chainsec export: read');
    expect(entriesOf(readFileSync(out, 'utf8'))).toEqual(entriesOf(sandboxText));
    expect(checkpointOf(out).seq).toBe(JSON.parse(sandboxText.trimEnd().split('\n').at(-1)!).seq + 1);
    expect(verified.status).toBe(0);
    expect(verified.lines.at(-1)).toMatch(/^OK \d+ entries in 2 chains verified$/);
  });

  it('exports --incident and --since as partial exports that verify and say partial', async () => {
    // Prepare: the tables and key from the environment this time
    const env = awsEnv({
      INCIDENTS_TABLE: process.env.INCIDENTS_TABLE!,
      LEDGER_TABLE: process.env.LEDGER_TABLE!,
      SIGNING_KEY_ID: h.sandbox.kms.keyArn,
    });
    const one = join(dir, 'one.jsonl');
    const recent = join(dir, 'recent.jsonl');

    // Act
    const byIncident = await chainsec(['export', '--out', one, '--incident', decided], env);
    const bySince = await chainsec(['export', '--out', recent, '--since', since], env);
    const verifiedOne = await chainsec(['verify', '--ledger', one, '--public-key', key]);
    const verifiedRecent = await chainsec(['verify', '--ledger', recent, '--public-key', key]);

    // Assess
    expect([byIncident.status, bySince.status]).toEqual([0, 0]);
    expect(byIncident.lines.at(-1)).toContain(`partial export (incident ${decided})`);
    expect(Object.keys(checkpointOf(one).heads as object)).toEqual([decided]);
    expect(Object.keys(checkpointOf(recent).heads as object)).toEqual([pending]);
    expect(verifiedOne.status).toBe(0);
    expect(verifiedOne.lines).toContain(`partial export: incident ${decided}; other chains are not in this file`);
    expect(verifiedOne.lines.at(-1)).toMatch(
      new RegExp(`^OK \\d+ entries in 1 chains verified \\(partial export: incident ${decided}\\)$`),
    );
    expect(verifiedRecent.status).toBe(0);
    expect(verifiedRecent.lines.at(-1)).toContain(`(partial export: chains with entries since ${since})`);
  });

  it('FAILs a truncated export, and leaves no file at --out when the export is interrupted', async () => {
    // Prepare: a whole export cut before its checkpoint; KMS unreachable for the second export
    const out = join(dir, 'cut-source.jsonl');
    expect((await chainsec(['export', '--out', out, ...tableFlags()])).status).toBe(0);
    const cut = join(dir, 'cut.jsonl');
    writeFileSync(cut, `${entriesOf(readFileSync(out, 'utf8')).join('\n')}\n`);
    const halved = join(dir, 'halved.jsonl');
    const bytes = readFileSync(out);
    writeFileSync(halved, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const closedPort = await new Promise<number>((done) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => done(port));
      });
    });
    const sub = mkdtempSync(join(dir, 'interrupted-'));
    const target = join(sub, 'ledger.jsonl');

    // Act
    const truncated = await chainsec(['verify', '--ledger', cut, '--public-key', key]);
    const halfWritten = await chainsec(['verify', '--ledger', halved, '--public-key', key]);
    const interrupted = await chainsec(
      ['export', '--out', target, ...tableFlags()],
      awsEnv({ AWS_ENDPOINT_URL_KMS: `http://127.0.0.1:${closedPort}` }),
    );

    // Assess
    expect(truncated.status).toBe(1);
    expect(truncated.lines.at(-1)).toMatch(/^FAIL line \d+ incidentId \*: no ledger_checkpoint entry/);
    expect(halfWritten.status).toBe(1);
    expect(halfWritten.lines.at(-1)).toMatch(/^FAIL line \d+ /);
    expect(interrupted.status).toBe(2);
    expect(interrupted.stderr).toContain(`nothing written to ${target}`);
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(sub)).toEqual([]);
  });

  it('reports a table entry and another outbox entry at one place, naming both; verify fails there', async () => {
    // Prepare: the pending incident's outbox gets another seq 1, signed with the sandbox's key
    const whole = join(dir, 'before-fork.jsonl');
    expect((await chainsec(['export', '--out', whole, ...tableFlags()])).status).toBe(0);
    const first = entriesOf(readFileSync(whole, 'utf8'))
      .map((l) => JSON.parse(l) as LedgerEntry)
      .find((e) => e.incidentId === pending && e.seq === 1)!;
    const { hash: _h, signature: _s, ...body } = { ...first, actor: 'U0EVIL' };
    const hash = entryHash(body as LedgerEntry);
    const kms = new KMSClient({ ...localClientConfig(h.sandbox.kms.url), region: 'us-east-1' });
    const signer = new KmsSigner({ keyId: h.sandbox.kms.keyArn, callTimeoutMs: 5000, client: kms });
    const forked = { ...body, hash, signature: await signer.signDigest(Buffer.from(hash, 'hex')) } as LedgerEntry;
    const doc = DynamoDBDocumentClient.from(
      new DynamoDBClient(localClientConfig(process.env.AWS_ENDPOINT_URL_DYNAMODB!)),
    );
    await doc.send(
      new UpdateCommand({
        TableName: process.env.INCIDENTS_TABLE!,
        Key: { pk: `INC#${pending}`, sk: 'META' },
        UpdateExpression: 'SET unpublishedEntries = :u, pendingPk = :p, pendingSk = :s',
        ExpressionAttributeValues: { ':u': [JSON.stringify(forked)], ':p': 'OPEN', ':s': `9999#${pending}` },
      }),
    );
    const out = join(dir, 'forked.jsonl');

    // Act
    const exported = await chainsec(['export', '--out', out, ...tableFlags()]);
    const verified = await chainsec(['verify', '--ledger', out, '--public-key', key]);

    // Assess
    expect(exported.status).toBe(1);
    expect(exported.lines).toContain(
      `conflict: incident ${pending} seq 1: the ledger table holds entry ${first.hash}, ` +
        `the incident's outbox entry ${hash}`,
    );
    expect(exported.lines.at(-1)).toMatch(
      new RegExp(`^FAIL 1 conflicting entries; first at incident ${pending} seq 1`),
    );
    expect(existsSync(out)).toBe(true);
    expect(verified.status).toBe(1);
    const fail = verified.lines.at(-1)!;
    expect(fail).toMatch(new RegExp(`^FAIL line \\d+ incidentId ${pending} seq 1: conflicting entries at this place`));
    expect(fail).toContain(first.hash.slice(0, 12));
    expect(fail).toContain(hash.slice(0, 12));
  });
});
