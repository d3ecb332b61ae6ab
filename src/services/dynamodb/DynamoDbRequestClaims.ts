import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError } from '../../errors';
import type { OnceClaim, RequestClaims } from '../RequestClaims';
import type { IncidentItems } from './IncidentItems';
import { internalOf, withClaim } from './incidentItem';
import { epochSeconds, isConditionFailure, onceKey, sha256Hex } from './tableLayout';

const MAX_ATTEMPTS = 8;

/**
 * {@link RequestClaims}: a vote click's key in its incident's `claims` (the
 * same attribute the vote's commit takes it in, under the incident's
 * version), any other key in a `ONCE#` item of its own.
 */
export class DynamoDbRequestClaims implements RequestClaims {
  public constructor(private readonly items: IncidentItems) {}

  public async take(claim: OnceClaim, incidentId?: string): Promise<boolean> {
    for (let attempt = 1; incidentId !== undefined; attempt++) {
      const current = await this.items.get(incidentId);
      if (!current) break;
      const claims = withClaim(internalOf(current).claims, claim);
      if (!claims) return false;
      try {
        await this.items.putOver(current, current.record, { ...internalOf(current), claims });
        return true;
      } catch (e) {
        if (!(e instanceof ConcurrentUpdateError) || attempt >= MAX_ATTEMPTS) throw e;
        // Back off with jitter, as the vote's commit does: many refused clicks on one incident spread out.
        await new Promise((r) => setTimeout(r, Math.random() * 15 * attempt));
      }
    }
    try {
      await this.items.client.send(new PutCommand(this.oncePut(claim)));
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  /** The conditional put that takes a key on its own (stored hashed). */
  private oncePut({ key, ttlSeconds, now }: OnceClaim) {
    const nowSec = epochSeconds(now);
    return {
      TableName: this.items.incidentsTable,
      Item: { ...onceKey(sha256Hex(key)), expiresAt: nowSec + ttlSeconds },
      // An expired claim that TTL has not swept yet is free again.
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
      ExpressionAttributeValues: { ':now': nowSec },
    };
  }
}
