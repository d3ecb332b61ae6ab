import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The part of s3rver's API (npm `s3rver`, untyped) the sandbox uses. */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: Server;
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

/**
 * A local S3 API for the sandbox's anchors: s3rver (npm, pure JavaScript, so
 * `npm install` is all a fresh machine needs), storing objects in a temporary
 * directory removed at stop. It has no Object Lock, no versioning and no
 * SSE-KMS: those are the bucket's in AWS (template.yaml `AnchorBucket`), and
 * test/integration/anchorObjectLock.test.ts checks them against moto. The bot
 * reaches it as it reaches S3, through `AWS_ENDPOINT_URL_S3`.
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
    this.address = await server.run();
    this.server = server;
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
