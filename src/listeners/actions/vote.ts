import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { ActionId } from '../../domain/actionIds';
import type { VoteChoice } from '../../domain/votes';
import { UserMessage, userMessageFor } from '../../userMessages';
import { recordVote, type VoteResult } from '../../app/recordVote';
import type { AppDeps } from '../../app/deps';
import { noTracing } from '../../app/tracing';
import { INCIDENT_ID } from '../../domain/incident';
import { ackRepeated } from '../onceRule';
import type { ChainsecContext } from '../requestContext';
import { tellClicker } from './tellClicker';
import { isFromThisWorkspace, voteSurfaceOf } from './voteSurface';

const CHOICES: Record<string, VoteChoice> = {
  [ActionId.Approve]: 'approve',
  [ActionId.Deny]: 'deny',
  [ActionId.Rollback]: 'rollback',
};

type VoteClickArgs = AllMiddlewareArgs<ChainsecContext> & SlackActionMiddlewareArgs<BlockAction<ButtonAction>>;

/**
 * Approve / Deny / Rollback: records the clicker's vote at once (no modal).
 * The click is acknowledged once its outcome is known (Lambda answers only
 * after the listener anyway): as repeated when its claim was taken before.
 */
export function voteListener(deps: AppDeps) {
  return async (args: VoteClickArgs): Promise<void> => {
    let outcome: 'processed' | 'repeated' | undefined;
    try {
      outcome = await handleVoteClick(deps, args);
    } finally {
      await (outcome === 'repeated' ? ackRepeated(args.ack) : args.ack());
    }
  };
}

async function handleVoteClick(deps: AppDeps, args: VoteClickArgs): Promise<'processed' | 'repeated'> {
  const { body, action, context, respond } = args;
  const choice = CHOICES[action.action_id];
  const incidentId = action.value ?? '';
  const where = voteSurfaceOf(body);
  const tell = (text: string) => tellClicker(deps.slack, body, text, respond);
  const click = context.claimInWrite;
  const known = INCIDENT_ID.test(incidentId);
  /** Takes the click's claim before an answer that records nothing; false when it was taken before. */
  const claimNow = async (): Promise<boolean> => !click || (await deps.claims.take(click.claim));
  /** Says `text` unless the click was processed before. */
  const refuse = async (text: string): Promise<'processed' | 'repeated'> => {
    if (!(await claimNow())) return 'repeated';
    await tell(text);
    return 'processed';
  };
  if (!choice || !known) return refuse(UserMessage.unknownButton());
  if (!isFromThisWorkspace(body) || 'refused' in where) {
    const reason = 'refused' in where ? 'surface' : 'workspace';
    deps.telemetry.warn('vote click refused before reading the incident', { incidentId, reason });
    deps.telemetry.metric('VotesRejected');
    return refuse('refused' in where ? where.refused : UserMessage.notThisWorkspace());
  }
  let result: VoteResult;
  try {
    const read = click?.incidentRead?.incidentId === incidentId ? click.incidentRead.read : undefined;
    const vote = { incidentId, userId: body.user.id, choice, surface: where.surface };
    result = await (deps.tracing ?? noTracing).span('recordVote', () =>
      recordVote(deps, { ...vote, ...(click && { claim: click.claim }), ...(read && { incidentRead: read }) }),
    );
  } catch (e) {
    // recordVote throws only before its commit: nothing was recorded.
    deps.telemetry.error('vote failed', {
      incidentId,
      code: (e as { code?: string }).code,
      error: (e as Error).message,
    });
    if ((e as { code?: string }).code === 'chainsec_signing_failed') deps.telemetry.metric('SigningFailures');
    // Fail closed: the clicker is told nothing was recorded, so this signed
    // click must not count later (a replay is refused). Best effort: the
    // store may be what failed.
    if (await claimNow().catch(() => true)) await tell(userMessageFor(e));
    return 'processed';
  }
  if (result.kind === 'replayed') return 'repeated';
  if (result.kind === 'rejected') {
    await tell(result.message);
  } else if (!result.decided) {
    const { tally } = result;
    await tell(UserMessage.voteRecorded(choice, tally[choice].length, tally.needed));
  } else if (result.decided.delivery === 'retry_later') {
    await tell(UserMessage.decisionRecordedResumeLater(result.decided.decision));
  }
  return 'processed';
}

/** Registers the vote buttons. */
export function register(app: App<ChainsecContext>, deps: AppDeps): void {
  const listener = voteListener(deps);
  for (const id of [ActionId.Approve, ActionId.Deny, ActionId.Rollback])
    app.action<BlockAction<ButtonAction>>(id, listener);
}
