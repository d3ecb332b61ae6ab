import type { SideDocuments, SideDocumentWrite, VersionedDoc } from '../../../src/services/SideDocuments';
import { otherCallersFirst } from './Faults';
import type { InMemoryIncidentTable } from './InMemoryIncidentTable';

interface Doc {
  value: unknown;
  version: number;
  open: boolean;
}

/** {@link SideDocuments} in memory, with DynamoDbSideDocuments' version conditions. */
export class InMemorySideDocuments implements SideDocuments {
  private readonly docs = new Map<string, Doc>();

  public constructor(private readonly table: InMemoryIncidentTable) {}

  public async get<T>(key: string): Promise<VersionedDoc<T> | undefined> {
    await otherCallersFirst();
    this.table.faults.check('sideDocs.get');
    const doc = this.docs.get(key);
    // The stored value is what a caller put as T under this key.
    return doc && { value: structuredClone(doc.value) as T, version: doc.version };
  }

  public async put<T>(key: string, value: T, expectedVersion: number, options: SideDocumentWrite): Promise<boolean> {
    await otherCallersFirst();
    this.table.faults.check('sideDocs.put');
    const current = this.docs.get(key);
    // Version 0: the document must not exist yet; otherwise it must still be at that version.
    if ((current?.version ?? 0) !== expectedVersion) return false;
    this.docs.set(key, { value: structuredClone(value), version: expectedVersion + 1, open: options.open });
    this.table.writes.push({ kind: 'put', key: `DOC#${key}`, condition: expectedVersion === 0 ? 'absent' : 'version' });
    return true;
  }

  public async listOpen<T>(): Promise<Array<VersionedDoc<T> & { key: string }>> {
    await otherCallersFirst();
    return [...this.docs.entries()]
      .filter(([, d]) => d.open)
      .map(([key, d]) => ({ key, value: structuredClone(d.value) as T, version: d.version }));
  }
}
