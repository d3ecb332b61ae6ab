import type { FindingIncident, RawIncidentEvent } from './incident';
import { eventProposal, type AgentIncident } from './sources';
import { findingAction, type FindingResponse } from './sources/actions';
import type { ProposedAction } from './messages';

/**
 * What the workflow proposes when the agent did not say: a reversible
 * containment that can run at once, and the follow-up people must approve.
 */
export interface Proposal {
  /** Runs without people for critical (and is what low-tier auto-containment does). */
  containmentAction: ProposedAction;
  /** Needs people for high and critical. */
  proposedAction: ProposedAction;
  reasoning: string;
  evidence: string[];
  requestedBy: string;
}

/**
 * Derives the proposal for an incident: its source module's (`./sources`),
 * with what the agent attached preferred.
 */
export function proposalFor(event: RawIncidentEvent, incident: AgentIncident): Proposal {
  const agent = event.agent;
  const drawn = eventProposal(incident);
  return {
    containmentAction: drawn.containmentAction,
    proposedAction: agent?.proposed_action ?? drawn.proposedAction,
    reasoning: agent?.reasoning ?? drawn.reasoning,
    evidence: agent?.evidence
      ? agent.evidence.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))
      : drawn.evidence,
    requestedBy: agent?.requested_by ?? 'chainsec-agent',
  };
}

/**
 * The proposal for a detector's finding: the response catalogue's first
 * matching entry (`./sources/actions`, docs/SOURCES.md), on the target the finding names. The
 * same reversible action is the containment a critical finding runs at once;
 * a finding no entry acts on proposes `investigate`, which runs nothing.
 */
export function findingProposal(incident: FindingIncident, catalogue?: readonly FindingResponse[]): Proposal {
  const f = incident.finding;
  const { action, undo, entry } = findingAction(f, catalogue);
  const reasoning = [
    `${f.sample ? 'Sample finding: no action will run. ' : ''}${f.type} on ${f.resourceType} ${f.resource || '(unnamed)'} in ${f.account}${f.region ? `/${f.region}` : ''}, severity ${f.severity}.`,
    undo
      ? `Proposed (${entry}): ${action.type} ${action.target}; ${action.reversible ? 'rollback' : 'cannot be undone'}: ${undo}.`
      : 'Investigation requested: no automatic action for this finding; people investigate it.',
    f.description ?? '',
  ]
    .filter(Boolean)
    .join(' ');
  return {
    containmentAction: action.reversible ? action : { type: 'investigate', target: f.findingId, reversible: true },
    proposedAction: action,
    reasoning,
    evidence: f.fields.map((x) => `${x.label}=${x.value}`),
    requestedBy: `chainsec-${f.source}`,
  };
}
