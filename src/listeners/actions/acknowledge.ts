import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { pagedRequestOf } from '../../blocks/escalationDm';
import { ActionId } from '../../domain/actionIds';
import { acknowledge, markFalsePositive } from '../../app/acknowledge';
import { UserMessage, userMessageFor } from '../../userMessages';
import type { AppDeps } from '../../app/deps';
import { INCIDENT_ID } from '../../domain/incident';
import { ackRepeated } from '../onceRule';
import type { ChainsecContext } from '../requestContext';
import { tellClicker } from './tellClicker';
import { isFromThisWorkspace, voteSurfaceOf } from './voteSurface';

type MarkClickArgs = AllMiddlewareArgs<ChainsecContext> & SlackActionMiddlewareArgs<BlockAction<ButtonAction>>;

/**
 * A button that marks the incident it names: "I'm on it" ({@link acknowledge})
 * or {@link markFalsePositive}. The click is acknowledged once its outcome is
 * known (Lambda answers only after the listener anyway): as repeated when its
 * key was taken before.
 */
export function markListener(deps: AppDeps, run: typeof acknowledge) {
  return async (args: MarkClickArgs): Promise<void> => {
    let outcome: 'processed' | 'repeated' | undefined;
    try {
      outcome = await handleMarkClick(deps, run, args);
    } finally {
      await (outcome === 'repeated' ? ackRepeated(args.ack) : args.ack());
    }
  };
}

async function handleMarkClick(
  deps: AppDeps,
  run: typeof acknowledge,
  { body, action, context }: MarkClickArgs,
): Promise<'processed' | 'repeated'> {
  const incidentId = action.value ?? '';
  const click = context.claimInWrite;
  const tell = (text: string) => tellClicker(deps.slack, body, text);
  /** Takes the click's key before an answer that records nothing; false when it was taken before. */
  const claimNow = async (): Promise<boolean> => !click || (await deps.claims.take(click.claim));
  /** Says `text` unless the click was processed before. */
  const refuse = async (text: string): Promise<'processed' | 'repeated'> => {
    if (!(await claimNow())) return 'repeated';
    await tell(text);
    return 'processed';
  };
  if (!INCIDENT_ID.test(incidentId)) return refuse(UserMessage.unknownButton());
  // Someone of another organisation (a Slack Connect channel) may see a card, never act on it.
  if (!isFromThisWorkspace(body)) return refuse(UserMessage.onlyThisWorkspace());
  const where = voteSurfaceOf(body);
  if ('refused' in where) return refuse(where.refused);
  try {
    const read = click?.incidentRead?.incidentId === incidentId ? click.incidentRead.read : undefined;
    const pagedFor = pagedRequestOf(action.block_id);
    const input = { incidentId, userId: body.user.id, surface: where.surface, ...(pagedFor && { pagedFor }) };
    // The use case takes the key: with the mark, or before an answer that records nothing.
    const result = await run(deps, {
      ...input,
      ...(click && { claim: click.claim }),
      ...(read && { incidentRead: read }),
    });
    if (result.kind === 'replayed') return 'repeated';
    await tell(result.message);
  } catch (e) {
    deps.telemetry.error('action failed', { incidentId, error: (e as Error).message });
    // Fail closed: the clicker is told nothing was recorded, so this signed click must not count later
    // (best effort: the store may be what failed).
    if (await claimNow().catch(() => true)) await tell(userMessageFor(e));
  }
  return 'processed';
}

/** "I'm on it" and "Mark false positive". */
export function register(app: App<ChainsecContext>, deps: AppDeps): void {
  app.action<BlockAction<ButtonAction>>(ActionId.Acknowledge, markListener(deps, acknowledge));
  app.action<BlockAction<ButtonAction>>(ActionId.FalsePositive, markListener(deps, markFalsePositive));
}
