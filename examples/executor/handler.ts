import type { SNSEvent } from 'aws-lambda';
import type { Receipt } from '../../src/domain/receipt';
import { ErrorCode, ReceiptRejectedError } from '../../src/errors';
import { redeemReceipt, type RedemptionStore } from '../../src/receipts/redeemReceipt';
import { verifyReceipt, type VerifyReceiptOptions } from '../../src/receipts/verifyReceipt';

/**
 * An example executor: a Lambda subscribed to chainsec's actions topic that
 * runs a command only when its receipt proves people allowed exactly this
 * action, now, once. It refuses an unsigned command, a receipt that does not
 * verify, an expired one, a replayed one and a widened action, and says why in
 * its log. Replace `run` with what your executor does.
 */

/** What the executor needs; the handler below builds it from the environment. */
export interface ExecutorDeps {
  /** How the receipt's signature is checked: the ledger key's PEM, or KMS `Verify`; plus trusted key ids. */
  verification: Pick<VerifyReceiptOptions, 'publicKey' | 'checkSignature' | 'trustedKeyIds'>;
  redemptions: RedemptionStore;
  /** Carries out the action (your code). */
  run(command: ActionCommand): Promise<void>;
  log(line: Record<string, unknown>): void;
  now(): Date;
  /** This executor's name, kept with each redemption. */
  name: string;
}

/** The part of an actions-topic command the executor reads. */
export interface ActionCommand {
  operation: string;
  incidentId: string;
  action: unknown;
  receipt: unknown;
}

/** What happened to one command. */
export type CommandOutcome = { ran: true; incidentId: string } | { ran: false; code: string; reason: string };

/** The decisions that allow each operation. */
const ALLOWED: Record<string, readonly string[]> = { execute: ['approve'], rollback: ['rollback', 'expired'] };

/** Checks one command and runs it only if its receipt allows it; a refusal is logged with its reason, never thrown. */
export async function handleCommand(command: ActionCommand, deps: ExecutorDeps): Promise<CommandOutcome> {
  const refused = (code: string, reason: string): CommandOutcome => {
    deps.log({ level: 'WARN', message: 'command refused', incidentId: command.incidentId, operation: command.operation, code, reason });
    return { ran: false, code, reason };
  };
  if (command.receipt === undefined || command.receipt === null) {
    return refused(ErrorCode.ReceiptMalformed, 'unsigned: the command carries no receipt');
  }
  // Own keys only: an operation named `constructor` or `__proto__` is not an entry of the table.
  const allowed = Object.hasOwn(ALLOWED, String(command.operation)) ? ALLOWED[command.operation] : undefined;
  if (!allowed) return refused(ErrorCode.ReceiptActionMismatch, `operation ${String(command.operation)} needs no receipt this executor honours`);
  if (command.action === undefined || command.action === null) {
    return refused(ErrorCode.ReceiptActionMismatch, 'the command names no action for its receipt to cover');
  }
  let receipt: Receipt;
  try {
    receipt = await verifyReceipt(command.receipt, {
      ...deps.verification,
      now: deps.now(),
      // Both bind their action: an approval the proposed action, a rollback the containment's action it undoes.
      action: command.action,
    });
    if (receipt.incidentId !== command.incidentId) {
      return refused(ErrorCode.ReceiptFieldChanged, `the receipt is for incident ${receipt.incidentId}, not ${command.incidentId}`);
    }
    if (!allowed.includes(receipt.decision)) {
      return refused(ErrorCode.ReceiptActionMismatch, `a ${receipt.decision} receipt does not allow ${command.operation}`);
    }
    await redeemReceipt(deps.redemptions, receipt, deps.name);
  } catch (e) {
    if (e instanceof ReceiptRejectedError) return refused(e.code, e.message);
    throw e;
  }
  await deps.run(command);
  deps.log({ level: 'INFO', message: 'command ran', incidentId: command.incidentId, operation: command.operation, actionDigest: receipt.actionDigest });
  return { ran: true, incidentId: command.incidentId };
}

let ready: Promise<ExecutorDeps> | undefined;

/** Dependencies from the environment: RECEIPT_PUBLIC_KEY (PEM) or SIGNING_KEY_ID (KMS Verify), REDEMPTIONS_TABLE. */
async function fromEnvironment(): Promise<ExecutorDeps> {
  const env = process.env;
  if (!env.REDEMPTIONS_TABLE) throw new Error('REDEMPTIONS_TABLE is not set');
  const { DynamoDbRedemptionStore } = await import('../../src/services/dynamodb/DynamoDbRedemptionStore');
  let verification: ExecutorDeps['verification'];
  if (env.RECEIPT_PUBLIC_KEY) verification = { publicKey: env.RECEIPT_PUBLIC_KEY };
  else if (env.SIGNING_KEY_ID) {
    const { kmsReceiptSignatureCheck } = await import('../../src/services/KmsReceiptSignatureCheck');
    verification = { checkSignature: kmsReceiptSignatureCheck({ callTimeoutMs: 2000 }), trustedKeyIds: [env.SIGNING_KEY_ID] };
  } else throw new Error('set RECEIPT_PUBLIC_KEY (PEM) or SIGNING_KEY_ID');
  return {
    verification,
    redemptions: new DynamoDbRedemptionStore({ tableName: env.REDEMPTIONS_TABLE, callTimeoutMs: 2000 }),
    run: async (command) => console.log(JSON.stringify({ level: 'INFO', message: 'would run', operation: command.operation, incidentId: command.incidentId })),
    log: (line) => console.log(JSON.stringify(line)),
    now: () => new Date(),
    name: env.AWS_LAMBDA_FUNCTION_NAME ?? 'example-executor',
  };
}

/** The Lambda entry point, subscribed to the actions topic. */
export async function handler(event: SNSEvent): Promise<CommandOutcome[]> {
  ready ??= fromEnvironment();
  const deps = await ready;
  const outcomes: CommandOutcome[] = [];
  for (const record of event.Records) {
    let command: ActionCommand;
    try {
      command = JSON.parse(record.Sns.Message) as ActionCommand;
    } catch {
      deps.log({ level: 'WARN', message: 'command refused', code: ErrorCode.ReceiptMalformed, reason: 'the message is not JSON' });
      outcomes.push({ ran: false, code: ErrorCode.ReceiptMalformed, reason: 'the message is not JSON' });
      continue;
    }
    outcomes.push(await handleCommand(command, deps));
  }
  return outcomes;
}
