import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { AppDeps } from '../../app/deps';
import type { RequestClaims } from '../../services/RequestClaims';
import { ackRepeated } from '../onceRule';
import type { ChainsecContext } from '../requestContext';

/** What a person of another workspace is told when they run `/chainsec`. */
const OTHER_WORKSPACE = 'chainsec answers only members of its own workspace.';
/** What they are told when they click a button (through the click's `response_url`: Slack may not let the bot message them). */
const OTHER_WORKSPACE_CLICK = 'You cannot decide this: chainsec answers only members of its own workspace.';

/**
 * Every workspace (team) id a Slack request names: the workspace it was sent
 * from and, where Slack says it, the person's own (a Slack Connect guest's
 * differs from the channel's).
 */
export function teamsOf(body: unknown): string[] {
  const b = (body ?? {}) as Record<string, unknown>;
  const team = b.team as { id?: unknown } | null | undefined;
  const user = b.user as { team_id?: unknown } | undefined;
  const view = b.view as { team_id?: unknown } | undefined;
  return [b.team_id, b.user_team_id, team?.id, user?.team_id, view?.team_id].filter(
    (t): t is string => typeof t === 'string',
  );
}

/**
 * A global middleware: a request that names any workspace other than
 * `teamId` (or none) goes no further, so a person of another workspace
 * reads nothing (`/chainsec`, the Home tab) and changes nothing. Without a
 * configured workspace nothing is checked here (votes and marks still refuse
 * a clicker whose own workspace differs from the request's).
 *
 * The refusal is the request's answer: a click that would have changed an
 * incident (whose key its listener takes, `src/listeners/onceRule.ts`) takes
 * its key here first, so a repeat of it is answered as one and not refused again.
 */
export function sameWorkspace(
  deps: Pick<AppDeps, 'telemetry'> & { claims: Pick<RequestClaims, 'take'> },
  teamId: string | undefined,
): Middleware<AnyMiddlewareArgs, ChainsecContext> {
  return async (args) => {
    const teams = teamsOf(args.body);
    if (teamId === undefined || (teams.length > 0 && teams.every((t) => t === teamId))) return args.next();
    deps.telemetry.warn('request from another workspace refused', { teams: teams.slice(0, 4) });
    deps.telemetry.metric('OtherWorkspaceRefused');
    if (!('ack' in args) || typeof args.ack !== 'function') return; // an event: Bolt acknowledged it already
    const ack = args.ack as (response?: unknown) => Promise<void>;
    const click = args.context.claimInWrite;
    if (click && !(await deps.claims.take(click.claim))) {
      deps.telemetry.info('slack request already processed; nothing done', {
        retry: args.context.slackRequest.isRetry,
      });
      await ackRepeated(ack as (response?: never) => Promise<void>);
      return;
    }
    if ('command' in args && args.command !== undefined) {
      await ack({ response_type: 'ephemeral', text: OTHER_WORKSPACE });
      return;
    }
    await ack();
    const respond = 'respond' in args ? (args.respond as ((m: unknown) => Promise<unknown>) | undefined) : undefined;
    await respond?.({ response_type: 'ephemeral', replace_original: false, text: OTHER_WORKSPACE_CLICK }).catch(
      () => undefined,
    );
  };
}
