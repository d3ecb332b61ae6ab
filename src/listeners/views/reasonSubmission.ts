import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { ReasonView } from '../../domain/actionIds';
import { boundReason, REASON_MAX } from '../../domain/reason';
import { parseReasonMetadata, type ReasonModalMetadata } from '../../domain/reasonModal';
import { escapeMrkdwn } from '../../blocks/escape';
import { userMessageFor } from '../../userMessages';
import type { AppDeps } from '../../app/deps';
import { recordVote, type VoteResult } from '../../app/recordVote';
import { noTracing } from '../../app/tracing';
import { ackRepeated } from '../onceRule';
import type { ChainsecContext } from '../requestContext';

type ReasonSubmitArgs = AllMiddlewareArgs<ChainsecContext> & SlackViewMiddlewareArgs<ViewSubmitAction>;

const FORGED = 'This form does not refer to a request you can decide; nothing was recorded.';

/**
 * The facts of a submission that can be trusted, or `undefined`: a modal
 * opened by this app (`callback_id`, `app_id`), whose `private_metadata`
 * parses exactly, submitted by the person it was opened for, in this
 * workspace. Slack signs the request, but the user and the values are the
 * submitter's: the surface in the metadata is checked against the incident's
 * own card, and the policy applied, when the vote is recorded.
 */
export function trustedSubmission(body: ViewSubmitAction): ReasonModalMetadata | undefined {
  const { view, user } = body;
  if (view.type !== 'modal' || view.callback_id !== ReasonView.CallbackId || view.app_id !== body.api_app_id)
    return undefined;
  const metadata = parseReasonMetadata(view.private_metadata);
  if (!metadata || metadata.userId !== user.id) return undefined;
  const teamId = body.team?.id;
  return teamId && user.team_id === teamId ? metadata : undefined;
}

/** The typed reason, from the modal's one input. */
function typedReason(body: ViewSubmitAction): string | undefined {
  const value = body.view.state.values[ReasonView.InputBlock]?.[ReasonView.InputAction]?.value;
  return typeof value === 'string' ? value : undefined;
}

/** Modal errors are plain text: a `<@U…>` mention reads as `@U…`. */
const plainMessage = (text: string) => text.replace(/<@([UW][A-Z0-9]+)>/g, '@$1');

/**
 * The reason modal's submission: records the vote exactly as the button
 * would (same rules, same one-time claim taken in the vote's own write), with
 * the bounded reason. A refusal keeps the modal open and says why; a vote
 * recorded closes it, and the person is told (ephemeral on the card's channel,
 * or a DM from the App Home tab), including when the reason was cut.
 */
export function reasonSubmissionListener(deps: AppDeps) {
  return async (args: ReasonSubmitArgs): Promise<void> => {
    const { ack, body, context } = args;
    const refuse = (message: string) =>
      ack({ response_action: 'errors', errors: { [ReasonView.InputBlock]: plainMessage(message) } });
    const claim = context.claimInWrite?.claim;
    const metadata = trustedSubmission(body);
    if (!metadata) {
      deps.telemetry.warn('reason submission refused before reading the incident', { reason: 'untrusted form' });
      deps.telemetry.metric('VotesRejected');
      if (claim && !(await deps.claims.take(claim))) return ackRepeated(ack);
      return refuse(FORGED);
    }
    const { incidentId, choice, surface } = metadata;
    const reason = boundReason(typedReason(body));
    const read =
      context.claimInWrite?.incidentRead?.incidentId === incidentId
        ? context.claimInWrite.incidentRead.read
        : undefined;
    let result: VoteResult;
    try {
      const input = { incidentId, userId: body.user.id, choice, surface, ...(reason && { reason: reason.text }) };
      result = await (deps.tracing ?? noTracing).span('recordVote', () =>
        recordVote(deps, { ...input, ...(claim && { claim }), ...(read && { incidentRead: read }) }),
      );
    } catch (e) {
      deps.telemetry.error('vote failed', {
        incidentId,
        code: (e as { code?: string }).code,
        error: (e as Error).message,
      });
      // Fail closed, as for a click: this signed submission must not count later.
      if (claim && !(await deps.claims.take(claim).catch(() => true))) return ackRepeated(ack);
      return refuse(userMessageFor(e));
    }
    if (result.kind === 'replayed') return ackRepeated(ack);
    if (result.kind === 'rejected') return refuse(result.message);
    await ack();
    const cut = reason?.cut
      ? ` Your reason was longer than ${REASON_MAX} characters: it was cut, and ends with “…[cut]”.`
      : '';
    const done = result.decided
      ? `Decision recorded (${result.decided.decision}).`
      : `Your ${choice} vote is recorded and signed (${result.tally[choice].length} of ${result.tally.needed} needed).`;
    await tellVoter(deps, body.user.id, surface, `${done}${reason ? ' Your reason is signed with it.' : ''}${cut}`);
  };
}

/** Tells the voter, only them: ephemeral in the card's channel, or a DM when the modal came from the App Home tab. */
async function tellVoter(
  deps: AppDeps,
  userId: string,
  surface: ReasonModalMetadata['surface'],
  text: string,
): Promise<void> {
  const message = { text: escapeMrkdwn(text), blocks: [] };
  try {
    if (surface.kind === 'message') await deps.slack.postEphemeral(surface.channelId, userId, message);
    else await deps.slack.dm(userId, message);
  } catch (e) {
    // Best effort: the vote is recorded, the card shows it.
    deps.telemetry.warn('could not tell the voter', { error: (e as Error).message });
  }
}

/** Registers the reason modal's submission. */
export function register(app: App<ChainsecContext>, deps: AppDeps): void {
  app.view<ViewSubmitAction>(ReasonView.CallbackId, reasonSubmissionListener(deps));
}
