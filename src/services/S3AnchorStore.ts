import { ListObjectsV2Command, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { LedgerEntry } from '../domain/ledger';
import { ledgerLine } from '../domain/ledgerLines';
import { AnchorUnavailableError } from '../errors';
import type { AnchorStore } from './AnchorStore';
import { clientOptions } from './awsClients';

/** Where anchors are kept in the bucket unless told otherwise. */
export const DEFAULT_ANCHOR_PREFIX = 'anchors/';

/**
 * An S3 client for anchors. `forcePathStyle` is for local S3 servers reached by
 * `AWS_ENDPOINT_URL_S3` (`bucket.localhost` may not resolve); AWS needs none.
 */
export function s3Client(callTimeoutMs: number, forcePathStyle = false): S3Client {
  return new S3Client({ ...clientOptions(callTimeoutMs, 2), forcePathStyle });
}

/** Options of {@link S3AnchorStore}. */
export interface S3AnchorStoreOptions {
  bucket: string;
  /** Key prefix, ending with `/` ({@link DEFAULT_ANCHOR_PREFIX}). */
  prefix?: string;
  client: S3Client;
}

/**
 * {@link AnchorStore} on an S3 bucket with Object Lock (template.yaml `AnchorBucket`).
 * Each anchor is one object, its JSON line, named by its number and hash so
 * that no anchor ever takes the name of another.
 *
 * Retention comes from the bucket's default (compliance mode, the template's
 * `AnchorRetentionDays`), not from `ObjectLockMode` / `ObjectLockRetainUntilDate`
 * on each put: S3 applies the default to every version whatever the writer sends,
 * the period is set in one place, and the writer's role needs (and has) no
 * `s3:PutObjectRetention`, so it cannot choose a shorter date. Encryption is the
 * bucket's default too (SSE-KMS with the data key, which its policy requires).
 * Object Lock wants an integrity checksum on each put: the SDK sends one (CRC32) by default.
 */
export class S3AnchorStore implements AnchorStore {
  private readonly prefix: string;

  public constructor(private readonly options: S3AnchorStoreOptions) {
    this.prefix = options.prefix ?? DEFAULT_ANCHOR_PREFIX;
  }

  /** The object key of an anchor: sorted by number, unique by hash. */
  public keyOf(anchor: LedgerEntry): string {
    return `${this.prefix}${String(anchor.seq).padStart(12, '0')}-${anchor.hash}.jsonl`;
  }

  public async put(anchor: LedgerEntry): Promise<void> {
    try {
      await this.options.client.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: this.keyOf(anchor),
          Body: `${ledgerLine(anchor)}\n`,
          ContentType: 'application/x-ndjson',
        }),
      );
    } catch (e) {
      const error = e as Error;
      throw new AnchorUnavailableError(
        `${error.name}: ${error.message}`,
        { bucket: this.options.bucket },
        { cause: e },
      );
    }
  }
}

/**
 * Every anchor under `prefix` in `bucket`, JSON Lines in key order (oldest
 * first): what `chainsec verify --anchors s3://bucket/prefix` and
 * `GET /sandbox/anchors` read. Uses the caller's credentials.
 */
export async function readAnchorObjects(client: S3Client, bucket: string, prefix: string): Promise<string> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token && { ContinuationToken: token }) }),
    );
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  keys.sort();
  const bodies: string[] = [];
  for (const key of keys) {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = (await out.Body?.transformToString('utf8')) ?? '';
    bodies.push(text.endsWith('\n') || text === '' ? text : `${text}\n`);
  }
  return bodies.join('');
}
