import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { main } from '../../src/cli/main';
import { ANCHOR_CHAIN, anchorDraft } from '../../src/domain/anchor';
import { GENESIS_HASH, type LedgerEntry, type UnsignedLedgerEntry } from '../../src/domain/ledger';
import { ledgerLine } from '../../src/domain/ledgerLines';
import { ErrorCode } from '../../src/errors';
import { S3AnchorStore } from '../../src/services/S3AnchorStore';
import { freePort } from '../../sandbox/local/DynamoDbLocal';
import { useTempFiles } from '../support/tempFiles';
import { anchorsOver, buildLedger, KEY_ID, p256, seal, toCanonicalJsonl } from '../unit/domain/ledgerFixture';

/**
 * Object Lock as template.yaml's AnchorBucket sets it, against moto's S3
 * (`moto_server`, Python; installed on CI). Moto serves S3 only here: ledger
 * entries are never signed with its KMS.
 *
 * Moto 5.2 refuses deleting a locked version but accepts PutObjectRetention
 * shortening a compliance-mode date (AWS refuses it). Shortening is therefore
 * covered by AWS's compliance mode and by the bucket policy denying
 * s3:PutObjectRetention to every principal (test/unit/infra/template.test.ts),
 * not here.
 */
const hasMoto = spawnSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' }).status === 0;
if (!hasMoto && process.env.CI === 'true') {
  throw new Error('moto_server is not on PATH, and CI=true requires it (pip install "moto[server]")');
}
if (!hasMoto) {
  process.stderr.write(
    'SKIPPED test/integration/anchorObjectLock.test.ts: moto_server is not on PATH (pip install "moto[server]")\n',
  );
}
const describeWithMoto = hasMoto ? describe : describe.skip;

