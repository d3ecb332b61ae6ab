import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IncidentRecord } from '../../domain/incidentRecord';
import { ReplayedRequestError } from '../../errors';
import type { IncidentInternals, StoredIncident } from '../IncidentRepository';
import type { OnceClaim, RequestClaims } from '../RequestClaims';
import { changedSinceRead, type IncidentItems } from './IncidentItems';
import { epochSeconds, isConditionFailure, onceKey, sha256Hex } from './tableLayout';

/**
 * Where a request's one-time key is stored (the rule: `src/listeners/onceRule.ts`):
 * an item of its own in the incidents table, `ONCE#<sha256 of the key>`
 * (a signature never rests in the table), with an `expiresAt` TTL. A key is
 * taken with a put that only succeeds where the item is absent or expired.
 *
 * - On its own ({@link DynamoDbRequestClaims.take}): a request answered
 *   without a change to an incident (a command, a refused vote).
 * - With the change a click causes ({@link commitWithClaim}): the incident's
 *   version-conditioned put and the key's put in one TransactWriteItems. Both
 *   happen or neither: a crash cannot store the key without the vote (a lost
 *   vote) or the vote without the key (a retry counted twice). Which condition failed tells the
 *   caller what happened: the key taken (a repeat: ReplayedRequestError), or
 *   the version moved (ConcurrentUpdateError: read again and retry, the key still free).
 */
export class DynamoDbRequestClaims implements RequestClaims {
  public constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  public async take(claim: OnceClaim): Promise<boolean> {
    try {
      await this.client.send(new PutCommand(claimPut(this.table, claim)));
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }
}

/** The conditional put that takes a key where it is free. */
function claimPut(table: string, { key, ttlSeconds, now }: OnceClaim) {
  const nowSec = epochSeconds(now);
  return {
    TableName: table,
    Item: { ...onceKey(sha256Hex(key)), expiresAt: nowSec + ttlSeconds },
    // An expired claim that TTL has not swept yet is free again.
    ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
    ExpressionAttributeValues: { ':now': nowSec },
  };
}

/**
 * Writes `next` over `current` (conditioned on its version) and takes `claim`,
 * in one transaction: {@link IncidentRepository.commit} with a claim.
 * @throws ReplayedRequestError when the key was taken before (nothing written)
 * @throws ConcurrentUpdateError when the incident changed since it was read, or
 *   another transaction held one of the two items (nothing written)
 */
export async function commitWithClaim(
  items: IncidentItems,
  current: StoredIncident,
  next: IncidentRecord,
  internals: IncidentInternals,
  claim: OnceClaim,
): Promise<StoredIncident> {
  const { put, written } = items.putOf(current, next, internals);
  const transaction = { TransactItems: [{ Put: put }, { Put: claimPut(items.incidentsTable, claim) }] };
  try {
    await items.client.send(new TransactWriteCommand(transaction));
    return written;
  } catch (e) {
    if (!(e instanceof TransactionCanceledException)) throw e;
    // One reason per item, in order: the incident's, then the key's.
    const [, key] = e.CancellationReasons ?? [];
    if (key?.Code === 'ConditionalCheckFailed')
      throw new ReplayedRequestError({ incidentId: next.incident.id }, { cause: e });
    if (isConditionFailure(e)) throw changedSinceRead(next, e);
    throw e;
  }
}
