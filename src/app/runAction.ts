import type { Incident } from '../domain/incident';
import type { ActionResult } from '../domain/incidentRecord';
import { LedgerEntryType, type JsonValue } from '../domain/ledger';
import type { ProposedAction } from '../domain/messages';
import { INVESTIGATE } from '../domain/sources/actions';
import { refreshCard } from './cards';
import { commitWithRetry } from './commitWithRetry';
import type { AppDeps } from './deps';

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
 * Carries out (or, in dry run, only records) what the workflow decided.
 * chainsec holds no blast-radius permissions itself: commands go to the agent's
 * executors over the actions topic. When the incident is known, the outcome is
 * a signed ledger entry and shows on its card.
 */
export async function runAction(deps: AppDeps, input: ActionInput): Promise<ActionResult> {
  const at = deps.clock.now().toISOString();
  const base = {
    operation: input.operation,
    dryRun: input.dryRun,
    at,
    ...(input.action && { type: input.action.type, target: input.action.target, reversible: input.action.reversible }),
  };
  let result: ActionResult;
  if (input.operation === 'close') {
    result = { ...base, status: 'skipped', detail: `nothing runs (${input.approval?.decision ?? 'closed'})` };
  } else if (input.action?.type === INVESTIGATE) {
    // A finding family with no catalogued action: people investigate, no executor is asked to do anything.
    result = { ...base, status: 'skipped', detail: 'investigate: no action runs' };
  } else if (input.dryRun) {
    result = {
      ...base,
      status: 'skipped',
      detail: `dry run: would ${input.operation} ${input.action?.type ?? ''} on ${input.action?.target ?? ''}`.trim(),
    };
  } else if (!deps.notifier) {
    result = { ...base, status: 'failed', detail: 'no actions topic configured' };
  } else {
    try {
      // The receipt lets the executor check, on its own, that people allowed exactly this action (CONTRACT section 9).
      const command = {
        ...base,
        incidentId: input.incident.id,
        action: (input.actionAsSent ?? input.action ?? null) as JsonValue,
      };
      await deps.notifier.publishAction({
        ...command,
        approval: input.approval ?? null,
        receipt: (input.approval?.receipt ?? null) as JsonValue,
      });
      result = { ...base, status: 'executed' };
    } catch (e) {
      result = { ...base, status: 'failed', detail: (e as Error).message };
    }
  }
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
