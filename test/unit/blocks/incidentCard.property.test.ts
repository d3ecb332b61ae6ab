import fc from 'fast-check';
import { buildIncidentCard } from '../../../src/blocks/incidentCard';
import { limitViolations } from '../../../src/blocks/limits';
import type { IncidentRecord } from '../../../src/domain/incidentRecord';
import { buildRecord, NOW, onchainIncident, strayInvisibles, textsOf, wafIncident } from './fixtures';

/** Fragments an attacker would slip into the agent's text or an event field. */
const HOSTILE = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U1>',
  '<@U0APPROVER1>',
  '<#C0APPROVALS>',
  '<http://x|y>',
  '<https://evil.com|bank.com>',
  '&',
  '&lt;',
  '&amp;',
  '<',
  '>',
  '|',
  '\u202e',
  '\u2066',
  '\u200b',
  '\ufeff',
  '\u0000',
  '\u001b',
  '\u0085',
  '\r\n',
  '\n',
  '\u2028',
  '`',
  '*',
  '😀',
  '\ud800',
  // Invisible characters and the emoji that legitimately use some of them.
  '\u2060',
  '\u00ad',
  '\u{e0001}',
  '\u{e0041}',
  '\u{e007f}',
  '\u200d',
  '\ufe0f',
  '\u3164',
  '\u2800',
  '\u180e',
  '\ufdd0',
  '👩‍💻',
  '❤️',
  '1️⃣',
  '🏴󠁧󠁢󠁳󠁣󠁴󠁿',
  '🏴',
  // The bot's own words, dressed in mrkdwn formatting (see APPROVED_FORMATTED).
  '*APPROVED*',
  '_APPROVED_',
  '~APPROVED~',
  '`APPROVED`',
  '```APPROVED```',
  '\n> APPROVED.',
  '\n&gt; APPROVED.',
];

/** `APPROVED` next to a marker that would format it: what untrusted text must never produce. */
const APPROVED_FORMATTED =
  /(?:[*~`]|(?<![\p{L}\p{M}\p{N}])_)APPROVED|APPROVED(?:[*~`]|_(?![\p{L}\p{M}\p{N}]))|^[ \t]*(?:>|&gt;)[ \t]*APPROVED/mu;

const hostileText = (maxLength: number): fc.Arbitrary<string> =>
  fc
    .array(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.constantFrom(...HOSTILE),
      ),
      { maxLength },
    )
    .map((parts) => parts.join(''));

/** Our own records' people: the only ids that may become `<@…>`. */
const PEOPLE = ['U0APPROVER1', 'U0APPROVER2', 'U0ONCALL1'];

