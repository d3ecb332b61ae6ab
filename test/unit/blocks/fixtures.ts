import type { KnownBlock } from '@slack/types';
import type { Incident, OnChainIncident, WafIncident } from '../../../src/domain/incident';
import type { IncidentRecord } from '../../../src/domain/incidentRecord';

/**
 * Incident records for the card tests. Each call returns a fresh object;
 * `over` replaces any top-level field of the record.
 */

export const NOW = new Date('2026-11-23T13:06:00Z');
export const INCIDENT_ID = 'INC-7GQ2KX4ZPA';
export const TX_HASH = '0x9f2c4e7a1b3d5f60718293a4b5c6d7e8f9012345678901234567890abcdef12';

export function onchainIncident(
  over: Partial<OnChainIncident['onchain']> = {},
  tier: Incident['tier'] = 'critical',
): OnChainIncident {
  return {
    id: INCIDENT_ID,
    kind: 'onchain',
    tier,
    observedAt: '2026-11-23T13:00:00.000Z',
    title: '$250,000 transaction on Uniswap',
    onchain: {
      txHash: TX_HASH,
      amountUsd: 250_000,
      protocol: 'Uniswap',
      anomalyScore: 0.95,
      chain: 'ethereum',
      from: '0xfrom',
      to: '0xto',
      ...over,
    },
  };
}

export function wafIncident(over: Partial<WafIncident['waf']> = {}, tier: Incident['tier'] = 'high'): WafIncident {
  return {
    id: 'INC-W4F0000001',
    kind: 'waf',
    tier,
    observedAt: '2026-11-23T13:00:00.000Z',
    title: 'WAF BLOCK SQLi_BODY from 203.0.113.7',
    waf: {
      eventId: 'waf-0001',
      action: 'BLOCK',
      sourceIp: '203.0.113.7',
      uri: '/api/login',
      httpMethod: 'POST',
      ruleName: 'SQLi_BODY',
      country: 'NL',
      severity: 4,
      ...over,
    },
  };
}

/** A pending approval record; on-chain critical with containment unless `over` says otherwise. */
export function buildRecord(over: Partial<IncidentRecord> = {}): IncidentRecord {
  const incident = over.incident ?? onchainIncident();
  return {
    incident,
    tier: incident.tier,
    status: 'pending',
    kind: 'approval',
    proposedAction: { type: 'freeze_address', target: '0xfrom', reversible: true },
    containment: {
      type: 'pause_pool',
      target: 'Uniswap pool 0x1234',
      reversible: true,
      at: '2026-11-23T13:01:00.000Z',
      status: 'executed',
    },
    reasoning: 'The transfer is 40x the address average.\nIt matches a known drainer pattern.',
    evidence: ['tx 0x9f2c… moved $250,000', 'address first seen 2 hours ago'],
    summary: { text: 'A large, unusual transfer left the pool.', source: 'bedrock' },
    requestedBy: 'secops-agent',
    requestedAt: '2026-11-23T13:05:00.000Z',
    deadline: '2026-11-23T14:05:00.000Z',
    votes: [],
    escalationLevel: 0,
    dryRun: false,
    actions: [],
    ledgerSeq: 1,
    ledgerHead: '0'.repeat(64),
    ...over,
  };
}

/** A pending high-tier WAF approval without containment. */
export function buildWafRecord(over: Partial<IncidentRecord> = {}): IncidentRecord {
  const incident = over.incident ?? wafIncident();
  const { containment: _dropped, ...base } = buildRecord({
    incident,
    proposedAction: { type: 'block_ip', target: '203.0.113.7', reversible: true },
  });
  return { ...base, reasoning: '', summary: { text: 'Repeated SQL injection attempts.', source: 'fallback' }, ...over };
}

/** Every button in the message, with the block it sits in. */
export function buttonsOf(blocks: KnownBlock[]): Array<{
  blockId: string | undefined;
  action_id: string | undefined;
  value: string | undefined;
  style?: string;
  confirm?: unknown;
  text: string;
}> {
  return blocks.flatMap((b) =>
    b.type === 'actions'
      ? b.elements.flatMap((e) =>
          e.type === 'button'
            ? [
                {
                  blockId: b.block_id,
                  action_id: e.action_id,
                  value: e.value,
                  ...(e.style && { style: e.style }),
                  ...(e.confirm && { confirm: e.confirm }),
                  text: e.text.text,
                },
              ]
            : [],
        )
      : [],
  );
}

/** Every string in the message's text objects (and the `text` fallback). */
export function textsOf(message: { text: string; blocks: KnownBlock[] }): string[] {
  const out: string[] = [message.text];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string') out.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(message.blocks);
  return out;
}

/**
 * Invisible characters (Cf, Cc except tab and newline, default-ignorables, variation selectors,
 * noncharacters, lone surrogates, line / paragraph separators, U+2800) that sit outside an allowed emoji
 * sequence, as code points `U+XXXX`. Judged per grapheme (`Intl.Segmenter`), so a join is allowed only
 * inside the grapheme it joins: an RGI emoji, or pictographs joined by ZWJ.
 */
export function strayInvisibles(text: string): string[] {
  // `v` flag (properties of strings); TypeScript's target predates it, so through `RegExp`.
  // biome-ignore lint/complexity/useRegexLiterals: a `v`-flag literal does not compile for the ES2022 target
  const invisible = new RegExp(
    String.raw`[[\p{Cf}\p{Cc}\p{Default_Ignorable_Code_Point}\p{Variation_Selector}\p{Noncharacter_Code_Point}\p{Cs}\u2028\u2029\u2800]--[\t\n]]`,
    'gv',
  );
  const pictograph = String.raw`\p{Extended_Pictographic}\p{Emoji_Modifier}?\uFE0F?`;
  const emoji = new RegExp(String.raw`${pictograph}(?:\u200D${pictograph})+|\p{RGI_Emoji}`, 'gv');
  const out: string[] = [];
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) {
    for (const c of segment.replace(emoji, '').match(invisible) ?? []) {
      out.push(`U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
    }
  }
  return out;
}
