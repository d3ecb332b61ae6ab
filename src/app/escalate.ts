import { buildEscalationDm } from '../blocks';
import { IncidentStatus, type IncidentRecord } from '../domain/incidentRecord';
import { LedgerEntryType } from '../domain/ledger';
import type { EscalationStep } from '../domain/escalation';
import { commitWithRetry } from './commitWithRetry';
import type { IncidentChangeDeps } from './deps';
import { recordPolicy } from './routing';

/**
 * DMs the on-call people for this escalation level, then records it (signed).
 * The DM goes first: if recording then loses a race with a decision, the
 * worst case is one extra DM, never a silent missed page.
 */
export async function escalate(
  deps: IncidentChangeDeps,
  record: IncidentRecord,
  step: EscalationStep,
): Promise<string[]> {
  // Who is paged is part of the incident's policy: its route's on-call first, the schedule's secondary the backstop.
  const { onCall } = recordPolicy(deps, record);
  if (onCall.primary === undefined && onCall.secondary === undefined) {
    deps.telemetry.warn('no on-call for this incident; cannot escalate', { incidentId: record.incident.id });
    return [];
  }
  const now = deps.clock.now();
  const permalink = record.channel && record.ts ? await deps.slack.permalink(record.channel, record.ts) : undefined;
  const users: string[] = [];
  for (const role of step.targets) {
    const user = onCall[role];
    if (user === undefined || users.includes(user)) continue;
    await deps.slack.dm(
      user,
      buildEscalationDm(record, { level: step.level, role, now, ...(permalink !== undefined && { permalink }) }),
    );
    users.push(user);
  }
  await commitWithRetry(deps, record.incident.id, ({ record: current }) => {
    if (current.status !== IncidentStatus.Pending || current.escalationLevel >= step.level)
      return { kind: 'stop', result: undefined };
    const at = now.toISOString();
    return {
      kind: 'commit',
      result: undefined,
      next: { ...current, escalationLevel: step.level, lastEscalatedAt: at },
      drafts: [{ type: LedgerEntryType.Escalation, actor: 'chainsec', at, level: step.level, notified: users }],
    };
  });
  deps.telemetry.metric('Escalations');
  return users;
}
