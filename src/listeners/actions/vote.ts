import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { ActionId } from '../../domain/actionIds';
import type { VoteChoice } from '../../domain/votes';
import { userMessageFor } from '../../app/errorMessages';
import { recordVote, type VoteResult } from '../../app/recordVote';
import type { AppDeps } from '../../app/deps';
import { INCIDENT_ID } from '../../domain/incident';
import { preparedVoteClickOf } from '../voteClick';
import { tellClicker } from './tellClicker';
import { isFromThisWorkspace, voteSurfaceOf } from './voteSurface';

const CHOICES: Record<string, VoteChoice> = {
  [ActionId.Approve]: 'approve',
  [ActionId.Deny]: 'deny',
  [ActionId.Rollback]: 'rollback',
};

/** Approve / Deny / Rollback: records the clicker's vote at once (no modal). */
export function voteListener(deps: AppDeps) {
  return async ({ ack, body, action, client, context, respond }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction<ButtonAction>>): Promise<void> => {
    await ack();
    const choice = CHOICES[action.action_id];
    const incidentId = action.value ?? '';
    const where = voteSurfaceOf(body);
    const tell = (text: string) => tellClicker(client, body, text, respond);
    const prepared = preparedVoteClickOf(context);
    const known = INCIDENT_ID.test(incidentId);
    /**
     * Takes the click's claim before an answer that records nothing (in the
     * incident it names, where its vote would take it); false when it was taken before.
     */
    const claimNow = async (): Promise<boolean> => {
      if (!prepared || (await deps.store.claimOnce(prepared.claim, known ? incidentId : undefined))) return true;
      prepared.replayed = true;
      return false;
    };
    if (!choice || !known) {
      if (await claimNow()) await tell('That button does not refer to an incident I know.');
      return;
    }
    if (!isFromThisWorkspace(body) || 'refused' in where) {
      deps.telemetry.warn('vote click refused before reading the incident', { incidentId, reason: 'refused' in where ? 'surface' : 'workspace' });
      deps.telemetry.metric('VotesRejected');
      const why = 'refused' in where ? where.refused : 'You cannot decide this: only approvers in this workspace can.';
      if (await claimNow()) await tell(why);
      return;
    }
    let result: VoteResult;
    try {
      const read = prepared?.incidentRead?.incidentId === incidentId ? prepared.incidentRead.read : undefined;
      result = await recordVote(deps, { incidentId, userId: body.user.id, choice, surface: where.surface, ...(prepared && { claim: prepared.claim }), ...(read && { incidentRead: read }) });
    } catch (e) {
      // recordVote throws only before its commit: nothing was recorded.
      deps.telemetry.error('vote failed', { incidentId, code: (e as { code?: string }).code, error: (e as Error).message });
      if ((e as { code?: string }).code === 'chainsec_signing_failed') deps.telemetry.metric('SigningFailures');
      // Fail closed: the clicker is told nothing was recorded, so this signed
      // click must not count later (a replay is refused). Best effort: the
      // store may be what failed.
      if (await claimNow().catch(() => true)) await tell(userMessageFor(e));
      return;
    }
    if (result.kind === 'replayed') {
      if (prepared) prepared.replayed = true;
    } else if (result.kind === 'rejected') {
      await tell(result.message);
    } else if (!result.decided) {
      const { tally } = result;
      await tell(`Your ${choice} vote is recorded and signed (${tally[choice].length} of ${tally.needed} needed).`);
    } else if (result.decided.delivery === 'retry_later') {
      await tell(`Decision recorded (${result.decided.decision}); the workflow will be resumed shortly.`);
    }
  };
}

/** Registers the vote buttons. */
export function register(app: App, deps: AppDeps): void {
  const listener = voteListener(deps);
  for (const id of [ActionId.Approve, ActionId.Deny, ActionId.Rollback]) app.action<BlockAction<ButtonAction>>(id, listener);
}
