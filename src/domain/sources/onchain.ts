import * as z from 'zod/mini';
import { formatUsd } from '../incidentId';
import { incidentBase, toldApartBy } from './agentEvent';
import { agentEventSchemaOf, idLike, incidentSchemaOf, text, trimmed } from './schemaParts';
import type { AgentEventSource, CardField, IncidentBase } from './types';

/**
 * The agent's on-chain transaction events (docs/INTERFACES.md#incident-inputs):
 * `{ tx_hash, amount_usd, protocol, anomaly_score, chain?, from?, to?, ... }`.
 */

// zod 4 numbers already refuse NaN and ±Infinity (classic `.finite()` was a no-op).
const amountUsd = () => z.number().check(z.nonnegative());
const anomalyScore = () => z.number().check(z.gte(0), z.lte(1));
/** The transaction's optional chain and addresses, bounded alike in the event and the incident. */
const parties = () => ({
  chain: z.optional(text(0, 100)),
  from: z.optional(text(0, 200)),
  to: z.optional(text(0, 200)),
});

/** The zod schema of a raw on-chain event (built on the first call; see agentEventSchemaOf). */
export const onChainEventSchema = agentEventSchemaOf(() => ({
  tx_hash: trimmed(1, 200),
  amount_usd: amountUsd(),
  protocol: trimmed(1, 200),
  anomaly_score: anomalyScore(),
  ...parties(),
  id: z.optional(idLike()),
  timestamp: z.optional(text(0, 100)),
}));
export type OnChainEvent = z.infer<ReturnType<typeof onChainEventSchema>>;

/** An on-chain incident: the transaction's facts. */
export interface OnChainIncident extends IncidentBase<'onchain'> {
  /** Its `title` reads "$250,000 transaction on Uniswap". */
  onchain: {
    txHash: string;
    amountUsd: number;
    protocol: string;
    anomalyScore: number;
    chain?: string;
    from?: string;
    to?: string;
  };
}

const incidentSchema = incidentSchemaOf<OnChainIncident>('onchain', () => ({
  txHash: text(1, 200),
  amountUsd: amountUsd(),
  protocol: text(1, 200),
  anomalyScore: anomalyScore(),
  ...parties(),
}));

function naturalKey(event: OnChainEvent): string {
  return `onchain:${(event.chain ?? 'any').toLowerCase()}:${event.tx_hash.toLowerCase()}`;
}

function title(event: OnChainEvent): string {
  return `${formatUsd(event.amount_usd)} transaction on ${event.protocol}`;
}

/** The on-chain source: the seed's rules, strict comparisons (`>`) as the seed's classifier. */
export const onChainSource: AgentEventSource<OnChainEvent, OnChainIncident> = {
  kind: 'onchain',
  label: 'on-chain event',
  ...toldApartBy<OnChainEvent>('tx_hash'),
  eventSchema: onChainEventSchema,
  incidentSchema,
  naturalKey,
  tier(event, t) {
    const { anomaly_score: score, amount_usd: amount } = event;
    if (score > t.onchain.critical || amount > t.onchain.criticalAmountUsd) return 'critical';
    if (score > t.onchain.high) return 'high';
    if (score > t.onchain.medium) return 'medium';
    return 'low';
  },
  title,
  normalize(event, tier, receivedAt) {
    return {
      ...incidentBase(onChainSource, event, tier, receivedAt),
      onchain: {
        txHash: event.tx_hash,
        amountUsd: event.amount_usd,
        protocol: event.protocol,
        anomalyScore: event.anomaly_score,
        ...(event.chain !== undefined && { chain: event.chain }),
        ...(event.from !== undefined && { from: event.from }),
        ...(event.to !== undefined && { to: event.to }),
      },
    };
  },
  proposal(incident) {
    const o = incident.onchain;
    const address = o.from ?? o.to ?? o.txHash;
    const evidence = [`anomaly_score=${o.anomalyScore}`, `amount_usd=${o.amountUsd}`, `protocol=${o.protocol}`];
    if (o.from) evidence.push(`from=${o.from}`);
    if (o.to) evidence.push(`to=${o.to}`);
    return {
      containmentAction: { type: 'pause_protocol_interactions', target: o.protocol, reversible: true },
      proposedAction:
        incident.tier === 'low'
          ? { type: 'flag_transaction', target: o.txHash, reversible: true }
          : { type: 'blocklist_address', target: address, reversible: false },
      reasoning: `Transaction ${o.txHash} moved ${formatUsd(o.amountUsd)} on ${o.protocol} with anomaly score ${o.anomalyScore}.`,
      evidence,
    };
  },
  // The same address on the same protocol; a protocol alone is too broad to call a repeat.
  patternKey(incident) {
    const address = incident.onchain.from ?? incident.onchain.to;
    return address === undefined ? undefined : `onchain:${address.toLowerCase()}|${incident.onchain.protocol}`;
  },
  cardFields(incident) {
    const o = incident.onchain;
    const fields: CardField[] = [
      { label: 'Tx hash', value: o.txHash },
      { label: 'Amount', value: formatUsd(o.amountUsd) },
      { label: 'Protocol', value: o.protocol },
      { label: 'Anomaly score', value: o.anomalyScore.toFixed(2) },
    ];
    if (o.chain !== undefined) fields.push({ label: 'Chain', value: o.chain });
    if (o.from !== undefined) fields.push({ label: 'From', value: o.from });
    if (o.to !== undefined) fields.push({ label: 'To', value: o.to });
    return fields;
  },
  identity: (incident) => ({ prefix: 'tx', parts: [incident.onchain.txHash] }),
  summary(incident) {
    const o = incident.onchain;
    const score = `anomaly score ${o.anomalyScore.toFixed(2)}`;
    return `${formatUsd(o.amountUsd)} moved on ${o.protocol}${o.chain ? ` (${o.chain})` : ''} with ${score}; rated ${incident.tier.toUpperCase()} by the risk rules.`;
  },
};
