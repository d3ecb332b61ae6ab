import { formatUsd, type Incident } from './incident';

/**
 * The deterministic "why this matters" built from structured fields: used when
 * the model is off, slow, refuses or fails, and for low tier (no model cost).
 */
export function fallbackSummary(incident: Incident): string {
  if (incident.kind === 'onchain') {
    const o = incident.onchain;
    const score = `anomaly score ${o.anomalyScore.toFixed(2)}`;
    return `${formatUsd(o.amountUsd)} moved on ${o.protocol}${o.chain ? ` (${o.chain})` : ''} with ${score}; rated ${incident.tier.toUpperCase()} by the risk rules.`;
  }
  if (incident.kind === 'finding') {
    const f = incident.finding;
    const seen = f.count > 1 ? `, seen ${f.count} times` : '';
    return `${f.sample ? 'SAMPLE ' : ''}${f.type} on ${f.resource || 'an unnamed resource'} in account ${f.account}${f.region ? ` (${f.region})` : ''}, severity ${f.severity}${seen}; rated ${incident.tier.toUpperCase()}.`;
  }
  const w = incident.waf;
  const sev = w.severity !== undefined ? `severity ${w.severity}/5` : 'no severity rating yet';
  return `WAF rule ${w.ruleName} ${w.action.toLowerCase()}ed ${w.httpMethod} ${w.uri} from ${w.sourceIp} (${w.country}), ${sev}; rated ${incident.tier.toUpperCase()}.`;
}