const recordArb: fc.Arbitrary<IncidentRecord> = fc
  .record({
    onchain: fc.boolean(),
    tier: fc.constantFrom('low', 'medium', 'high', 'critical' as const),
    version: fc.constantFrom('pending', 'decided', 'expired', 'notification', 'token_gone'),
    reasoning: hostileText(120),
    evidence: fc.array(hostileText(20), { maxLength: 12 }),
    summary: fc.option(hostileText(60), { nil: undefined }),
    short: hostileText(6).filter((s) => s.trim().length > 0),
    long: hostileText(200),
    requestedBy: fc.option(hostileText(4), { nil: undefined }),
    dryRun: fc.boolean(),
    containment: fc.boolean(),
    acknowledged: fc.boolean(),
    falsePositive: fc.boolean(),
    repeats: fc.nat(5),
    actionDetail: fc.option(hostileText(20), { nil: undefined }),
  })
  .map((g) => {
    const incident = g.onchain
      ? {
          ...onchainIncident({ txHash: g.short, protocol: g.long, chain: g.short, from: g.long, to: g.short }, g.tier),
          title: g.long,
        }
      : {
          ...wafIncident(
            {
              uri: g.long,
              ruleName: g.long,
              sourceIp: g.short,
              country: g.short,
              action: g.short,
              httpMethod: g.short,
              analysis: g.long,
              followUp: g.short,
            },
            g.tier,
          ),
          title: g.long,
        };
    const base = buildRecord({
      incident,
      tier: g.tier,
      reasoning: g.reasoning,
      evidence: g.evidence,
      proposedAction: { type: g.short, target: g.long, reversible: g.containment },
      dryRun: g.dryRun,
      repeats: g.repeats,
      actions:
        g.actionDetail !== undefined
          ? [
              {
                operation: 'contain',
                status: 'executed',
                type: g.short,
                target: g.long,
                dryRun: g.dryRun,
                at: NOW.toISOString(),
                detail: g.actionDetail,
              },
            ]
          : [],
      ...(g.summary !== undefined && { summary: { text: g.summary, source: 'bedrock' as const } }),
      ...(g.acknowledged && { acknowledgedBy: PEOPLE[2]!, acknowledgedAt: NOW.toISOString() }),
      ...(g.falsePositive && { falsePositive: { by: PEOPLE[0]!, at: NOW.toISOString() } }),
    });
    const { containment, requestedBy: _r, ...rest } = base;
    const record: IncidentRecord = {
      ...rest,
      ...(g.containment && containment && { containment: { ...containment, type: g.short, target: g.long } }),
      ...(g.requestedBy !== undefined && { requestedBy: g.requestedBy }),
    };
    switch (g.version) {
      case 'notification':
        return { ...record, kind: 'notification' as const, status: 'notified' as const };
      case 'decided':
        return {
          ...record,
          status: 'decided' as const,
          decision: 'approve' as const,
          decidedBy: [PEOPLE[0]!, PEOPLE[1]!],
          decidedAt: NOW.toISOString(),
        };
      case 'expired':
        return { ...record, status: 'expired' as const, decision: 'expired' as const, decidedBy: [] };
      case 'token_gone':
        return {
          ...record,
          status: 'expired' as const,
          decision: 'deny' as const,
          decidedBy: [PEOPLE[1]!],
          delivery: 'token_gone' as const,
        };
      default:
        return record;
    }
  });

/** Removes the `<…>` tokens the card may legitimately generate for this record. */
function withoutOurTokens(text: string, record: IncidentRecord): string {
  const ours = [
    ...PEOPLE,
    ...(record.requestedBy !== undefined && /^[UW][A-Z0-9]{2,}$/.test(record.requestedBy) ? [record.requestedBy] : []),
  ];
  return ours.reduce((t, id) => t.split(`<@${id}>`).join(''), text);
}

describe('Function: buildIncidentCard (properties)', () => {
  it('never lets untrusted text form a mention, broadcast, link or formatting, or show anything invisible, and never breaks a Block Kit limit', () => {
    fc.assert(
      fc.property(recordArb, fc.integer({ min: 1, max: 3 }), (record, approvalsNeeded) => {
        // Act
        const card = buildIncidentCard(record, { now: NOW, approvalsNeeded, onTimeout: 'deny' });

        // Assess
        for (const text of textsOf(card)) {
          expect(withoutOurTokens(text, record)).not.toContain('<');
          expect(strayInvisibles(text)).toEqual([]);
          expect(text).not.toMatch(APPROVED_FORMATTED);
          expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
        }
        expect(limitViolations(card)).toEqual([]);
        for (const block of card.blocks) {
          if (block.type === 'actions')
            for (const e of block.elements) if (e.type === 'button') expect(e.value).toBe(record.incident.id);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('fits every limit however long and wide the untrusted text is', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 10_000, maxLength: 40_000 }), fc.boolean(), (big, onchain) => {
        // Prepare
        const incident = onchain
          ? { ...onchainIncident({ txHash: big, protocol: big, chain: big, from: big, to: big }), title: big }
          : {
              ...wafIncident({ uri: big, ruleName: big, sourceIp: big, country: big, action: big, httpMethod: big }),
              title: big,
            };
        const record = buildRecord({
          incident,
          reasoning: big,
          evidence: [big, big, big, big, big, big],
          summary: { text: big, source: 'bedrock' },
          requestedBy: big,
        });

        // Act
        const card = buildIncidentCard(record, { now: NOW, approvalsNeeded: 2, onTimeout: 'rollback' });

        // Assess
        expect(limitViolations(card)).toEqual([]);
        expect(card.blocks.some((b) => b.type === 'actions')).toBe(true);
      }),
      { numRuns: 30 },
    );
  });
});
