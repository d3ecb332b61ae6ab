import { subDays, subHours } from 'date-fns';
import { INCIDENT_ID } from '../domain/incident';
import { IncidentStatus, type IncidentRecord } from '../domain/incidentRecord';
import { onCallAt } from '../domain/escalation';
import { computeStats } from '../domain/stats';
import { utcDays } from '../domain/utcDays';
import { tally } from '../domain/votes';
import * as render from '../blocks/commandResponses';
import type { SlackMessage } from '../services/SlackGateway';
import { chainChecker } from './chainVerdicts';
import type { AppDeps } from './deps';
import { readableBy, recordPolicy, routesFor, unreachableRoutes } from './routing';
import { resolveFullText } from './fullText';

/** Where a command came from. */
export interface CommandInput {
  text: string;
  userId: string;
  channelId: string;
}

/**
 * What answering `/chainsec` needs: the store and ledger to read, the signer's
 * public keys (verify), Slack (links, route reach) and the full texts.
 */
export type RunCommandDeps = Pick<
  AppDeps,
  'config' | 'clock' | 'incidents' | 'ledger' | 'signer' | 'slack' | 'telemetry' | 'fullText'
>;

/** The answers `/chainsec` gives, each a message shown only to the asker. */
export type CommandResponse = SlackMessage[];

const RANGES = {
  '24h': (d: Date) => subHours(d, 24),
  '7d': (d: Date) => subDays(d, 7),
  '30d': (d: Date) => subDays(d, 30),
} as const;
/** `verify` without an id checks this many most recent chains, so it answers within Slack's 3 seconds. */
const VERIFY_RECENT_LIMIT = 200;

/**
 * Runs `/chainsec <text>`. Unknown input gets help with a clear message;
 * malformed arguments get a helpful error, never a stack trace.
 */
export async function runCommand(deps: RunCommandDeps, input: CommandInput): Promise<CommandResponse> {
  const [verb = 'help', ...args] = input.text.trim().split(/\s+/).filter(Boolean);
  switch (verb.toLowerCase()) {
    case 'help':
      return [render.help()];
    case 'status':
      return [await status(deps, input.userId)];
    case 'pending':
      return [await pending(deps, input.userId)];
    case 'incident':
      return incident(deps, args[0], input.userId);
    case 'verify':
      return [await verify(deps, args[0], input.userId)];
    case 'stats':
      return [await stats(deps, args[0], input.userId)];
    case 'oncall':
      return [oncall(deps)];
    default:
      return [render.help(`I do not know "${verb.slice(0, 40)}".`)];
  }
}

async function recent(deps: RunCommandDeps, days: number): Promise<IncidentRecord[]> {
  const now = deps.clock.now();
  return deps.incidents.listByDays(utcDays(subDays(now, days), now));
}

async function status(deps: RunCommandDeps, userId: string): Promise<SlackMessage> {
  const now = deps.clock.now();
  const [all, allOpen, unreachable] = await Promise.all([
    recent(deps, 7),
    deps.incidents.listOpen(),
    unreachableRoutes(deps),
  ]);
  // A routed incident is counted and listed only for its route's people.
  const [records, open] = await Promise.all([readableBy(deps, all, userId), readableBy(deps, allOpen, userId)]);
  const pendingRecords = open
    .filter((r) => r.status === IncidentStatus.Pending)
    .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
  const counts: Record<string, Record<string, number>> = {};
  for (const r of records) {
    counts[r.status] ??= {};
    counts[r.status]![r.tier] = (counts[r.status]![r.tier] ?? 0) + 1;
  }
  return render.status({
    now,
    counts,
    pending: pendingRecords,
    dryRun: deps.config.dryRun,
    windowDays: 7,
    routes: routesFor(deps, userId, pendingRecords),
    unreachable: { routes: unreachable, defaultChannel: deps.config.approvalsChannel },
  });
}

