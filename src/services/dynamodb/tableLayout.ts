import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { LedgerEntry } from '../../domain/ledger';

/**
 * The item layout of the two tables (template.yaml), in one place: the keys
 * of every kind of item, the index keys, and the conditions the adapters
 * write with. Every adapter under `src/services/dynamodb/` builds its keys here.
 *
 * Incidents table (`pk`, `sk`):
 *
 * | item | pk | sk |
 * |---|---|---|
 * | incident (record, outbox) | `INC#<id>` | `META` |
 * | one-time claim of a request | `ONCE#<sha256 of the key>` | `ONCE` |
 * | counter | `COUNT#<key>` | `COUNT` |
 * | side document | `DOC#<key>` | `DOC` |
 * | rejected payload | `REJECTED` | `<at>#<uuid>` |
 * | an agent's approval request over MCP | `MCP#<approvalId>` | `MCP` |
 *
 * Index `pending` (`pendingPk`, `pendingSk`): open incidents under `OPEN`, open
 * side documents under `OPEN_DOCS`. Index `byDay` (`gsi1pk`, `gsi1sk`):
 * incidents by the UTC day they were requested, and an agent's MCP requests newest first under
 * `MCPAGENT#<agent>` ({@link mcpAgentIndexKeys}). Ledger table (`incidentId`,
 * `seq`): one item per published entry.
 */

/** Sort key of an incident's item. */
export const META = 'META';
/** `pendingPk` of incidents with work left. */
export const OPEN = 'OPEN';
/** `pendingPk` of side documents with a Slack update still owed. */
export const OPEN_DOCS = 'OPEN_DOCS';
/** Partition key of the rejected payloads. */
export const REJECTED = 'REJECTED';
/** The index of work left (open incidents, open side documents). */
export const PENDING_INDEX = 'pending';
/** The index of incidents by UTC day. */
export const BY_DAY_INDEX = 'byDay';

/** The key of an incident's item. */
export const incidentKey = (incidentId: string) => ({ pk: `INC#${incidentId}`, sk: META });

/** The incident an item's key names (the inverse of {@link incidentKey}), or undefined for another kind of item. */
export function incidentIdOfKey(pk: string, sk: string): string | undefined {
  if (!pk.startsWith('INC#') || sk !== META) return undefined;
  return pk.length > 4 ? pk.slice(4) : undefined;
}
/** The key of a one-time claim kept on its own (`hashedKey`: see {@link sha256Hex}). */
export const onceKey = (hashedKey: string) => ({ pk: `ONCE#${hashedKey}`, sk: 'ONCE' });
/** The key of a counter. */
export const counterKey = (key: string) => ({ pk: `COUNT#${key}`, sk: 'COUNT' });
/** The key of a side document. */
export const docKey = (key: string) => ({ pk: `DOC#${key}`, sk: 'DOC' });
/** The key of an agent's approval request made over MCP. */
export const mcpApprovalKey = (approvalId: string) => ({ pk: `MCP#${approvalId}`, sk: 'MCP' });
/** The `byDay` index keys that list an agent's MCP requests, newest first. */
export const mcpAgentIndexKeys = (agent: string, requestedAt?: string, approvalId?: string) => ({
  gsi1pk: `MCPAGENT#${agent}`,
  ...(requestedAt !== undefined && { gsi1sk: `${requestedAt}#${approvalId ?? ''}` }),
});
/** The `byDay` index keys of an incident requested at `requestedAt` (ISO-8601). */
export const dayIndexKeys = (incidentId: string, requestedAt: string) => ({
  gsi1pk: dayPartition(requestedAt.slice(0, 10)),
  gsi1sk: `${requestedAt}#${incidentId}`,
});
/** The `byDay` partition of a UTC day (`yyyy-MM-dd`). */
export const dayPartition = (day: string) => `DAY#${day}`;

/** One-time keys are stored hashed: a request's signature never rests in the table. */
export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Epoch seconds, as the tables' `expiresAt` (TTL) attributes hold them. */
export const epochSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);

/** Condition: the item does not exist yet (incidents table). */
export const ITEM_ABSENT = 'attribute_not_exists(pk)';
/** Condition: the item is still at version `version`. */
export function versionIs(version: number): {
  ConditionExpression: string;
  ExpressionAttributeValues: { ':v': number };
} {
  return { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': version } };
}

/** Whether a write failed on its condition (a put, or any item of a transaction). */
export function isConditionFailure(e: unknown): boolean {
  if (e instanceof ConditionalCheckFailedException) return true;
  if (e instanceof TransactionCanceledException) {
    const reasons = e.CancellationReasons ?? [];
    return reasons.some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict');
  }
  return false;
}

/**
 * The put of one ledger entry, only where its place (incident, seq) is free.
 * The entry is kept as its exact JSON so the hashed bytes survive any marshalling.
 */
export function ledgerEntryPut(ledgerTable: string, entry: LedgerEntry, json = JSON.stringify(entry)) {
  return {
    TableName: ledgerTable,
    Item: {
      incidentId: entry.incidentId,
      seq: entry.seq,
      type: entry.type,
      at: entry.at,
      hash: entry.hash,
      entry: json,
    },
    ConditionExpression: 'attribute_not_exists(incidentId)',
  };
}

/** The entry a ledger table item holds. */
export const entryOf = (item: Record<string, unknown>): LedgerEntry => JSON.parse(String(item.entry)) as LedgerEntry;
