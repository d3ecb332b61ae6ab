import {
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { anchorKey } from '../domain/anchor';
import type { LedgerEntry } from '../domain/ledger';
import { ledgerLine, parseLedgerLines } from '../domain/ledgerLines';
import { AnchorTakenError, AnchorUnavailableError } from '../errors';
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

/** The HTTP status of an S3 error, if it has one. */
function statusOf(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/**
 * {@link AnchorStore} on an S3 bucket with Object Lock (template.yaml `AnchorBucket`).
 * Each anchor is one object, its JSON line, named by its number alone
 * (`anchorKey`), and put only if no object has that name yet
 * (`If-None-Match: *`; the bucket policy refuses a put without it). So an
 * anchor is never written over, not even as a newer version beside the locked one.
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

  /** The object key of an anchor: its number. */
  public keyOf(anchor: Pick<LedgerEntry, 'seq'>): string {
    return anchorKey(this.prefix, anchor.seq);
  }

  public async put(anchor: LedgerEntry): Promise<void> {
    const key = this.keyOf(anchor);
    try {
      await this.options.client.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: key,
          Body: `${ledgerLine(anchor)}\n`,
          ContentType: 'application/x-ndjson',
          IfNoneMatch: '*',
        }),
      );
    } catch (e) {
      const error = e as Error;
      // 412: an object has this name already. (409 is a concurrent conditional put still in flight: retry later.)
      if (statusOf(e) === 412 || error.name === 'PreconditionFailed') {
        throw new AnchorTakenError(
          `${key} is already stored`,
          { bucket: this.options.bucket, key, seq: anchor.seq },
          { cause: e },
        );
      }
      throw new AnchorUnavailableError(
        `${error.name}: ${error.message}`,
        { bucket: this.options.bucket },
        { cause: e },
      );
    }
  }

  public async get(seq: number): Promise<LedgerEntry | undefined> {
    const key = anchorKey(this.prefix, seq);
    let text: string;
    try {
      const out = await this.options.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
      text = (await out.Body?.transformToString('utf8')) ?? '';
    } catch (e) {
      if (statusOf(e) === 404 || (e as Error).name === 'NoSuchKey') return undefined;
      const error = e as Error;
      throw new AnchorUnavailableError(
        `${error.name}: ${error.message}`,
        { bucket: this.options.bucket },
        { cause: e },
      );
    }
    const parsed = parseLedgerLines(text);
    return parsed.ok && parsed.entries.length === 1 ? parsed.entries[0] : undefined;
  }
}

/**
 * Every anchor under `prefix` in `bucket`, JSON Lines in key order (oldest
 * first), current versions only: what `GET /sandbox/anchors` answers.
 * `chainsec verify --anchors s3://...` reads every version instead ({@link readAnchorVersions}).
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
  for (const key of keys) bodies.push(await objectText(client, bucket, key));
  return bodies.map((t) => (t.endsWith('\n') || t === '' ? t : `${t}\n`)).join('');
}

/** One stored version of an object under the anchors' prefix, or a delete marker. */
export interface AnchorObjectVersion {
  key: string;
  versionId: string;
  /** Its text (empty for a delete marker). */
  body: string;
  deleteMarker: boolean;
}

/**
 * Every version of every object under `prefix` in `bucket` (ListObjectVersions),
 * delete markers included, by key then oldest first: what `chainsec verify
 * --anchors s3://...` checks, so that an anchor written over (a newer version
 * of its key) or hidden (a delete marker) cannot pass for the current one alone.
 * Uses the caller's credentials.
 */
export async function readAnchorVersions(
  client: S3Client,
  bucket: string,
  prefix: string,
): Promise<AnchorObjectVersion[]> {
  const found: Array<Omit<AnchorObjectVersion, 'body'> & { modified: number }> = [];
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  do {
    const page = await client.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        Prefix: prefix,
        ...(keyMarker !== undefined && { KeyMarker: keyMarker }),
        ...(versionMarker !== undefined && { VersionIdMarker: versionMarker }),
      }),
    );
    for (const v of page.Versions ?? []) {
      if (v.Key === undefined) continue;
      const modified = v.LastModified?.getTime() ?? 0;
      found.push({ key: v.Key, versionId: v.VersionId ?? 'null', deleteMarker: false, modified });
    }
    for (const d of page.DeleteMarkers ?? []) {
      if (d.Key === undefined) continue;
      const modified = d.LastModified?.getTime() ?? 0;
      found.push({ key: d.Key, versionId: d.VersionId ?? 'null', deleteMarker: true, modified });
    }
    const more = page.IsTruncated === true;
    keyMarker = more ? page.NextKeyMarker : undefined;
    versionMarker = more ? page.NextVersionIdMarker : undefined;
  } while (keyMarker !== undefined);
  found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.modified - b.modified));
  const out: AnchorObjectVersion[] = [];
  for (const { modified: _, ...v } of found) {
    const body = v.deleteMarker ? '' : await objectText(client, bucket, v.key, v.versionId);
    out.push({ ...v, body });
  }
  return out;
}

async function objectText(client: S3Client, bucket: string, key: string, versionId?: string): Promise<string> {
  const versioned = versionId !== undefined && versionId !== 'null';
  const out = await client.send(
    new GetObjectCommand({ Bucket: bucket, Key: key, ...(versioned && { VersionId: versionId }) }),
  );
  return (await out.Body?.transformToString('utf8')) ?? '';
}
