import type { OnceClaim, RequestClaims } from '../../../src/services/RequestClaims';
import { otherCallersFirst } from './Faults';
import type { InMemoryIncidentTable } from './InMemoryIncidentTable';

/**
 * {@link RequestClaims} in memory, as DynamoDbRequestClaims keeps them: each
 * key in an item of its own, in the table a vote's commit takes its key in too.
 */
export class InMemoryRequestClaims implements RequestClaims {
  public constructor(private readonly table: InMemoryIncidentTable) {}

  public async take(claim: OnceClaim): Promise<boolean> {
    await otherCallersFirst();
    this.table.faults.check('claims.take');
    return this.table.takeClaim(claim);
  }
}
