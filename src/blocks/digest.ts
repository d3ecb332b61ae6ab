import type { RiskTier } from '../domain/tiers';
import { context, header, section } from './elements';
import { escapeMrkdwn, truncate } from './escape';
import type { BlockMessage } from './limits';

/** One incident as the digest lists it (fields already taken from the incident; escaped here). */
export interface DigestItem {
  incidentId: string;
  tier: RiskTier;
  title: string;
  /** tx hash, or source IP + URI: what a person searches for. */
  ident: string;
  /** Higher is worse; the digest lists the worst few. */
  score: number;
}

/** The rolled-up state of one channel's low / medium notifications for one hour. */
export interface DigestView {
  window: string;
  total: number;
  byTier: Partial<Record<RiskTier, number>>;
  byKind: { onchain: number; waf: number; finding?: number };
  worst: DigestItem[];
}

/**
 * The storm digest: one message per channel and hour, updated in place, that
 * replaces a card per low / medium incident while the channel is busy. Every
 * incident stays retrievable with `/chainsec incident <id>`.
 */
export function buildDigest(d: DigestView): BlockMessage {
  const tiers = (['medium', 'low'] as const).map((t) => `${t} ${d.byTier[t] ?? 0}`).join(' · ');
  const worst = d.worst
    .map(
      (w) =>
        `• *${escapeMrkdwn(w.incidentId)}* · ${w.tier.toUpperCase()} · ${truncate(escapeMrkdwn(w.title), 150)} · ${truncate(escapeMrkdwn(w.ident), 300)}`,
    )
    .join('\n');
  return {
    text: truncate(`Digest: ${d.total} low/medium incidents rolled up (${tiers}), ${d.window} UTC`, 3000),
    blocks: [
      header(`🔕 Busy channel: ${d.total} low / medium incidents rolled up`),
      section(
        `*${tiers}* · on-chain ${d.byKind.onchain} · WAF ${d.byKind.waf}${d.byKind.finding ? ` · findings ${d.byKind.finding}` : ''}\nWindow: ${escapeMrkdwn(d.window)} UTC (updated in place)`,
      ),
      section(`*Worst so far*\n${worst || 'none'}`),
      context([
        'Each incident is recorded and signed in the ledger; see `/chainsec status` or `/chainsec incident <id>`.',
      ]),
    ],
  };
}