describeWithMoto('Integration: anchors under Object Lock (moto S3)', () => {
  const bucket = 'chainsec-anchors-lock';
  let moto: ChildProcess;
  let client: S3Client;
  let endpoint: string;
  const tmp = useTempFiles('chainsec-anchor-lock-');

  beforeAll(async () => {
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    client = new S3Client({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    // Ready when it answers: a bounded number of attempts, a minute in all (a loaded machine starts Python slowly).
    for (let attempt = 0; ; attempt++) {
      try {
        await client.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
        break;
      } catch (e) {
        if (attempt >= 600) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await client.send(
      new PutObjectLockConfigurationCommand({
        Bucket: bucket,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 400 } },
        },
      }),
    );
  }, 120_000);

  afterAll(async () => {
    client?.destroy();
    if (moto && moto.exitCode === null) {
      const exited = new Promise((r) => moto.once('exit', r));
      moto.kill('SIGTERM');
      await exited;
    }
  });

  it('locks a written anchor in compliance mode for the default 400 days: its version cannot be deleted', async () => {
    // Prepare: an anchor written by the production adapter, relying on the bucket's default retention
    const key = p256();
    const body = {
      ...anchorDraft(new Map([['INC-AAAAAAAAAA', { seq: 4, hash: 'a'.repeat(64) }]]), '2026-12-01T10:00:00.000Z'),
      incidentId: ANCHOR_CHAIN,
      seq: 1,
      prevHash: GENESIS_HASH,
      keyId: KEY_ID,
    } as UnsignedLedgerEntry;
    const anchor = seal(body, key.privateKey);
    const store = new S3AnchorStore({ bucket, client });
    await store.put(anchor);
    const objectKey = store.keyOf(anchor);
    const versions = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: objectKey }));
    const versionId = versions.Versions?.[0]?.VersionId;

    // Act
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: objectKey, VersionId: versionId }));
    const deleted = await client
      .send(new DeleteObjectCommand({ Bucket: bucket, Key: objectKey, VersionId: versionId }))
      .then(
        () => 'deleted',
        (e: Error) => e.name,
      );
    const after = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: objectKey }));

    // Assess
    expect(versionId).toBeDefined();
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
    expect(head.ObjectLockRetainUntilDate!.getTime()).toBeGreaterThan(Date.now() + 399 * 24 * 3600 * 1000);
    expect(deleted).not.toBe('deleted');
    expect(after.Versions?.map((v) => v.VersionId)).toEqual([versionId]);
  });

  /** `chainsec verify --anchors s3://bucket/prefix` in-process, reaching moto as the CLI reaches S3 (the environment). */
  async function verifyFromS3(ledger: LedgerEntry[], publicPem: string, prefix: string) {
    const env = {
      AWS_ENDPOINT_URL_S3: endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
    };
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    const out: string[] = [];
    try {
      const args = ['verify', '--ledger', tmp.file('ledger.jsonl', toCanonicalJsonl(ledger))];
      args.push('--public-key', tmp.file('key.pem', publicPem), '--anchors', `s3://${bucket}/${prefix}`);
      const code = await main(args, { out: (l) => out.push(l), err: (l) => out.push(l) });
      return { code, last: out.at(-1) ?? '' };
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  }

  it('refuses a second put of a stored anchor number (If-None-Match): the first stays the only version', async () => {
    // Prepare
    const signer = p256();
    const full = buildLedger(signer.privateKey).entries;
    const earlier = buildLedger(signer.privateKey, { rounds: 3 }).entries;
    const [first] = anchorsOver([full], signer.privateKey);
    const [again] = anchorsOver([earlier], signer.privateKey);
    const store = new S3AnchorStore({ bucket, client, prefix: 'taken/' });
    await store.put(first!);

    // Act
    const refused = await store.put(again!).then(
      () => 'stored',
      (e: { code?: string }) => e.code,
    );
    const versions = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'taken/' }));
    const read = await store.get(1);

    // Assess
    expect(store.keyOf(first!)).toBe('taken/000000000001.jsonl');
    expect(refused).toBe(ErrorCode.AnchorTaken);
    expect(versions.Versions?.map((v) => v.Key)).toEqual(['taken/000000000001.jsonl']);
    expect(read?.hash).toBe(first!.hash);
  });

  it('a rolled-back ledger with an anchor written over its key (a put without If-None-Match) FAILs verify --anchors s3://', async () => {
    // Prepare: anchors 1 and 2 as the sweep writes them, the second naming the full story
    const signer = p256();
    const full = buildLedger(signer.privateKey).entries;
    const earlier = buildLedger(signer.privateKey, { rounds: 3 }).entries;
    const [a1, a2] = anchorsOver([earlier, full], signer.privateKey);
    const store = new S3AnchorStore({ bucket, client, prefix: 'attacked/' });
    await store.put(a1!);
    await store.put(a2!);
    const before = await verifyFromS3(earlier, signer.publicPem, 'attacked/');
    // Act: the ledger is rolled back and anchor 2 re-signed over the earlier state, put over anchor 2's key
    // without the condition (the bucket policy refuses such a put in AWS; moto has no bucket policy)
    const [, resigned] = anchorsOver([earlier, earlier], signer.privateKey);
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: store.keyOf(a2!), Body: `${ledgerLine(resigned!)}\n` }),
    );
    const after = await verifyFromS3(earlier, signer.publicPem, 'attacked/');

    // Assess: the current versions alone agree with the rolled-back ledger; every version does not
    expect(before.code).toBe(1);
    expect(after.code).toBe(1);
    expect(after.last).toMatch(
      /^FAIL line \d+ incidentId #anchors seq 2: attacked\/000000000002\.jsonl version .* one of 2 versions of one key: an anchor was written over/,
    );
  });

  it('an anchor written over with anything at all FAILs (exit 1), not as unreadable anchors (exit 2)', async () => {
    // Prepare
    const signer = p256();
    const full = buildLedger(signer.privateKey).entries;
    const [a1] = anchorsOver([full], signer.privateKey);
    const store = new S3AnchorStore({ bucket, client, prefix: 'garbled/' });
    await store.put(a1!);

    // Act
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: store.keyOf(a1!), Body: 'not an anchor\n' }));
    const result = await verifyFromS3(full, signer.publicPem, 'garbled/');

    // Assess
    expect(result.code).toBe(1);
    expect(result.last).toMatch(/^FAIL .*incidentId #anchors seq 1: .*one of 2 versions of one key/);
  });
});
