import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { AppDeps } from '../../app/deps';

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
 */
export function sameWorkspace(
  deps: Pick<AppDeps, 'telemetry'>,
  teamId: string | undefined,
): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const teams = teamsOf(args.body);
    if (teamId === undefined || (teams.length > 0 && teams.every((t) => t === teamId))) return args.next();
    deps.telemetry.warn('request from another workspace refused', { teams: teams.slice(0, 4) });
    deps.telemetry.metric('OtherWorkspaceRefused');
    if (!('ack' in args) || typeof args.ack !== 'function') return; // an event: Bolt acknowledged it already
    const ack = args.ack as (response?: unknown) => Promise<void>;
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
