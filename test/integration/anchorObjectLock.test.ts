import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ANCHOR_CHAIN, anchorDraft } from '../../src/domain/anchor';
import { GENESIS_HASH, type UnsignedLedgerEntry } from '../../src/domain/ledger';
import { S3AnchorStore } from '../../src/services/S3AnchorStore';
import { freePort } from '../../sandbox/local/DynamoDbLocal';
import { KEY_ID, p256, seal } from '../unit/domain/ledgerFixture';

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

  beforeAll(async () => {
    const port = await freePort();
    moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    client = new S3Client({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    // Ready when it answers (no clock involved: a bounded number of attempts).
    for (let attempt = 0; ; attempt++) {
      try {
        await client.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
        break;
      } catch (e) {
        if (attempt >= 100) throw e;
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
  }, 60_000);

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
});
