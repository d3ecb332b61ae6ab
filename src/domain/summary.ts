import type { Incident } from './incident';
import { eventSummary } from './sources';

/**
 * The deterministic "why this matters" built from structured fields: used when
 * the model is off, slow, refuses or fails, and for low tier (no model cost).
 */
export function fallbackSummary(incident: Incident): string {
  if (incident.kind === 'finding') {
    const f = incident.finding;
    const seen = f.count > 1 ? `, seen ${f.count} times` : '';
    return `${f.sample ? 'SAMPLE ' : ''}${f.type} on ${f.resource || 'an unnamed resource'} in account ${f.account}${f.region ? ` (${f.region})` : ''}, severity ${f.severity}${seen}; rated ${incident.tier.toUpperCase()}.`;
  }
  if (incident.kind === 'request') {
    const r = incident.request;
    // Not "a workflow": agents over MCP ask too; and the tier is chainsec's, not the request's.
    return `An approval request asks to run ${r.actionType} on ${r.target}: ${incident.title}; rated ${incident.tier.toUpperCase()}.`;
  }
  return eventSummary(incident);
}
