import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Telemetry } from '../../app/telemetry';
import { decideSlot, PACE_RULES, type PacedMethod, type PacePriority } from '../../domain/pacing';
import type { SlackPacer } from '../SlackPacer';
import { buildDocumentClient } from './documentClient';

/** Options of {@link DynamoDbSlackPacer}. */
export interface DynamoDbSlackPacerOptions {
  /** A table with a string partition key `pk` and TTL on `ttl`. */
  tableName: string;
  callTimeoutMs: number;
  client?: DynamoDBDocumentClient;
  telemetry: Telemetry;
  /** Longest a lower priority waits for a short backlog before it books anyway; default 20 s. */
  maxWaitMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Lost races on one cursor before giving up and sending at once (each lost race is another sender's progress). */
const MAX_RACES = 20;
/** Seconds a cursor outlives its last slot (TTL): an idle channel's item goes away. */
const KEEP_SECONDS = 3600;

const isConditionFailure = (e: unknown) =>
  e instanceof ConditionalCheckFailedException || (e as Error).name === 'ConditionalCheckFailedException';

/**
 * {@link SlackPacer} on DynamoDB: one item per `channel#method` holding the
 * cursor `next` (epoch ms) and `crit`, the cursor after the last critical slot. A reservation reads it (strongly consistent),
 * books with {@link decideSlot}, and writes the new cursor on the condition
 * that `next` is still what it read; a lost race reads again. A store that
 * fails (or races lost too often) degrades to "send now": logged, metric
 * `PacerDegraded`, never a dropped post.
 */
export class DynamoDbSlackPacer implements SlackPacer {
  private readonly client: DynamoDBDocumentClient;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  public constructor(private readonly options: DynamoDbSlackPacerOptions) {
    this.client = options.client ?? buildDocumentClient(options.callTimeoutMs);
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  public async reserve(
    channel: string,
    method: PacedMethod,
    priority: PacePriority,
    notBefore?: number,
  ): Promise<number> {
    try {
      return await this.book(`${channel}#${method}`, method, priority, notBefore);
    } catch (e) {
      this.options.telemetry.warn('Slack pacer unavailable: sending without pacing', {
        channel,
        method,
        error: (e as Error).name,
        message: (e as Error).message,
      });
      this.options.telemetry.metric('PacerDegraded');
      return this.now();
    }
  }

  private async book(pk: string, method: PacedMethod, priority: PacePriority, notBefore?: number): Promise<number> {
    const rule = PACE_RULES[method];
    const waitUntil = this.now() + (this.options.maxWaitMs ?? 20_000);
    for (let race = 0; race < MAX_RACES; ) {
      const read = await this.client.send(
        new GetCommand({ TableName: this.options.tableName, Key: { pk }, ConsistentRead: true }),
      );
      const old = typeof read.Item?.next === 'number' ? read.Item.next : undefined;
      const criticalUntil = typeof read.Item?.crit === 'number' ? read.Item.crit : undefined;
      const now = this.now();
      const decision = decideSlot(old, now, rule, priority, {
        force: notBefore !== undefined || now >= waitUntil,
        ...(notBefore !== undefined && { notBefore }),
        ...(criticalUntil !== undefined && { criticalUntil }),
      });
      if (!decision.book) {
        await this.sleep(Math.min(decision.retryInMs, Math.max(0, waitUntil - now)));
        continue;
      }
      const ttl = Math.ceil(decision.next / 1000) + KEEP_SECONDS;
      const crit = decision.criticalUntil;
      try {
        // One write for a new cursor and a moved one: the condition says which it expects.
        await this.client.send(
          new UpdateCommand({
            TableName: this.options.tableName,
            Key: { pk },
            UpdateExpression: `SET #n = :new, #t = :ttl${crit ? ', #c = :crit' : ''}`,
            ConditionExpression: old === undefined ? 'attribute_not_exists(pk)' : '#n = :old',
            ExpressionAttributeNames: { '#n': 'next', '#t': 'ttl', ...(crit && { '#c': 'crit' }) },
            ExpressionAttributeValues: {
              ':new': decision.next,
              ':ttl': ttl,
              ...(old !== undefined && { ':old': old }),
              ...(crit && { ':crit': crit }),
            },
          }),
        );
        return decision.at;
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
        race += 1;
        // A little jitter so racing senders do not read the new cursor in lockstep.
        await this.sleep(Math.floor(Math.random() * 10 * race));
      }
    }
    throw new Error(`lost ${MAX_RACES} races for the cursor ${pk}`);
  }
}
