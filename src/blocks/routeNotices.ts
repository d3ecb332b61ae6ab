import type { KnownBlock } from '@slack/types';
import { escapeMrkdwn, truncate, untrusted } from './escape';

/**
 * How routes read in Slack: the list in `/chainsec status` and the Home tab,
 * the note under a card that fell back to the default channel, and the
 * sweep's alert about a route channel the bot is not in. Route names and
 * matches come from configuration: escaped like any other text.
 */

/** A route as the status and the Home tab list it (see `routesFor`). */
export interface RouteListItem {
  channel: string;
  match: string;
  /** The route's own approvers (user / user group ids); absent: the tier's. */
  approvers?: readonly string[];
  pending: number;
}

/** A route channel the bot is not in (see `unreachableRoutes`). */
export interface UnreachableRouteItem {
  channel: string;
  routes: readonly string[];
}

const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;
const SLACK_ID = /^[UWS][A-Z0-9]{2,}$/;

/** A channel as mrkdwn: a `<#C…>` link only for a well-formed id, else escaped text. */
export function channelRef(id: string): string {
  return SLACK_CHANNEL_ID.test(id) ? `<#${id}>` : untrusted(id, 80);
}

/** An id in code formatting, only when it is a well-formed Slack id. */
const codeId = (id: string): string => (SLACK_ID.test(id) ? `\`${id}\`` : untrusted(id, 80));

/** Bullet lines of routes, each with its approvers and pending count, marked when the bot is not in its channel. */
export function routeListLines(
  routes: readonly RouteListItem[],
  unreachable: readonly UnreachableRouteItem[] = [],
): string[] {
  const out = new Set(unreachable.map((u) => u.channel));
  return routes.map(
    (r) =>
      `• ${channelRef(r.channel)} — ${untrusted(r.match, 300)} · approvers: ${r.approvers ? r.approvers.map(codeId).join(', ') : "the tier's"} · pending: ${r.pending}${out.has(r.channel) ? ' · :warning: chainsec is not in this channel' : ''}`,
  );
}

/** What a route channel the bot is not in means (its cards go to the default channel), and how to fix it. */
function unreachableText(u: UnreachableRouteItem, defaultChannel: string): string {
  return `:warning: ${channelRef(u.channel)} (\`${escapeMrkdwn(u.channel)}\`, ${u.routes.map((m) => untrusted(m, 200)).join('; ')}): chainsec is not in this channel, so its cards go to ${channelRef(defaultChannel)}. Invite it there with \`/invite @chainsec\`.`;
}

/** One bullet line per route channel the bot is not in. */
export function unreachableRouteLines(unreachable: readonly UnreachableRouteItem[], defaultChannel: string): string[] {
  return unreachable.map((u) => `• ${unreachableText(u, defaultChannel)}`);
}

const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, 2900) },
});

/** The thread note under a card posted in the default channel because its route's channel refused it. */
export function routeFallbackNote(input: { routeChannel: string; routeName?: string; slackError: string }): {
  text: string;
  blocks: KnownBlock[];
} {
  const name = input.routeName !== undefined ? ` (route ${untrusted(input.routeName, 64)})` : '';
  const text = `:warning: This card belongs in ${channelRef(input.routeChannel)}${name}, but Slack refused it there (\`${escapeMrkdwn(input.slackError)}\`: chainsec is not in that channel), so it is posted here. Votes on it count here, by the route's approvers. Invite chainsec to ${channelRef(input.routeChannel)} with \`/invite @chainsec\`.`;
  return { text, blocks: [section(text)] };
}

/** The sweep's one alert about a route channel the bot is not in, posted in the default channel. */
export function unreachableRouteAlert(
  route: UnreachableRouteItem,
  defaultChannel: string,
): { text: string; blocks: KnownBlock[] } {
  const text = `:rotating_light: *A route cannot be posted to.* ${unreachableText(route, defaultChannel)} This alert is posted once; \`/chainsec status\` lists every such route.`;
  return { text, blocks: [section(text)] };
}
