import { ConcurrentUpdateError } from '../../../src/errors';
import type { OnceClaim, RequestClaims } from '../../../src/services/RequestClaims';
import { otherCallersFirst } from './Faults';
import type { InMemoryIncidentTable } from './InMemoryIncidentTable';
import { claimExpiry, claimFree, withClaimTaken } from './inMemoryClaims';

const MAX_ATTEMPTS = 6;

/**
 * {@link RequestClaims} in memory, as DynamoDbRequestClaims keeps them: in the
 * incident (under its version) when it exists, else on their own.
 */
export class InMemoryRequestClaims implements RequestClaims {
  /** Keys claimed on their own → expiry (epoch seconds). */
  private readonly alone = new Map<string, number>();

  public constructor(private readonly table: InMemoryIncidentTable) {}

  public async take(claim: OnceClaim, incidentId?: string): Promise<boolean> {
    for (let attempt = 1; incidentId !== undefined; attempt++) {
      const current = await this.table.read(incidentId, 'claims.take');
      if (!current) break;
      const internals = current.internal ?? { unpublished: [], claims: [] };
      const claims = withClaimTaken(internals.claims, claim);
      if (!claims) return false;
      await otherCallersFirst();
      try {
        this.table.putOver(current, current.record, { ...internals, claims });
        return true;
      } catch (e) {
        if (!(e instanceof ConcurrentUpdateError) || attempt >= MAX_ATTEMPTS) throw e;
      }
    }
    await otherCallersFirst();
    this.table.faults.check('claims.take');
    if (!claimFree(this.alone.get(claim.key), claim.now)) return false;
    this.alone.set(claim.key, claimExpiry(claim));
    this.table.writes.push({ kind: 'put', key: `ONCE#${claim.key}`, condition: 'absent' });
    return true;
  }
}
