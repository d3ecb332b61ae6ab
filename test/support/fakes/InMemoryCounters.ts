import type { Counters } from '../../../src/services/Counters';
import type { InMemoryIncidentTable } from './InMemoryIncidentTable';

/** {@link Counters} in memory (atomic: each increment is applied at once). */
export class InMemoryCounters implements Counters {
  private readonly counts = new Map<string, number>();

  public constructor(private readonly table: InMemoryIncidentTable) {}

  public async increment(key: string, _ttlSeconds: number, _now: Date): Promise<number> {
    this.table.faults.check('counters.increment');
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    this.table.writes.push({ kind: 'update', key: `COUNT#${key}` });
    return n;
  }
}
