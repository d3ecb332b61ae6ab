import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The part of a Koa context (s3rver is a Koa app) the conditional-put and versions layer reads. */
interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  headers: Record<string, string | string[] | undefined>;
  status: number;
  body: unknown;
  type: string;
}

/** The part of s3rver's API (npm `s3rver`, untyped) the sandbox uses. */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: Server;
  /** Koa's middleware list, run in order. */
  middleware: Array<(ctx: KoaContext, next: () => Promise<void>) => Promise<void>>;
  store: {
    existsObject(bucket: string, key: string): Promise<boolean>;
    listObjects(
      bucket: string,
      options: { prefix?: string },
    ): Promise<{ objects: Array<{ key: string; size: number; metadata: Record<string, string> }> }>;
  };
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

/** Options of {@link LocalS3}. */
export interface LocalS3Options {
  /** Buckets to create at start. */
  buckets: string[];
  /** The key pair the clients sign with (the sandbox's `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  port?: number;
}

/** XML text with its five special characters escaped. */
const xml = (text: string) =>
  text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/**
 * A local S3 API for the sandbox's anchors: s3rver (npm, pure JavaScript, so
 * `npm install` is all a fresh machine needs), storing objects in a temporary
 * directory removed at stop. It has no Object Lock, no versioning, no bucket
 * policy and no SSE-KMS: those are the bucket's in AWS (template.yaml
 * `AnchorBucket`), and test/integration/anchorObjectLock.test.ts checks Object
 * Lock and conditional puts against moto. Two things S3 does that s3rver does
 * not are added in front of it, so the sandbox behaves as S3 for anchors: a put
 * with `If-None-Match: *` onto an existing key is refused (412), and
 * ListObjectVersions answers as S3 does for a bucket without versioning (one
 * version, id `null`, per key). The bot reaches it as it reaches S3, through
 * `AWS_ENDPOINT_URL_S3`.
 */
export class LocalS3 {
  private server?: S3rverInstance;
  private directory?: string;
  private address?: AddressInfo;

  public constructor(private readonly options: LocalS3Options) {}

  /** The endpoint (`AWS_ENDPOINT_URL_S3`); path-style requests only. */
  public get url(): string {
    if (!this.address) throw new Error('LocalS3 not started');
    return `http://127.0.0.1:${this.address.port}`;
  }

  public async start(): Promise<void> {
    if (this.server) return;
    const S3rver = require('s3rver') as S3rverClass;
    // s3rver knows one key pair (S3RVER/S3RVER) unless told of another: its account registry is how.
    const accounts = require('s3rver/lib/models/account') as {
      DUMMY_ACCOUNT: { createKeyPair(accessKeyId: string, secretAccessKey: string): void };
    };
    const { accessKeyId, secretAccessKey } = this.options.credentials;
    accounts.DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey);
    this.directory = mkdtempSync(path.join(tmpdir(), 'chainsec-s3-'));
    const server = new S3rver({
      address: '127.0.0.1',
      port: this.options.port ?? 0,
      silent: true,
      directory: this.directory,
      vhostBuckets: false,
      configureBuckets: this.options.buckets.map((name) => ({ name, configs: [] })),
    });
    server.middleware.unshift(this.asS3(server));
    this.address = await server.run();
    this.server = server;
  }

  /**
   * Koa middleware doing in front of s3rver what S3 does and s3rver does not:
   * conditional puts (`If-None-Match: *`, one at a time per key so that two
   * racing puts cannot both pass) and ListObjectVersions of an unversioned bucket.
   */
  private asS3(server: S3rverInstance): S3rverInstance['middleware'][number] {
    let puts: Promise<unknown> = Promise.resolve();
    return async (ctx, next) => {
      const [, bucket = '', ...rest] = ctx.path.split('/');
      const key = decodeURIComponent(rest.join('/'));
      if (ctx.method === 'PUT' && key !== '' && ctx.headers['if-none-match'] !== undefined) {
        const run = puts.then(async () => {
          if (ctx.headers['if-none-match'] !== '*') return answer(ctx, 501, 'NotImplemented', 'If-None-Match takes *');
          if (await server.store.existsObject(bucket, key))
            return answer(
              ctx,
              412,
              'PreconditionFailed',
              'At least one of the pre-conditions you specified did not hold',
            );
          await next();
        });
        puts = run.catch(() => undefined);
        return run;
      }
      if (ctx.method === 'GET' && key === '' && 'versions' in ctx.query) {
        const prefix = typeof ctx.query.prefix === 'string' ? ctx.query.prefix : '';
        const { objects } = await server.store.listObjects(bucket, { prefix });
        const versions = objects.map(
          (o) =>
            `<Version><Key>${xml(o.key)}</Key><VersionId>null</VersionId><IsLatest>true</IsLatest>` +
            `<LastModified>${new Date(o.metadata['last-modified'] ?? 0).toISOString()}</LastModified>` +
            `<ETag>${xml(o.metadata.etag ?? '')}</ETag><Size>${o.size}</Size><StorageClass>STANDARD</StorageClass></Version>`,
        );
        ctx.type = 'application/xml';
        ctx.body =
          '<?xml version="1.0" encoding="UTF-8"?><ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
          `<Name>${xml(bucket)}</Name><Prefix>${xml(prefix)}</Prefix><KeyMarker></KeyMarker><VersionIdMarker></VersionIdMarker>` +
          `<MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${versions.join('')}</ListVersionsResult>`;
        return;
      }
      await next();
    };
  }

  public async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.httpServer?.closeAllConnections();
      await server.close();
    }
    if (this.directory) rmSync(this.directory, { recursive: true, force: true });
    this.directory = undefined;
  }
}

/** An S3 error answer. */
function answer(ctx: KoaContext, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${xml(message)}</Message></Error>`;
}