async function pending(deps: RunCommandDeps, userId: string): Promise<SlackMessage> {
  const waiting = (await deps.incidents.listOpen()).filter((r) => r.status === IncidentStatus.Pending);
  const open = await readableBy(deps, waiting, userId);
  open.sort((a, b) => (a.deadline ?? '').localeCompare(b.deadline ?? ''));
  const rows = await Promise.all(
    open.map(async (r) => {
      const needed = recordPolicy(deps, r).approvalsNeeded;
      const t = tally(r.votes, needed);
      const link = r.channel && r.ts ? await deps.slack.permalink(r.channel, r.ts) : undefined;
      return { record: r, approvals: t.approve.length, rollbacks: t.rollback.length, needed, ...(link && { link }) };
    }),
  );
  return render.pending({ now: deps.clock.now(), rows });
}

/** The stored incident `id` names, when `userId` may read it (a routed one: its route's people only). */
async function readable(deps: RunCommandDeps, id: string, userId: string) {
  const stored = await deps.incidents.get(id);
  return stored && (await readableBy(deps, [stored.record], userId)).length > 0 ? stored : undefined;
}

async function incident(deps: RunCommandDeps, id: string | undefined, userId: string): Promise<SlackMessage[]> {
  if (!id || !INCIDENT_ID.test(id.toUpperCase()))
    return [render.error('Usage: `/chainsec incident INC-XXXXXXXXXX` (the id is on every card).')];
  // Someone outside a routed incident's people hears what a wrong id gets: not even that it exists.
  const stored = await readable(deps, id.toUpperCase(), userId);
  if (!stored) return [render.error(`No incident ${id.toUpperCase()}.`)];
  const r = stored.record;
  const [entries, full] = await Promise.all([
    deps.ledger.chain(r.incident.id),
    r.fullText
      ? resolveFullText(deps, r.incident.id, { reasoning: r.reasoning, evidence: r.evidence }, r.fullText)
      : undefined,
  ]);
  return render.incidentDetail({ record: r, entries, now: deps.clock.now(), ...(full && { full }) });
}

async function verify(deps: RunCommandDeps, id: string | undefined, userId: string): Promise<SlackMessage> {
  const check = chainChecker(deps);
  if (id) {
    if (!INCIDENT_ID.test(id.toUpperCase())) return render.error('Usage: `/chainsec verify [INC-XXXXXXXXXX]`.');
    const stored = await readable(deps, id.toUpperCase(), userId);
    if (!stored) return render.error(`No incident ${id.toUpperCase()}.`);
    return render.verify({ results: [await check(stored.record)], scope: id.toUpperCase(), total: 1 });
  }
  // Only the chains the asker may read: a routed incident's id is its route's people's to know.
  const records = (await readableBy(deps, await recent(deps, 30), userId)).sort((a, b) =>
    b.requestedAt.localeCompare(a.requestedAt),
  );
  const results = await Promise.all(records.slice(0, VERIFY_RECENT_LIMIT).map(check));
  return render.verify({ results, scope: 'recent', total: records.length });
}

/** Counts only what the asker may read: a routed incident is its route's people's to know, even as a number. */
async function stats(deps: RunCommandDeps, range: string | undefined, userId: string): Promise<SlackMessage> {
  const key = (range ?? '24h').toLowerCase();
  if (!(key in RANGES)) return render.error('Usage: `/chainsec stats [24h|7d|30d]`.');
  const to = deps.clock.now();
  const from = RANGES[key as keyof typeof RANGES](to);
  const records = await readableBy(deps, await deps.incidents.listByDays(utcDays(from, to)), userId);
  return render.stats(key, computeStats(records, from, new Date(to.getTime() + 1)));
}

function oncall(deps: RunCommandDeps): SlackMessage {
  if (deps.config.onCall.length === 0) return render.error('No on-call schedule is configured (ONCALL_SCHEDULE).');
  const now = deps.clock.now();
  return render.oncall(onCallAt(deps.config.onCall, now), now);
}
