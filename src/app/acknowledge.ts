import { ErrorCode, ReplayedRequestError } from '../errors';
import { IncidentStatus } from '../domain/incidentRecord';
import { LedgerEntryType } from '../domain/ledger';
import { refreshCard } from './cards';
import { commitWithRetry, type StepPlan } from './commitWithRetry';
import type { AppDeps, IncidentChangeDeps } from './deps';
import { isPolicyPerson, policyFor } from './routing';
import type { IncidentRecord } from '../domain/incidentRecord';
import { surfaceAllowed, type VoteSurface } from '../domain/votes';
import type { StoredIncident } from '../services/IncidentRepository';
import type { OnceClaim } from '../services/RequestClaims';
import { UserMessage } from '../userMessages';

/** What acknowledging or marking an incident needs. */
type MarkDeps = IncidentChangeDeps & Pick<AppDeps, 'claims'>;

/** A click on "I'm on it" or "Mark false positive": who, on which incident, and where the button was. */
export interface MarkInput {
  incidentId: string;
  userId: string;
  /** The card's message, the Home tab, or (for "I'm on it") the escalation DM. */
  surface: VoteSurface;
  /** For a click in an escalation DM: the request that page was sent for (its `requestedAt`), if it names one. */
  pagedFor?: string;
  /**
   * The click's one-time key: taken in the mark's own write (or, when nothing
   * is written, before the answer), so a replayed click changes and says nothing.
   */
  claim?: OnceClaim;
  /** The incident, already being read (the guard starts the read early); used for the first attempt. */
  incidentRead?: Promise<StoredIncident | undefined>;
}

/** Why a mark is refused, or undefined when `input` may mark `record` (its people, on a surface its policy allows). */
async function markRefusal(
  deps: MarkDeps,
  record: IncidentRecord,
  input: MarkInput,
  what: 'acknowledge' | 'mark false positives',
): Promise<MarkResult | undefined> {
  const policy = policyFor(deps, record);
  // The escalation DM carries "I'm on it" too: only the person paged sees it (a DM with the bot).
  const inDm = what === 'acknowledge' && input.surface.kind === 'message' && input.surface.channelId.startsWith('D');
  if (!inDm && !surfaceAllowed(policy, input.surface))
    return {
      kind: 'rejected',
      code: ErrorCode.WrongChannel,
      message: UserMessage.handledOnItsCard(),
    };
  // A page, like a card, stands for one request: one sent before a raise does not answer for the new one.
  if (inDm && input.pagedFor !== record.requestedAt)
    return { kind: 'rejected', code: ErrorCode.NotADecisionSurface, message: UserMessage.pageOutdated() };
  // On the card itself, as a vote: a card a raise replaced keeps its buttons, but shows an older request.
  const { surface } = input;
  if (!inDm && surface.kind === 'message' && (surface.channelId !== record.channel || surface.messageTs !== record.ts))
    return { kind: 'rejected', code: ErrorCode.NotTheCard, message: UserMessage.notTheCard() };
  if (!(await isPolicyPerson(deps, record, input.userId)))
    return {
      kind: 'rejected',
      code: ErrorCode.NotAllowedToDecide,
      message: UserMessage.notIncidentPeople(what),
    };
  return undefined;
}

/** A refused mark's step: a click on a card just posted, whose `ts` is not stored yet, waits for it (as a vote does). */
function refusedStep(record: IncidentRecord, refused: MarkResult): StepPlan<MarkResult> {
  const cardNotStored = refused.kind === 'rejected' && refused.code === ErrorCode.NotTheCard && record.ts === undefined;
  return { kind: cardNotStored ? 'wait' : 'stop', result: refused };
}

export type MarkResult =
  | { kind: 'done'; message: string }
  | { kind: 'rejected'; code: string; message: string }
  /** The click was processed before (its key is taken): nothing done, nothing to say. */
  | { kind: 'replayed' };

/**
 * Commits the mark `plan` decides on, with the click's key in the same write;
 * when nothing is written, takes the key before the answer is given. Refreshes
 * the card when the mark is (or already was) there.
 */
async function markOnce(
  deps: MarkDeps,
  input: MarkInput,
  plan: (current: StoredIncident) => Promise<StepPlan<MarkResult>>,
): Promise<MarkResult> {
  let committed = false;
  let result: MarkResult;
  try {
    result = await commitWithRetry<MarkResult>(deps, input.incidentId, plan, {
      onCommitted: () => {
        committed = true;
      },
      ...(input.claim && { claim: input.claim }),
      ...(input.incidentRead && { firstRead: input.incidentRead }),
    });
  } catch (e) {
    if (e instanceof ReplayedRequestError) return { kind: 'replayed' };
    throw e;
  }
  if (!committed && input.claim && !(await deps.claims.take(input.claim))) return { kind: 'replayed' };
  if (result.kind === 'done') await refreshCard(deps, input.incidentId);
  return result;
}

/**
 * "I'm on it": stops escalation and starts the time-to-decide clock. Only the
 * incident's own people may say it (its approvers, or whoever is on call for
 * it, e.g. the route's on-call who was paged); signed like every other step.
 */
export function acknowledge(deps: MarkDeps, input: MarkInput): Promise<MarkResult> {
  return markOnce(deps, input, async ({ record }) => {
    if (record.status !== IncidentStatus.Pending) {
      return {
        kind: 'stop',
        result: { kind: 'rejected', code: ErrorCode.AlreadyDecided, message: UserMessage.noLongerWaiting() },
      };
    }
    if (record.acknowledgedAt !== undefined) {
      return {
        kind: 'stop',
        result: { kind: 'done', message: UserMessage.alreadyAcknowledged(record.acknowledgedBy) },
      };
    }
    const refused = await markRefusal(deps, record, input, 'acknowledge');
    if (refused) return refusedStep(record, refused);
    const at = deps.clock.now().toISOString();
    return {
      kind: 'commit',
      next: { ...record, acknowledgedAt: at, acknowledgedBy: input.userId },
      drafts: [{ type: LedgerEntryType.Acknowledged, actor: input.userId, at }],
      result: { kind: 'done', message: UserMessage.acknowledged() },
    };
  });
}

/** Marks an incident a false positive (feeds the false-positive rate in `/chainsec stats`). */
export function markFalsePositive(deps: MarkDeps, input: MarkInput): Promise<MarkResult> {
  return markOnce(deps, input, async ({ record }) => {
    if (record.falsePositive) {
      return {
        kind: 'stop',
        result: { kind: 'done', message: UserMessage.alreadyFalsePositive(record.falsePositive.by) },
      };
    }
    const refused = await markRefusal(deps, record, input, 'mark false positives');
    if (refused) return refusedStep(record, refused);
    const at = deps.clock.now().toISOString();
    return {
      kind: 'commit',
      next: { ...record, falsePositive: { by: input.userId, at } },
      drafts: [{ type: LedgerEntryType.FalsePositive, actor: input.userId, at }],
      result: { kind: 'done', message: UserMessage.falsePositiveMarked() },
    };
  });
}
