import type { LongText } from '../domain/payloadBounds';

/**
 * The agent's long text kept in full, apart from the incident, so that
 * messages, workflow states and the incident item carry only a bounded
 * preview and a reference (`FullTextRef`). Content-addressed: the key is the
 * SHA-256 of the document, so storing the same text twice is harmless and a
 * read proves it is the text the reference names.
 */
export interface FullTextStore {
  /**
   * Stores the full text (idempotent).
   * @returns the document's SHA-256 (its reference) and size in bytes
   */
  put(incidentId: string, full: LongText): Promise<{ sha256: string; bytes: number }>;
  /**
   * Reads the full text a reference names.
   * @returns undefined when nothing is stored under it
   * @throws FullTextUnavailableError when the stored parts are incomplete or do not hash to `sha256`
   */
  get(sha256: string): Promise<LongText | undefined>;
}
