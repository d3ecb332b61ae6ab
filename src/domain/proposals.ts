import {
  formatUsd,
  type FindingIncident,
  type OnChainIncident,
  type RawIncidentEvent,
  type WafIncident,
} from './incident';
import { findingAction, type FamilyAction } from './sources/actions';
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

/** Derives the proposal for an incident, preferring what the agent attached. */
export function proposalFor(event: RawIncidentEvent, incident: OnChainIncident | WafIncident): Proposal {
  const agent = event.agent;
  let containmentAction: ProposedAction;
  let defaultProposed: ProposedAction;
  let reasoning: string;
  const evidence: string[] = [];
  if (incident.kind === 'onchain') {
    const o = incident.onchain;
    const address = o.from ?? o.to ?? o.txHash;
    containmentAction = { type: 'pause_protocol_interactions', target: o.protocol, reversible: true };
    defaultProposed =
      incident.tier === 'low'
        ? { type: 'flag_transaction', target: o.txHash, reversible: true }
        : { type: 'blocklist_address', target: address, reversible: false };
    reasoning = `Transaction ${o.txHash} moved ${formatUsd(o.amountUsd)} on ${o.protocol} with anomaly score ${o.anomalyScore}.`;
    evidence.push(`anomaly_score=${o.anomalyScore}`, `amount_usd=${o.amountUsd}`, `protocol=${o.protocol}`);
    if (o.from) evidence.push(`from=${o.from}`);
    if (o.to) evidence.push(`to=${o.to}`);
  } else {
    const w = incident.waf;
    containmentAction = { type: 'block_ip', target: w.sourceIp, reversible: true };
    defaultProposed =
      incident.tier === 'low'
        ? { type: 'rate_limit_ip', target: w.sourceIp, reversible: true }
        : { type: 'add_ip_to_denylist', target: w.sourceIp, reversible: false };
    reasoning =
      w.analysis ?? `WAF rule ${w.ruleName} matched ${w.httpMethod} ${w.uri} from ${w.sourceIp} (${w.country}).`;
    evidence.push(`rule=${w.ruleName}`, `action=${w.action}`, `uri=${w.uri}`, `country=${w.country}`);
    if (w.followUp) evidence.push(`follow-up suggested: ${w.followUp}`);
  }
  return {
    containmentAction,
    proposedAction: agent?.proposed_action ?? defaultProposed,
    reasoning: agent?.reasoning ?? reasoning,
    evidence: agent?.evidence ? agent.evidence.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))) : evidence,
    requestedBy: agent?.requested_by ?? 'chainsec-agent',
  };
}

/**
 * The proposal for a detector's finding: the catalogue's action for its
 * family, on the target the finding names (CONTRACT section 7). The same
 * reversible action is the containment a critical finding runs at once; an
 * unknown family proposes `investigate`, which runs nothing.
 */
export function findingProposal(
  incident: FindingIncident,
  catalogue?: Readonly<Record<string, FamilyAction>>,
): Proposal {
  const f = incident.finding;
  const { action, rollback } = findingAction(f, catalogue);
  const reasoning = [
    `${f.sample ? 'SAMPLE finding. ' : ''}${f.type} on ${f.resourceType} ${f.resource || '(unnamed)'} in ${f.account}${f.region ? `/${f.region}` : ''}, severity ${f.severity}.`,
    rollback
      ? `Proposed: ${action.type} ${action.target}; rollback: ${rollback}.`
      : 'No automatic action for this finding family: investigate.',
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
