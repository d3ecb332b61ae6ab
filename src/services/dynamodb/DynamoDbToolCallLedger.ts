import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LedgerConflictError } from '../../errors';
import type { LedgerEntry } from '../../domain/ledger';
import type { ToolCallLedger } from '../ToolCallLedger';
import { isConditionFailure, ledgerEntryPut } from './tableLayout';

/** {@link ToolCallLedger} as items of the ledger table (the same layout the outbox publishes). */
export class DynamoDbToolCallLedger implements ToolCallLedger {
  public constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly ledgerTable: string,
  ) {}

  public async append(entry: LedgerEntry): Promise<void> {
    try {
      await this.client.send(new PutCommand(ledgerEntryPut(this.ledgerTable, entry)));
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      throw new LedgerConflictError({ incidentId: entry.incidentId, seq: entry.seq, hash: entry.hash }, { cause: e });
    }
  }
}
