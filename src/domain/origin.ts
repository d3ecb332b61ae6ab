import type { IncidentRecord } from './incidentRecord';
import type { Incident } from './incident';

/**
 * Who a fact came from, decided by the way it reached chainsec (which topic or
 * rule delivered it), never by what the message says about itself. Each
 * origin may do less than the one above it:
 * - `detector`: a detector's finding, through the stack's own rule and workflow (chainsec classified it);
 * - `workflow`: the stack's own workflow, about an agent's event it classified itself;
 * - `foreign_workflow`: another team's workflow, through the public approval requests topic;
 * - `agent`: an agent's notification (the public notifications topic, the agent's EventBridge events);
 * - `mcp_agent`: an agent's request over MCP, whose name chainsec authenticated (its bearer token or JWT).
 */
export const Origin = {
  Detector: 'detector',
  Workflow: 'workflow',
  ForeignWorkflow: 'foreign_workflow',
  Agent: 'agent',
  McpAgent: 'mcp_agent',
} as const;
export type Origin = (typeof Origin)[keyof typeof Origin];

/**
 * How a record was delivered, as the ingest handler reads it from the Lambda
 * event: the stack's own workflow topic, a detector's EventBridge event
 * (an `aws.*` source, which only AWS services can emit), the MCP server (an
 * authenticated agent), or anything public.
 */
export type Delivery = 'own_workflow' | 'detector_rule' | 'mcp_agent' | 'public';

/** The origin of a message, from how it was delivered and what kind of message it is. */
export function originOf(
  delivery: Delivery,
  message: { kind: 'approval_request' | 'notification' },
  incident: Incident,
): Origin {
  if (delivery === 'detector_rule') return Origin.Detector;
  if (delivery === 'own_workflow') return incident.kind === 'finding' ? Origin.Detector : Origin.Workflow;
  if (delivery === 'mcp_agent') return Origin.McpAgent;
  return message.kind === 'approval_request' ? Origin.ForeignWorkflow : Origin.Agent;
}

/** Whether the stack itself (its rules and workflow) produced this fact: only then does chainsec vouch for it. */
export function isOwnOrigin(origin: Origin): boolean {
  return origin === Origin.Detector || origin === Origin.Workflow;
}

/**
 * A record's origin. Records written before origins were kept have none: they
 * are read as the least trusted origin of their kind (fail closed), so an
 * expiry never rolls back a containment nobody can show chainsec recorded.
 */
export function recordOrigin(record: Pick<IncidentRecord, 'origin' | 'kind'>): Origin {
  return record.origin ?? (record.kind === 'approval' ? Origin.ForeignWorkflow : Origin.Agent);
}

/**
 * Whether a request of this origin is an incident of its own (its id from its
 * task token), never attached to an incident another source owns.
 */
export function isRequestOfItsOwn(origin: Origin): boolean {
  return origin === Origin.ForeignWorkflow || origin === Origin.McpAgent;
}

/** What the card says about where a request or notice came from. */
export function originLabel(origin: Origin): string {
  switch (origin) {
    case Origin.Detector:
      return "a detector's finding, through chainsec's own workflow";
    case Origin.Workflow:
      return "chainsec's own workflow";
    case Origin.ForeignWorkflow:
      return 'another workflow or agent (not chainsec’s own)';
    case Origin.Agent:
      return "an agent's notification";
    case Origin.McpAgent:
      return 'an agent over MCP, signed in as the requester below (not chainsec’s own)';
  }
}

/**
 * Whether an expiry (no person decided) may roll back the record's
 * containment: only one the stack's own workflow carried out and chainsec
 * recorded at ingest, with the digest of its action. A containment a foreign
 * request merely claims is rolled back only by people's decision, never by
 * the clock.
 */
export function expiryMayRollBack(
  record: Pick<IncidentRecord, 'origin' | 'kind' | 'containment' | 'containmentDigest'>,
): boolean {
  return (
    record.containment !== undefined && record.containmentDigest !== undefined && isOwnOrigin(recordOrigin(record))
  );
}

/**
 * Why a message may not come the way it came, if it may not: a finding (a
 * detector's fact) from anyone but the stack's own rule and workflow. An
 * agent cannot speak for GuardDuty or Security Hub.
 * @returns the reason, or undefined when the message may come this way
 */
export function refusedFrom(
  delivery: Delivery,
  message: { kind: 'approval_request' | 'notification'; incident?: unknown },
): string | undefined {
  if (delivery === 'own_workflow' || delivery === 'detector_rule' || message.kind !== 'notification') return undefined;
  const kind = (message.incident as { kind?: unknown } | undefined)?.kind;
  return kind === 'finding'
    ? "invalid notification: incident: a detector's finding is accepted only from the stack's own rules and workflow"
    : undefined;
}
