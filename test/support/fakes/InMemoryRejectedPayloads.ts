import { randomUUID } from 'node:crypto';
import type { KeptPayload, RejectedPayload, RejectedPayloads } from '../../../src/services/RejectedPayloads';
import type { InMemoryIncidentTable } from './InMemoryIncidentTable';

/** DynamoDB items are at most 400 KB; the real adapter cuts payloads to this. */
const MAX_KEPT_PAYLOAD = 300_000;

/** {@link RejectedPayloads} in memory, newest first like DynamoDbRejectedPayloads. */
export class InMemoryRejectedPayloads implements RejectedPayloads {
  /** What was kept, in order. */
  public readonly kept: KeptPayload[] = [];

  public constructor(private readonly table: InMemoryIncidentTable) {}

  public async keep(rejected: RejectedPayload): Promise<string> {
    this.table.faults.check('rejected.keep');
    const id = `${rejected.at}#${randomUUID()}`;
    const truncated = rejected.payload.length > MAX_KEPT_PAYLOAD;
    this.kept.push({ ...rejected, payload: rejected.payload.slice(0, MAX_KEPT_PAYLOAD), id, truncated });
    this.table.writes.push({ kind: 'put', key: `REJECTED#${id}` });
    return id;
  }

  public async list(limit: number): Promise<KeptPayload[]> {
    return [...this.kept].sort((a, b) => (a.id < b.id ? 1 : -1)).slice(0, limit);
  }
}
