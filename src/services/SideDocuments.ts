/** A side document and the version it was read at. */
export interface VersionedDoc<T> {
  value: T;
  version: number;
}

/** How {@link SideDocuments.put} keeps a document. */
export interface SideDocumentWrite {
  now: Date;
  /** The document expires this long after `now`. */
  ttlSeconds: number;
  /** Keeps it in the sweep's index: work left, e.g. a throttled Slack update. */
  open: boolean;
}

/**
 * Small versioned documents beside the incidents (a digest, a repeated
 * pattern), written with optimistic concurrency.
 */
export interface SideDocuments {
  /** The document and its version, or `undefined` when there is none. */
  get<T>(key: string): Promise<VersionedDoc<T> | undefined>;
  /**
   * Writes a document if its version is still `expectedVersion` (0: it must not exist yet).
   * @returns false when another writer got there first (nothing written)
   */
  put<T>(key: string, value: T, expectedVersion: number, options: SideDocumentWrite): Promise<boolean>;
  /** Documents with work left (written with `open`). */
  listOpen<T>(): Promise<Array<VersionedDoc<T> & { key: string }>>;
}
