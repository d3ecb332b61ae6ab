import { fullTextDocument, type LongText } from '../../../src/domain/payloadBounds';
import type { FullTextStore } from '../../../src/services/FullTextStore';

/** {@link FullTextStore} in memory, content-addressed like DynamoDbFullTextStore. */
export class InMemoryFullTextStore implements FullTextStore {
  private readonly docs = new Map<string, LongText>();

  public async put(_incidentId: string, full: LongText): Promise<{ sha256: string; bytes: number }> {
    const { sha256, bytes } = fullTextDocument(full);
    this.docs.set(sha256, structuredClone(full));
    return { sha256, bytes };
  }

  public async get(sha256: string): Promise<LongText | undefined> {
    const doc = this.docs.get(sha256);
    return doc && structuredClone(doc);
  }
}
