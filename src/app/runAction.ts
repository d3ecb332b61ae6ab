import { actionDigest } from '../domain/actionDigest';
import type { Incident } from '../domain/incident';
import type { ActionResult } from '../domain/incidentRecord';
import { LedgerEntryType, type JsonValue } from '../domain/ledger';
import type { ProposedAction } from '../domain/messages';
import { INVESTIGATE } from '../domain/sources/actions';
import { refreshCard } from './cards';
import { commitWithRetry } from './commitWithRetry';
import type { AppDeps, IncidentChangeDeps } from './deps';
import { signReceipt } from './signReceipt';

/** Input of the workflow's action tasks (AutoContain, ContainCritical, ExecuteAction, RollbackContainment, Close). */
export interface ActionInput {
  operation: ActionResult['operation'];
  incident: Incident;
  action?: ProposedAction;
  /** `action` as the workflow passed it, before parsing: what the command carries, so its digest is the approved one. */
  actionAsSent?: unknown;
  approval?: { decision?: string; decidedBy?: string[]; ledgerHash?: string; receipt?: unknown };
  dryRun: boolean;
}

/**
 * What running an action needs: the actions topic, the store and ledger (the
 * outcome's entry, a receipt signed from the recorded decision) and the card.
 */
type RunActionDeps = IncidentChangeDeps & Pick<AppDeps, 'ledger' | 'notifier'>;

/** An action's result before its outcome is known. */
type ResultBase = Omit<ActionResult, 'status' | 'detail'>;

/**
 * Carries out (or, in dry run, only records) what the workflow decided.
 * chainsec holds no blast-radius permissions itself: commands go to the agent's
 * executors over the actions topic. When the incident is known, the outcome is
 * a signed ledger entry and shows on its card.
 */
export async function runAction(deps: RunActionDeps, input: ActionInput): Promise<ActionResult> {
  const at = deps.clock.now().toISOString();
  const base: ResultBase = {
    operation: input.operation,
    dryRun: input.dryRun,
    at,
    ...(input.action && { type: input.action.type, target: input.action.target, reversible: input.action.reversible }),
    // A containment's parameters are part of what rolling it back undoes: the rollback receipt's digest covers them.
    ...(input.operation === 'contain' &&
      input.action?.parameters !== undefined && { parameters: input.action.parameters as Record<string, JsonValue> }),
  };
  const result = skipped(input, base) ?? (await send(deps, input, base));
  deps.telemetry.metric(`Actions_${input.operation}_${result.status}`);

  const known = await deps.incidents.get(input.incident.id);
  if (known) {
    await commitWithRetry(deps, input.incident.id, ({ record }) => ({
      kind: 'commit',
      result: undefined,
      next: { ...record, actions: [...record.actions, result] },
      drafts: [{ type: LedgerEntryType.ActionExecuted, actor: 'workflow', at, result: result as unknown as JsonValue }],
    }));
    await refreshCard(deps, input.incident.id);
  }
  return result;
}

/** The result when nothing is to be sent (a close, a sample finding, an investigation, a dry run), else undefined. */
function skipped(input: ActionInput, base: ResultBase): ActionResult | undefined {
  if (input.operation === 'close')
    return { ...base, status: 'skipped', detail: `nothing runs (${input.approval?.decision ?? 'closed'})` };
  if (input.incident.kind === 'finding' && input.incident.finding.sample) {
    // A detector's sample finding ("Generate sample findings") describes nothing real: the decision is
    // recorded, and no executor is ever asked to act on it.
    return { ...base, status: 'skipped', detail: 'sample finding: no action runs' };
  }
  if (input.action?.type === INVESTIGATE) {
    // A finding family with no catalogued action: people investigate, no executor is asked to do anything.
    return { ...base, status: 'skipped', detail: 'investigate: no action runs' };
  }
  if (input.dryRun) {
    return {
      ...base,
      status: 'skipped',
      detail: `dry run: would ${input.operation} ${input.action?.type ?? ''} on ${input.action?.target ?? ''}`.trim(),
    };
  }
  return undefined;
}

/** Sends the command when a receipt allows exactly this action (a containment needs none); fails closed otherwise. */
async function send(deps: RunActionDeps, input: ActionInput, base: ResultBase): Promise<ActionResult> {
  if (!deps.notifier) return { ...base, status: 'failed', detail: 'no actions topic configured' };
  const receipt = input.operation === 'contain' ? null : await receiptOf(deps, input);
  if (receipt === undefined)
    return { ...base, status: 'failed', detail: 'no receipt allows it: nothing sent (fail closed)' };
  if (receipt !== null && !covers(receipt, input.actionAsSent ?? input.action)) {
    // The receipt allows another action than the one this command would carry: nothing is sent.
    return { ...base, status: 'failed', detail: 'the receipt does not cover this action: nothing sent (fail closed)' };
  }
  return publish({ notifier: deps.notifier }, input, base, receipt);
}

/** The decisions whose receipt allows each operation that needs one. */
const ALLOWED_BY: Record<'execute' | 'rollback', readonly string[]> = {
  execute: ['approve'],
  rollback: ['rollback', 'expired'],
};

/**
 * The receipt an execute or rollback command carries: the one the decision
 * resumed the workflow with, or, when the workflow's own timeout fired first
 * (`ApprovalTimedOut` carries none), the one chainsec signs from the decision
 * it has recorded (the sweep's expiry, whose entry hash is `ledgerHash`).
 * @returns undefined when no recorded decision allows the operation: the caller sends nothing
 */
async function receiptOf(deps: RunActionDeps, input: ActionInput): Promise<JsonValue | undefined> {
  const given = input.approval?.receipt;
  if (given !== undefined && given !== null) return given as JsonValue;
  const stored = await deps.incidents.get(input.incident.id);
  if (!stored) return undefined;
  const receipt = await signReceipt(deps, input.incident.id, stored.record);
  const allowed = ALLOWED_BY[input.operation as 'execute' | 'rollback'];
  if (!receipt || !allowed.includes(receipt.decision)) return undefined;
  return receipt as unknown as JsonValue;
}

/** Whether a receipt's `actionDigest` is the digest of the action a command carries. */
function covers(receipt: JsonValue, action: unknown): boolean {
  const digest = (receipt as { actionDigest?: unknown }).actionDigest;
  try {
    return typeof digest === 'string' && action !== undefined && digest === actionDigest(action);
  } catch {
    return false;
  }
}

/** Publishes the command with its receipt (null only for a containment, which people confirm afterwards). */
async function publish(
  deps: Required<Pick<RunActionDeps, 'notifier'>>,
  input: ActionInput,
  base: ResultBase,
  receipt: JsonValue,
): Promise<ActionResult> {
  try {
    // The receipt lets the executor check, on its own, that people allowed exactly this action (docs/RECEIPTS.md).
    await deps.notifier.publishAction({
      ...(base as unknown as Record<string, JsonValue>),
      incidentId: input.incident.id,
      action: (input.actionAsSent ?? input.action ?? null) as JsonValue,
      approval: (input.approval ?? null) as JsonValue,
      receipt,
    });
    return { ...base, status: 'executed' };
  } catch (e) {
    return { ...base, status: 'failed', detail: (e as Error).message };
  }
}
