import * as z from 'zod/mini';
import { incidentBase, toldApartBy } from './agentEvent';
import { agentEventSchemaOf, idLike, incidentSchemaOf, intIn, text } from './schemaParts';
import type { AgentEventSource, CardField, IncidentBase } from './types';

/**
 * The agent's WAF events (docs/INTERFACES.md#incident-inputs), optionally with the triage
 * agent's `analysis` (severity 0..5, its analysis and suggested follow-up).
 */

/** The zod schema of a raw WAF event (built on the first call; see agentEventSchemaOf). */
export const wafEventSchema = agentEventSchemaOf(() => ({
  id: idLike(),
  timestamp: text(1, 100),
  action: text(1, 50),
  source_ip: text(1, 100),
  uri: text(1, 8192),
  http_method: text(1, 20),
  rule_name: text(1, 500),
  country: text(1, 100),
  analysis: z.optional(
    z.object({
      severity_rating: intIn(0, 5),
      security_analysis: z.optional(text(0, 200_000)),
      follow_up_suggestion: z.optional(text(0, 200_000)),
    }),
  ),
}));
export type WafEvent = z.infer<ReturnType<typeof wafEventSchema>>;

/** A WAF incident: the request's facts and the agent's analysis. */
export interface WafIncident extends IncidentBase<'waf'> {
  /** Its `title` reads "WAF BLOCK SQLi from 203.0.113.7". */
  waf: {
    eventId: string;
    action: string;
    sourceIp: string;
    uri: string;
    httpMethod: string;
    ruleName: string;
    country: string;
    severity?: number;
    analysis?: string;
    followUp?: string;
  };
}

const incidentSchema = incidentSchemaOf<WafIncident>('waf', () => ({
  eventId: text(1, 200),
  action: text(0, 50),
  sourceIp: text(0, 100),
  uri: text(0, 8192),
  httpMethod: text(0, 20),
  ruleName: text(0, 500),
  country: text(0, 100),
  severity: z.optional(intIn(0, 5)),
  analysis: z.optional(text(0, 200_000)),
  followUp: z.optional(text(0, 200_000)),
}));

function naturalKey(event: WafEvent): string {
  return `waf:${String(event.id)}`;
}

function title(event: WafEvent): string {
  return `WAF ${event.action} ${event.rule_name} from ${event.source_ip}`;
}

/** The WAF source: the tier is the agent's `severity_rating` through `wafSeverity`; unrated is `wafUnrated`. */
export const wafSource: AgentEventSource<WafEvent, WafIncident> = {
  kind: 'waf',
  label: 'WAF event',
  ...toldApartBy<WafEvent>('source_ip'),
  eventSchema: wafEventSchema,
  incidentSchema,
  naturalKey,
  tier(event, t) {
    const rating = event.analysis?.severity_rating;
    if (rating === undefined) return t.wafUnrated;
    return t.wafSeverity[rating] ?? t.wafUnrated;
  },
  title,
  normalize(waf, tier, receivedAt) {
    return {
      ...incidentBase(wafSource, waf, tier, receivedAt),
      waf: {
        eventId: String(waf.id),
        action: waf.action,
        sourceIp: waf.source_ip,
        uri: waf.uri,
        httpMethod: waf.http_method,
        ruleName: waf.rule_name,
        country: waf.country,
        ...(waf.analysis && { severity: waf.analysis.severity_rating }),
        ...(waf.analysis?.security_analysis !== undefined && { analysis: waf.analysis.security_analysis }),
        ...(waf.analysis?.follow_up_suggestion !== undefined && { followUp: waf.analysis.follow_up_suggestion }),
      },
    };
  },
  proposal(incident) {
    const w = incident.waf;
    const evidence = [`rule=${w.ruleName}`, `action=${w.action}`, `uri=${w.uri}`, `country=${w.country}`];
    if (w.followUp) evidence.push(`follow-up suggested: ${w.followUp}`);
    return {
      containmentAction: { type: 'block_ip', target: w.sourceIp, reversible: true },
      proposedAction:
        incident.tier === 'low'
          ? { type: 'rate_limit_ip', target: w.sourceIp, reversible: true }
          : { type: 'add_ip_to_denylist', target: w.sourceIp, reversible: false },
      reasoning:
        w.analysis ?? `WAF rule ${w.ruleName} matched ${w.httpMethod} ${w.uri} from ${w.sourceIp} (${w.country}).`,
      evidence,
    };
  },
  // The same source IP on the same URI.
  patternKey: (incident) => `waf:${incident.waf.sourceIp}|${incident.waf.uri}`,
  cardFields(incident) {
    const w = incident.waf;
    const fields: CardField[] = [
      { label: 'Source IP', value: w.sourceIp },
      { label: 'URI', value: w.uri, long: true },
      { label: 'Method', value: w.httpMethod },
      { label: 'Rule', value: w.ruleName },
      { label: 'Country', value: w.country },
      { label: 'Action', value: w.action },
    ];
    if (w.severity !== undefined) fields.push({ label: 'Severity', value: `${w.severity}/5` });
    return fields;
  },
  identity: (incident) => ({ parts: [incident.waf.sourceIp, incident.waf.httpMethod, incident.waf.uri] }),
  summary(incident) {
    const w = incident.waf;
    const sev = w.severity !== undefined ? `severity ${w.severity}/5` : 'no severity rating yet';
    return `WAF rule ${w.ruleName} ${w.action.toLowerCase()}ed ${w.httpMethod} ${w.uri} from ${w.sourceIp} (${w.country}), ${sev}; rated ${incident.tier.toUpperCase()}.`;
  },
};
