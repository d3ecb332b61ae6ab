import type { KnownBlock } from '@slack/types';
import type { IncidentRecord } from '../domain/incidentRecord';
import type { EffectivePolicy } from '../domain/effectivePolicy';
import { buildIncidentCard } from './incidentCard';
import { truncate } from './escape';
import { HOME_BLOCKS_MAX } from './limits';
import { type RouteListItem, type UnreachableRouteItem, routeListLines, unreachableRouteLines } from './routeNotices';

/** App Home allows 100 blocks; each waiting approval takes up to 3. */
const MAX_WAITING = 25;

/**
 * The Home tab: approvals waiting for the viewer, with the same buttons as the
 * card, every route they can decide in (when `ROUTES` names any; the same
 * list as `/chainsec status`), and the ones they voted on recently.
 */
export function buildHomeView(input: {
  userId: string;
  waiting: IncidentRecord[];
  decided: IncidentRecord[];
  now: Date;
  /** Each record's own policy: its votes, its fallback, and whether its buttons work here. */
  policyOf: (
    record: IncidentRecord,
  ) => Pick<EffectivePolicy, 'approvalsNeeded' | 'onTimeout' | 'allowAppHome' | 'decisionChannels'>;
  /** The routes the viewer can decide in (see `routesFor`); none: one channel, no list. */
  routes?: readonly RouteListItem[];
  /** Route channels the bot is not in, with the default channel their cards go to instead. */
  unreachable?: { routes: readonly UnreachableRouteItem[]; defaultChannel: string };
}): { type: 'home'; blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: `Waiting for you (${input.waiting.length})` } },
  ];
  if (input.waiting.length === 0)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: 'Nothing is waiting for your decision.' } });
  for (const record of input.waiting.slice(0, MAX_WAITING)) {
    const policy = input.policyOf(record);
    const card = buildIncidentCard(record, {
      now: input.now,
      approvalsNeeded: policy.approvalsNeeded,
      onTimeout: policy.onTimeout,
    });
    // A card whose policy keeps decisions in its channel gets no buttons here, just where to go.
    const where = policy.decisionChannels.map((c) => `<#${c}>`).join(', ');
    const buttons: KnownBlock[] = policy.allowAppHome
      ? card.blocks.filter((b) => b.type === 'actions')
      : [{ type: 'context', elements: [{ type: 'mrkdwn', text: `Decided only in ${where}.` }] }];
    blocks.push(
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*${record.incident.id}* · ${record.tier.toUpperCase()}${record.dryRun ? ' · DRY RUN' : ''}\n${truncate(card.text, 600)}`,
        },
      },
      ...buttons,
      { type: 'divider' },
    );
  }
  const unreachable = input.unreachable?.routes ?? [];
  const routeLines = [
    ...routeListLines(input.routes ?? [], unreachable),
    ...(input.unreachable ? unreachableRouteLines(unreachable, input.unreachable.defaultChannel) : []),
  ];
  if (routeLines.length > 0)
    blocks.push(
      { type: 'header', text: { type: 'plain_text', text: 'Where you decide' } },
      { type: 'section', text: { type: 'mrkdwn', text: truncate(routeLines.join('\n'), 2900) } },
    );
  blocks.push({ type: 'header', text: { type: 'plain_text', text: 'You voted on recently' } });
  const lines = input.decided.map((r) => {
    const mine = r.votes.find((v) => v.userId === input.userId);
    return `• *${r.incident.id}* · ${r.tier.toUpperCase()} · you: ${mine?.choice ?? '—'} · outcome: ${r.decision ?? r.status}`;
  });
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') || 'No recent votes.' } });
  return { type: 'home', blocks: blocks.slice(0, HOME_BLOCKS_MAX) };
}
