import { type AgentPolicy, agentNamedIn } from '../domain/agents';
import type { InboundMessage } from '../domain/messages';
import { refusedFrom, type Delivery } from '../domain/origin';
import { DEFAULT_RISK_THRESHOLDS } from '../domain/risk';
import { isFindingEnvelope, readFindings, type FindingOutcome, type FindingTierRules } from '../domain/sources';
import { type RiskTier, tierRank } from '../domain/tiers';
import { InvalidInputError } from '../errors';
import { MCP_TOKEN_PREFIX } from '../services/McpWorkflowGateway';
import { parseInbound } from './parseInbound';
import type { Refusal } from './refusals';

/** One record of a batch, as the handler extracted it from its Lambda event. */
export interface InboundRecord {
  /** The id the event source uses to report a failure (SQS messageId). */
  id: string;
  source: 'sqs' | 'sns' | 'eventbridge' | 'unknown';
  /** The message text (JSON). */
  body: string;
  /** How it was delivered (see `origin.ts`); absent: public, the least trusted. */
  delivery?: Delivery;
}

/** A record of a batch once parsed: the message it carries, or why it is refused. */
export type PlannedRecord =
  | { record: InboundRecord; message: InboundMessage }
  /** `refusals`: who must hear of it (worked out from the payload when absent; see `refusalsOf`). */
  | { record: InboundRecord; refused: unknown; refusals?: Refusal[] }
  /** An EventBridge event from a detector: each finding is handled on its own (one bad one never drops the others). */
  | { record: InboundRecord; findings: FindingOutcome[]; tier: RiskTier };

const messageTier = (m: InboundMessage): RiskTier => {
  if (m.kind === 'approval_request') return m.tier;
  if (m.tier) return m.tier;
  return 'tier' in m.incident && typeof m.incident.tier === 'string' ? (m.incident.tier as RiskTier) : 'medium';
};

/**
 * Parses every record of a batch and puts them in the order they must run:
 * the refused ones first (they are only kept, which is quick), then the valid
 * ones most urgent first (critical before low), in arrival order within a
 * tier. The caller must run them one at a time in this order: a critical card
 * is then never queued behind a low one for Slack's per-channel rate limit.
 * `agents`: the configured MCP agents, whose names no message from outside may carry.
 */
export function planRecords(
  records: readonly InboundRecord[],
  rules: FindingTierRules = DEFAULT_RISK_THRESHOLDS.findings,
  agents: readonly Pick<AgentPolicy, 'name'>[] = [],
): PlannedRecord[] {
  const refused: PlannedRecord[] = [];
  const valid: Array<
    | { record: InboundRecord; message: InboundMessage }
    | { record: InboundRecord; findings: FindingOutcome[]; tier: RiskTier }
  > = [];
  for (const record of records) {
    try {
      // A detector's event is read as findings only when a detector's own rule delivered it: from anyone
      // else it is refused (an agent cannot speak for GuardDuty or Security Hub).
      const envelope = record.delivery === 'detector_rule' ? findingEnvelopeOf(record.body) : undefined;
      if (envelope) {
        const findings = readFindings(envelope, rules);
        const tiers = findings.flatMap((f) => (f.kind === 'finding' ? [f.tier] : []));
        const tier = tiers.sort((a, b) => tierRank(b) - tierRank(a))[0] ?? 'low';
        valid.push({ record, findings, tier });
        continue;
      }
      const delivery = record.delivery ?? 'public';
      const message = fromOutside(parseInbound(record.body), delivery === 'public' ? agents : []);
      const refusal = refusedFrom(delivery, message);
      if (refusal) throw new InvalidInputError(refusal);
      valid.push({ record, message });
    } catch (e) {
      refused.push({ record, refused: e });
    }
  }
  // Array.prototype.sort is stable: arrival order holds within a tier.
  const tierOf = (p: (typeof valid)[number]) => ('message' in p ? messageTier(p.message) : p.tier);
  valid.sort((a, b) => tierRank(tierOf(b)) - tierRank(tierOf(a)));
  return [...refused, ...valid];
}

/**
 * A message as it may come from outside chainsec (the topics, the queue, the
 * approval request function). An agent's MCP request carries an internal task
 * token (`mcp:<approvalId>`) that chainsec sets itself and never reads from a
 * message: one quoting it would pass as that agent's request. Nor may a
 * public message (`agents`: the configured ones, empty for the stack's own
 * deliveries) name a configured agent as its requester: on a card, an
 * agent's name says chainsec authenticated it.
 * @throws InvalidInputError naming the field
 */
function fromOutside(message: InboundMessage, agents: readonly Pick<AgentPolicy, 'name'>[]): InboundMessage {
  if (message.kind !== 'approval_request') return message;
  if (message.taskToken.startsWith(MCP_TOKEN_PREFIX))
    throw new InvalidInputError(
      `invalid approval request: taskToken: "${MCP_TOKEN_PREFIX}…" is chainsec's own, for requests agents make over MCP`,
    );
  const agent = agentNamedIn(agents, message.requestedBy);
  if (agent !== undefined)
    throw new InvalidInputError(
      `invalid approval request: requestedBy: names the MCP agent ${agent}, whose requests come only over MCP, authenticated`,
    );
  return message;
}

/** The EventBridge event of a detector in the source registry that `body` holds, if it holds one. */
function findingEnvelopeOf(body: string): Parameters<typeof readFindings>[0] | undefined {
  if (!body.includes('"detail-type"')) return undefined;
  try {
    const json: unknown = JSON.parse(body);
    return isFindingEnvelope(json) ? json : undefined;
  } catch {
    return undefined;
  }
}
