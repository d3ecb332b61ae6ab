import { execFile, spawnSync } from 'node:child_process';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { join, resolve } from 'node:path';
import { APPROVALS_CHANNEL } from '../../sandbox/identities';
import { eventually } from '../support/localAws';
import { useTempFiles } from '../support/tempFiles';
import { incidentIdOf, useHarness, unique } from '../support/sandboxHarness';

const ROOT = resolve(__dirname, '../..');

describe('E2E: anchors — the sweep anchors chain heads; a rolled-back export fails against them', () => {
  const h = useHarness();
  const tmp = useTempFiles('chainsec-anchors-e2e-');
  const write = tmp.file;

  async function text(path: string): Promise<string> {
    const res = await fetch(`${h.url}${path}`);
    expect(res.status).toBe(200);
    return res.text();
  }

  /** `npx chainsec verify ...` in a fresh process; `env` adds to the environment. */
  function chainsec(args: string[], env: Record<string, string> = {}) {
    const result = spawnSync(join(ROOT, 'node_modules/.bin/node'), [join(ROOT, 'bin/chainsec.js'), ...args], {
      cwd: tmp.dir,
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, ...env },
    });
    return { status: result.status, lines: result.stdout.trimEnd().split('\n'), stderr: result.stderr };
  }

  /** The same, without blocking this process (the sandbox's S3 API runs in it). */
  function chainsecAsync(args: string[], env: Record<string, string>) {
    return new Promise<{ status: number | null; lines: string[]; stderr: string }>((done) => {
      const bin = join(ROOT, 'node_modules/.bin/node');
      const options = { cwd: tmp.dir, encoding: 'utf8' as const, timeout: 30_000, env: { ...process.env, ...env } };
      execFile(bin, [join(ROOT, 'bin/chainsec.js'), ...args], options, (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        done({ status, lines: stdout.trimEnd().split('\n'), stderr });
      });
    });
  }

  it('after a decision and a tick GET /sandbox/anchors names the chain head; an older export FAILs against it', async () => {
    // Prepare: a critical incident, exported (and anchored) before two approvers decide it, then decided
    const tx = `0x${unique()}a1`;
    const arn = await h.startIncident({ tx_hash: tx, amount_usd: 400_000, protocol: 'Curve', anomaly_score: 0.96 });
    const card = await h.waitForMessage(tx, { channel: APPROVALS_CHANNEL, kind: 'message' });
    const id = incidentIdOf(card);
    const holding = (type: string): Promise<string> =>
      eventually(
        async () => {
          const t = await text('/sandbox/ledger');
          return t.split('\n').some((l) => l.includes(id) && l.includes(`"type":"${type}"`)) ? t : undefined;
        },
        20_000,
        200,
      );
    const earlier = write('earlier.jsonl', await holding('incident_received'));
    for (const user of ['U0APPROVER1', 'U0APPROVER2']) {
      expect((await h.click({ user, actionId: 'chainsec_approve', value: id, messageTs: card.ts })).status).toBe(200);
    }
    expect((await h.waitForExecution(arn)).status).toBe('SUCCEEDED');
    const laterText = await holding('decision');

    // Act
    const tick = await h.json<{ anchor?: { seq: number }; errors: unknown[] }>('POST', '/sandbox/tick', {});
    const idle = await h.json<{ anchor?: { seq: number } }>('POST', '/sandbox/tick', {});
    const anchorsText = await text('/sandbox/anchors');

    // Assess: the last anchor names the incident's head as the export has it
    expect(tick.status).toBe(200);
    expect(tick.body.errors).toEqual([]);
    expect(tick.body.anchor?.seq).toBeGreaterThanOrEqual(1);
    expect(idle.body.anchor).toBeUndefined();
    const anchors = anchorsText
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, any>);
    const last = anchors.at(-1)!;
    const head = laterText
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { incidentId: string; seq: number; hash: string })
      .filter((e) => e.incidentId === id)
      .at(-1)!;
    expect(last).toMatchObject({ type: 'ledger_anchor', seq: tick.body.anchor!.seq });
    expect(last.heads[id]).toEqual({ seq: head.seq, hash: head.hash });

    // Assess: the CLI, from the file and straight from the S3 API
    const key = write('key.pem', await text('/sandbox/public-key'));
    const anchorsFile = write('anchors.jsonl', anchorsText);
    const later = write('later.jsonl', laterText);
    const ok = chainsec(['verify', '--ledger', later, '--public-key', key, '--anchors', anchorsFile]);
    const rolledBack = chainsec(['verify', '--ledger', earlier, '--public-key', key, '--anchors', anchorsFile]);
    const s3 = { AWS_ENDPOINT_URL_S3: h.sandbox.s3.url, S3_FORCE_PATH_STYLE: 'true', AWS_REGION: 'us-east-1' };
    const creds = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };
    const fromS3 = await chainsecAsync(
      ['verify', '--ledger', earlier, '--public-key', key, '--anchors', 's3://chainsec-anchors/anchors/'],
      { ...s3, ...creds },
    );
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.lines.join('\n')).toMatch(
      /anchors: \d+ from .*anchors\.jsonl, latest seq \d+ at .*every entry they name/,
    );
    expect(ok.lines.at(-1)).toMatch(/^OK \d+ entries in \d+ chains verified$/);
    expect(rolledBack.status).toBe(1);
    expect(rolledBack.lines.at(-1)).toMatch(new RegExp(`^FAIL line \\d+ incidentId ${id} seq ${head.seq}: anchor seq`));
    expect(fromS3.stderr).toBe('');
    expect(fromS3.status).toBe(1);
    expect(fromS3.lines.at(-1)).toMatch(new RegExp(`^FAIL line \\d+ incidentId ${id} seq ${head.seq}: `));
  });

  it("names each anchor's object by its number and refuses a second put of it; verify --anchors s3:// reads it OK", async () => {
    // Prepare: an incident, so the ledger changed, then a tick that anchors it
    const tx = `0x${unique()}a2`;
    await h.startIncident({ tx_hash: tx, amount_usd: 400_000, protocol: 'Curve', anomaly_score: 0.96 });
    await h.waitForMessage(tx, { channel: APPROVALS_CHANNEL, kind: 'message' });
    const tick = await h.json<{ anchor?: { seq: number } }>('POST', '/sandbox/tick', {});
    const seq = tick.body.anchor!.seq;
    const client = new S3Client({
      endpoint: h.sandbox.s3.url,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });

    // Act
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'chainsec-anchors', Prefix: 'anchors/' }));
    const key = `anchors/${String(seq).padStart(12, '0')}.jsonl`;
    const again = await client
      .send(new PutObjectCommand({ Bucket: 'chainsec-anchors', Key: key, Body: 'x\n', IfNoneMatch: '*' }))
      .then(
        () => 'stored',
        (e: { $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode,
      );
    const ledger = write('now.jsonl', await text('/sandbox/ledger'));
    const pem = write('key2.pem', await text('/sandbox/public-key'));
    const s3 = { AWS_ENDPOINT_URL_S3: h.sandbox.s3.url, S3_FORCE_PATH_STYLE: 'true', AWS_REGION: 'us-east-1' };
    const verified = await chainsecAsync(
      ['verify', '--ledger', ledger, '--public-key', pem, '--anchors', 's3://chainsec-anchors/anchors/'],
      { ...s3, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' },
    );
    client.destroy();

    // Assess
    expect(listed.Contents?.map((o) => o.Key)).toContain(key);
    for (const o of listed.Contents ?? []) expect(o.Key).toMatch(/^anchors\/\d{12}\.jsonl$/);
    expect(again).toBe(412);
    expect(verified.stderr).toBe('');
    expect(verified.lines.at(-1)).toMatch(/^OK /);
    expect(verified.status).toBe(0);
  });
});
