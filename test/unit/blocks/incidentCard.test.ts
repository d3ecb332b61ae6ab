import type { KnownBlock, SectionBlock } from '@slack/types';
import { buildIncidentCard, CardBlockId, cardVersion } from '../../../src/blocks/incidentCard';
import { limitViolations } from '../../../src/blocks/limits';
import { ActionId, VOTE_ACTION_IDS } from '../../../src/domain/actionIds';
import type { IncidentRecord } from '../../../src/domain/incidentRecord';
import { requestIncident } from '../../../src/domain/incident';
import type { ProposedAction } from '../../../src/domain/messages';
import {
  buildRecord,
  buildWafRecord,
  buttonsOf,
  INCIDENT_ID,
  NOW,
  onchainIncident,
  strayInvisibles,
  textsOf,
  TX_HASH,
  wafIncident,
} from './fixtures';

const CRITICAL = { now: NOW, approvalsNeeded: 2, onTimeout: 'rollback' } as const;
const HIGH = { now: NOW, approvalsNeeded: 1, onTimeout: 'deny' } as const;

const headerOf = (blocks: KnownBlock[]): string => {
  const h = blocks.find((b) => b.type === 'header');
  return h?.type === 'header' ? h.text.text : '';
};
const blockById = (blocks: KnownBlock[], id: string): KnownBlock | undefined =>
  blocks.find((b) => 'block_id' in b && b.block_id === id);
/** A section's text and fields, or a context block's elements, joined by newlines. */
const sectionText = (block: KnownBlock | undefined): string => {
  if (block?.type === 'context')
    return block.elements.map((e) => ('text' in e && typeof e.text === 'string' ? e.text : '')).join('\n');
  const s = block as SectionBlock | undefined;
  return [s?.text?.text ?? '', ...(s?.fields ?? []).map((f) => f.text)].join('\n');
};
const allText = (message: { text: string; blocks: KnownBlock[] }): string => textsOf(message).join('\n');
const voteButtonIds = (blocks: KnownBlock[]): string[] =>
  buttonsOf(blocks)
    .map((b) => b.action_id ?? '')
    .filter((id) => (VOTE_ACTION_IDS as readonly string[]).includes(id) || id === ActionId.Acknowledge);

/** A containment the stack's own workflow carried out, as chainsec records it at ingest (its action's digest). */
const OWN_CONTAINMENT = { origin: 'workflow', containmentDigest: 'ab'.repeat(32) } as const;

describe('Function: buildIncidentCard', () => {
  describe('pending approval', () => {
    it('gives a critical card approve, deny, rollback and acknowledge buttons carrying the incident id', () => {
      // Prepare
      const record = buildRecord();

      // Act
      const card = buildIncidentCard(record, CRITICAL);

      // Assess
      const buttons = buttonsOf(card.blocks);
      expect(buttons.map((b) => b.action_id)).toEqual([
        ActionId.Approve,
        ActionId.Deny,
        ActionId.Rollback,
        ActionId.Acknowledge,
        ActionId.FalsePositive,
      ]);
      expect(buttons.every((b) => b.value === INCIDENT_ID)).toBe(true);
      expect(buttons.every((b) => b.blockId === `${CardBlockId.Vote}.${INCIDENT_ID}`)).toBe(true);
      expect(buttons.find((b) => b.action_id === ActionId.Approve)?.style).toBe('primary');
      expect(buttons.find((b) => b.action_id === ActionId.Deny)?.style).toBe('danger');
    });

    it('puts a confirm dialog on approve, deny and rollback only', () => {
      // Prepare
      const record = buildRecord();

      // Act
      const card = buildIncidentCard(record, CRITICAL);

      // Assess
      const withConfirm = buttonsOf(card.blocks)
        .filter((b) => b.confirm !== undefined)
        .map((b) => b.action_id);
      expect(withConfirm).toEqual([ActionId.Approve, ActionId.Deny, ActionId.Rollback]);
      const approve = buttonsOf(card.blocks).find((b) => b.action_id === ActionId.Approve)?.confirm as {
        title: { text: string };
        text: { text: string };
      };
      expect(approve.title.text).toBe('Approve this action?');
      expect(approve.text.text).toContain('freeze_address');
      expect(approve.text.text).toContain('2 approvers');
    });

    it("gives each card's button row its own block_id, so several fit in one App Home view", () => {
      // Prepare
      const a = buildRecord();
      const b = buildRecord({ incident: { ...onchainIncident(), id: 'INC-0000000002' } });

      // Act
      const ids = [a, b].map((r) => buttonsOf(buildIncidentCard(r, CRITICAL).blocks)[0]?.blockId);

      // Assess
      expect(ids).toEqual([`chainsec_vote.${INCIDENT_ID}`, 'chainsec_vote.INC-0000000002']);
    });

    it('has no rollback button for a high request without containment', () => {
      // Prepare
      const record = buildWafRecord();

      // Act
      const card = buildIncidentCard(record, HIGH);

      // Assess
      expect(voteButtonIds(card.blocks)).toEqual([ActionId.Approve, ActionId.Deny, ActionId.Acknowledge]);
      expect(headerOf(card.blocks)).toBe('🟠 HIGH — approval needed');
    });

    it('drops the acknowledge button once someone is on it, and says who', () => {
      // Prepare
      const record = buildRecord({ acknowledgedBy: 'U0ONCALL1', acknowledgedAt: '2026-11-23T13:04:00.000Z' });

      // Act
      const card = buildIncidentCard(record, CRITICAL);

      // Assess
      expect(voteButtonIds(card.blocks)).not.toContain(ActionId.Acknowledge);
      expect(allText(card)).toContain('<@U0ONCALL1> is on it');
    });

    it('shows the header, the facts, the deadline and the containment', () => {
      // Prepare
      const record = buildRecord();

      // Act
      const card = buildIncidentCard(record, CRITICAL);

      // Assess
      expect(headerOf(card.blocks)).toBe('🔴 CRITICAL — approval needed');
      const facts = sectionText(blockById(card.blocks, CardBlockId.Facts));
      expect(facts).toContain(`*Tx hash*\n${TX_HASH}`);
      expect(facts).toContain('*Amount*\n$250,000');
      expect(facts).toContain('*Protocol*\nUniswap');
      expect(facts).toContain('*Anomaly score*\n0.95');
      expect(facts).toContain(INCIDENT_ID);
      const action = sectionText(blockById(card.blocks, CardBlockId.Action));
      expect(action).toContain('*Proposed action:* freeze_address on 0xfrom (reversible)');
      expect(action).toContain(
        'Already contained by the agent:* pause_pool on Uniswap pool 0x1234 at 2026-11-23 13:01 UTC; rolls back automatically if not confirmed by 2026-11-23 14:05 UTC (in 59 minutes)',
      );
      expect(sectionText(blockById(card.blocks, CardBlockId.Status))).toContain(
        '*Deadline*\n2026-11-23 14:05 UTC (in 59 minutes)',
      );
    });

    it('shows the WAF identifying fields', () => {
      // Prepare
      const record = buildWafRecord();

      // Act
      const card = buildIncidentCard(record, HIGH);

      // Assess
      const facts = sectionText(blockById(card.blocks, CardBlockId.Facts));
      for (const expected of [
        '*Source IP*\n203.0.113.7',
        '*URI*\n/api/login',
        '*Method*\nPOST',
        '*Rule*\nSQLi_BODY',
        '*Country*\nNL',
        '*Action*\nBLOCK',
        '*Severity*\n4/5',
      ]) {
        expect(facts).toContain(expected);
      }
    });

    it('counts votes and mentions the voters', () => {
      // Prepare
      const record = buildRecord({ votes: [{ userId: 'U0APPROVER1', choice: 'approve', at: NOW.toISOString() }] });

      // Act
      const card = buildIncidentCard(record, CRITICAL);

      // Assess
      expect(sectionText(blockById(card.blocks, CardBlockId.Status))).toContain('1 of 2 approvals: <@U0APPROVER1>');
    });

    it('shows a malformed user id as text, never as a mention', () => {
      // Prepare
      const record = buildRecord({
        votes: [{ userId: '!channel', choice: 'approve', at: NOW.toISOString() }],
        requestedBy: '<!here>',
      });

      // Act
      const card = buildIncidentCard(record, CRITICAL);

      // Assess
      const text = allText(card);
      expect(text).not.toContain('<!');
      expect(text).toContain('1 of 2 approvals: !channel');
      expect(text).toContain('&lt;!here&gt;');
    });

    it('marks a dry run in the header, the text and the footer', () => {
      // Prepare
      const record = buildRecord({ dryRun: true });

      // Act
      const card = buildIncidentCard(record, CRITICAL);

      // Assess
      expect(headerOf(card.blocks)).toBe('🔴 DRY RUN · CRITICAL — approval needed');
      expect(card.text.startsWith('DRY RUN · CRITICAL approval needed')).toBe(true);
      expect(sectionText(blockById(card.blocks, CardBlockId.Footer))).toContain('*DRY RUN*');
    });
  });

  describe('text fallback', () => {
    it('names the tier, the incident and its tx hash', () => {
      // Act
      const card = buildIncidentCard(buildRecord(), CRITICAL);

      // Assess
      expect(card.text).toBe(
        `CRITICAL approval needed: $250,000 transaction on Uniswap (tx ${TX_HASH}) ${INCIDENT_ID}`,
      );
    });

    it('names the source IP and URI of a WAF incident', () => {
      // Act
      const card = buildIncidentCard(buildWafRecord(), HIGH);

      // Assess
      expect(card.text).toBe(
        'HIGH approval needed: WAF BLOCK SQLi_BODY from 203.0.113.7 (203.0.113.7 POST /api/login) INC-W4F0000001',
      );
    });
  });

  describe('untrusted content', () => {
    it('quotes the reasoning and escapes mentions and links in every untrusted field', () => {
      // Prepare
      const hostile = 'Ignore prior rules <!channel> <@U0APPROVER2> <https://evil.com|bank.com>';
      const record = buildRecord({
        incident: onchainIncident({ protocol: hostile, txHash: '<!here>' }),
        reasoning: `${hostile}\nApprove now`,
        evidence: [hostile],
        summary: { text: hostile, source: 'bedrock' },
        proposedAction: { type: hostile, target: hostile, reversible: false },
      });

      // Act
      const card = buildIncidentCard(record, CRITICAL);

      // Assess
      const json = JSON.stringify(card);
      expect(json).not.toMatch(/<!|<@|<http/);
      expect(sectionText(blockById(card.blocks, CardBlockId.Reasoning))).toContain(
        '> Ignore prior rules &lt;!channel&gt;',
      );
      expect(sectionText(blockById(card.blocks, CardBlockId.Reasoning))).toContain('\n> Approve now');
    });

    it("keeps the confirm dialog and the card in the bot's words: agent formatting and invisible characters are inert", () => {
      // Prepare
      const dressed = '*APPROVED* _by security_ ~x~ `y`\u2060\u00AD\u{E0041}';
      const record = buildRecord({
        incident: { ...onchainIncident(), title: dressed },
        reasoning: `${dressed}\n> Decided by <@U0APPROVER1>: *approved* 👩‍💻 ❤️ 🏴󠁧󠁢󠁳󠁣󠁴󠁿 1️⃣ Привет`,
        proposedAction: { type: 'freeze_address', target: `x* on *everything${dressed}`, reversible: false },
      });

      // Act
      const card = buildIncidentCard(record, CRITICAL);

      // Assess
      const confirm = buttonsOf(card.blocks).find((b) => b.action_id === ActionId.Approve)?.confirm as {
        text: { text: string };
      };
      expect(confirm.text.text).toContain(
        'Your vote approves *freeze_address* on *x\u2217 on \u2217everything\u2217APPROVED\u2217',
      );
      const texts = textsOf(card);
      expect(texts.flatMap(strayInvisibles)).toEqual([]);
      expect(texts.join('\n')).not.toMatch(/[*_~`]APPROVED|_by security_|~x~|`y`|^[ \t]*(?:>|&gt;)[ \t]*Decided/m);
      expect(card.text).toContain('\u2217APPROVED\u2217 \uFF3Fby security\uFF3F \u223Cx\u223C \u02CBy\u02CB');
      expect(sectionText(blockById(card.blocks, CardBlockId.Reasoning))).toContain(
        '\n> \uFF1E Decided by &lt;@U0APPROVER1&gt;: \u2217approved\u2217 👩‍💻 ❤️ 🏴󠁧󠁢󠁳󠁣󠁴󠁿 1️⃣ Привет',
      );
    });

    it('shortens long reasoning and says where the full text is', () => {
      // Prepare
      const record = buildRecord({ reasoning: 'step '.repeat(2000) });

      // Act
      const card = buildIncidentCard(record, CRITICAL);

      // Assess
      expect(sectionText(blockById(card.blocks, CardBlockId.Reasoning)).length).toBeLessThanOrEqual(1600);
      expect(sectionText(blockById(card.blocks, CardBlockId.ReasoningNote))).toBe(
        `Shortened — full text: \`/chainsec incident ${INCIDENT_ID}\``,
      );
    });

    it('uses the full-text hint it is given', () => {
      // Prepare
      const record = buildRecord({ reasoning: 'x'.repeat(5000) });

      // Act
      const card = buildIncidentCard(record, { ...CRITICAL, fullTextHint: 'open the App Home' });

      // Assess
      expect(JSON.stringify(card.blocks)).toContain('`open the App Home`');
    });

    it('shows at most five evidence items and counts the rest', () => {
      // Prepare
      const record = buildRecord({ evidence: Array.from({ length: 8 }, (_, n) => `item ${n}`) });

      // Act
      const card = buildIncidentCard(record, CRITICAL);

      // Assess
      const evidence = sectionText(blockById(card.blocks, CardBlockId.Evidence));
      expect(evidence.match(/^• /gm)).toHaveLength(5);
      expect(evidence).toContain('+3 more');
    });

    it('shows the WAF analysis as quoted reasoning when there is no reasoning', () => {
      // Prepare
      const record = buildWafRecord({
        incident: wafIncident({ analysis: 'Looks like <script>', followUp: 'Block it' }),
      });

      // Act
      const card = buildIncidentCard(record, HIGH);

      // Assess
      expect(sectionText(blockById(card.blocks, CardBlockId.Reasoning))).toContain(
        '> Looks like &lt;script&gt;\n>\n> Suggested follow-up: Block it',
      );
    });

    it('stays within every Block Kit limit for huge input', () => {
      // Prepare
      const big = '😀<&'.repeat(20_000);
      const record = buildWafRecord({
        incident: wafIncident({ uri: big, ruleName: big, country: big, sourceIp: big, action: big, httpMethod: big }),
        reasoning: big,
        evidence: Array.from({ length: 200 }, () => big),
        summary: { text: big, source: 'bedrock' },
      });

      // Act
      const card = buildIncidentCard(record, HIGH);

      // Assess
      expect(limitViolations(card)).toEqual([]);
      expect(voteButtonIds(card.blocks)).toEqual([ActionId.Approve, ActionId.Deny, ActionId.Acknowledge]);
    });
  });

  describe('decided', () => {
    it.each([
      ['approve', '✅ Approved · CRITICAL', 'approved'],
      ['deny', '⛔ Denied · CRITICAL', 'denied'],
      ['rollback', '↩️ Rolled back · CRITICAL', 'rolled back'],
    ] as const)('shows %s with who decided and when, and no buttons', (decision, header, past) => {
      // Prepare
      const record = buildRecord({
        status: 'decided',
        decision,
        decidedBy: ['U0APPROVER1', 'U0APPROVER2'],
        decidedAt: '2026-11-23T13:20:00.000Z',
        votes: [
          { userId: 'U0APPROVER1', choice: decision, at: '2026-11-23T13:10:00.000Z' },
          { userId: 'U0APPROVER2', choice: decision, at: '2026-11-23T13:20:00.000Z' },
        ],
      });

      // Act
      const card = buildIncidentCard(record, CRITICAL);

      // Assess
      expect(headerOf(card.blocks)).toBe(header);
      expect(buttonsOf(card.blocks)).toEqual([]);
      expect(sectionText(blockById(card.blocks, CardBlockId.Outcome))).toBe(
        `Decided by <@U0APPROVER1>, <@U0APPROVER2> at 2026-11-23 13:20 UTC: *${past}*.`,
      );
      expect(card.text).toContain(`CRITICAL ${past}:`);
      expect(card.text).toContain(INCIDENT_ID);
    });

    it('says the fallback ran when the workflow had timed out', () => {
      // Prepare
      const record = buildRecord({
        status: 'decided',
        decision: 'approve',
        decidedBy: ['U0APPROVER1'],
        delivery: 'token_gone',
      });

      // Act
      const card = buildIncidentCard(record, CRITICAL);

      // Assess
      expect(sectionText(blockById(card.blocks, CardBlockId.Outcome))).toContain(
        'The workflow had already timed out; its fallback ran',
      );
    });
  });

  describe('expired', () => {
    it('fails closed for high', () => {
      // Prepare
      const record = buildWafRecord({ status: 'expired', decision: 'expired' });

      // Act
      const card = buildIncidentCard(record, HIGH);

      // Assess
      expect(headerOf(card.blocks)).toBe('⌛ Expired — denied (fail closed) · HIGH');
      expect(buttonsOf(card.blocks)).toEqual([]);
      expect(sectionText(blockById(card.blocks, CardBlockId.Outcome))).toContain(
        'Nobody decided before the deadline (2026-11-23 14:05 UTC); the workflow took its safe fallback',
      );
      expect(card.text).toContain('HIGH expired, denied (fail closed)');
    });

    it("rolls back a critical containment the stack's own workflow recorded", () => {
      // Prepare
      const record = buildRecord({ status: 'expired', decision: 'expired', ...OWN_CONTAINMENT });

      // Act
      const card = buildIncidentCard(record, CRITICAL);

      // Assess
      expect(headerOf(card.blocks)).toBe('⌛ Expired — containment rolled back · CRITICAL');
      expect(buttonsOf(card.blocks)).toEqual([]);
    });

    it('keeps a containment another workflow merely claims: an expiry never rolls it back', () => {
      // Prepare
      const record = buildRecord({
        status: 'expired',
        decision: 'expired',
        ...OWN_CONTAINMENT,
        origin: 'foreign_workflow',
      });

      // Act
      const card = buildIncidentCard(record, CRITICAL);

      // Assess
      expect(headerOf(card.blocks)).toBe('⌛ Expired — denied (fail closed), containment kept · CRITICAL');
    });

    it('fails closed for critical without containment', () => {
      // Prepare
      const { containment: _c, ...record } = buildRecord({ status: 'expired' });

      // Act
      const card = buildIncidentCard(record, CRITICAL);

      // Assess
      expect(headerOf(card.blocks)).toBe('⌛ Expired — denied (fail closed) · CRITICAL');
    });

    it('keeps a critical containment when the configured fallback is deny', () => {
      // Prepare
      const record = buildRecord({ status: 'expired', decision: 'expired' });

      // Act
      const card = buildIncidentCard(record, { ...CRITICAL, onTimeout: 'deny' });

      // Assess
      expect(headerOf(card.blocks)).toBe('⌛ Expired — denied (fail closed), containment kept · CRITICAL');
      expect(card.text).toContain('CRITICAL expired, denied (fail closed), containment kept');
      expect(sectionText(blockById(card.blocks, CardBlockId.Outcome))).toContain(
        'the workflow took its safe fallback: *denied (fail closed), containment kept*',
      );
    });

    it('rolls back a containment under a high request when the configured fallback is rollback', () => {
      // Prepare
      const record = buildRecord({ tier: 'high', status: 'expired', decision: 'expired', ...OWN_CONTAINMENT });

      // Act
      const card = buildIncidentCard(record, { ...HIGH, onTimeout: 'rollback' });

      // Assess
      expect(headerOf(card.blocks)).toBe('⌛ Expired — containment rolled back · HIGH');
    });

    it('fails closed under a rollback fallback when there is no containment to undo', () => {
      // Prepare
      const record = buildWafRecord({ status: 'expired', decision: 'expired' });

      // Act
      const card = buildIncidentCard(record, { ...HIGH, onTimeout: 'rollback' });

      // Assess
      expect(headerOf(card.blocks)).toBe('⌛ Expired — denied (fail closed) · HIGH');
    });

    it('says the fallback ran when a late decision found the task gone', () => {
      // Prepare
      const record = buildRecord({
        status: 'expired',
        decision: 'deny',
        decidedBy: ['U0APPROVER3'],
        delivery: 'token_gone',
      });

      // Act
      const card = buildIncidentCard(record, CRITICAL);

      // Assess
      const outcome = sectionText(blockById(card.blocks, CardBlockId.Outcome));
      expect(outcome).toContain('Decided by <@U0APPROVER3>');
      expect(outcome).toContain('The workflow had already timed out; its fallback ran');
      expect(buttonsOf(card.blocks)).toEqual([]);
    });
  });

  describe('notification', () => {
    const notification = (over: Partial<IncidentRecord>): IncidentRecord => {
      const {
        proposedAction: _p,
        containment: _c,
        deadline: _d,
        ...base
      } = buildRecord({ kind: 'notification', status: 'notified', ...over });
      return base;
    };

    it('tells a low incident was handled and shows the action taken, dry run noted', () => {
      // Prepare
      const record = notification({
        incident: onchainIncident({}, 'low'),
        tier: 'low',
        dryRun: true,
        actions: [
          {
            operation: 'contain',
            status: 'skipped',
            type: 'flag_address',
            target: '0xfrom',
            dryRun: true,
            at: '2026-11-23T13:01:00.000Z',
          },
        ],
      });

      // Act
      const card = buildIncidentCard(record, { now: NOW, approvalsNeeded: 0, onTimeout: 'deny' });

      // Assess
      expect(headerOf(card.blocks)).toBe('🟢 DRY RUN · LOW — handled automatically');
      expect(sectionText(blockById(card.blocks, CardBlockId.Action))).toContain(
        'flag_address on 0xfrom: skipped (dry run: nothing was changed)',
      );
      expect(voteButtonIds(card.blocks)).toEqual([]);
      expect(card.text).toContain('LOW handled automatically');
      expect(card.text).toContain(TX_HASH);
    });

    it('informs about a medium incident without vote buttons', () => {
      // Prepare
      const record = notification({
        incident: wafIncident({ severity: 3 }, 'medium'),
        tier: 'medium',
        reasoning: 'Probe <@U1>',
      });

      // Act
      const card = buildIncidentCard(record, { now: NOW, approvalsNeeded: 0, onTimeout: 'deny' });

      // Assess
      expect(headerOf(card.blocks)).toBe('🟡 MEDIUM — for your information');
      expect(voteButtonIds(card.blocks)).toEqual([]);
      expect(buttonsOf(card.blocks).map((b) => b.action_id)).toEqual([ActionId.FalsePositive]);
      expect(sectionText(blockById(card.blocks, CardBlockId.Reasoning))).toContain('> Probe &lt;@U1&gt;');
      expect(card.text).toContain('MEDIUM for your information');
    });
  });

  describe('markers', () => {
    it('shows action results, the false-positive mark and repeats', () => {
      // Prepare
      const record = buildRecord({
        status: 'decided',
        decision: 'approve',
        decidedBy: ['U0APPROVER1', 'U0APPROVER2'],
        actions: [
          {
            operation: 'execute',
            status: 'executed',
            type: 'freeze_address',
            target: '0xfrom',
            dryRun: false,
            at: '2026-11-23T13:21:00.000Z',
          },
        ],
        falsePositive: { by: 'U0APPROVER3', at: '2026-11-23T13:30:00.000Z' },
        repeats: 3,
      });

      // Act
      const card = buildIncidentCard(record, CRITICAL);

      // Assess
      const text = allText(card);
      expect(text).toContain('✅ execute freeze_address on 0xfrom: executed at 2026-11-23 13:21 UTC');
      expect(text).toContain('🚩 Marked a false positive by <@U0APPROVER3>');
      expect(text).toContain('🔁 Repeated 3 times (see thread)');
    });

    it('always ends with the incident id, tier and observed time', () => {
      // Act
      const card = buildIncidentCard(buildRecord(), CRITICAL);

      // Assess
      expect(card.blocks.at(-1)).toEqual({
        type: 'context',
        block_id: CardBlockId.Footer,
        elements: [{ type: 'mrkdwn', text: `${INCIDENT_ID} · CRITICAL · observed 2026-11-23 13:00 UTC` }],
      });
    });
  });
});

describe('Function: cardVersion', () => {
  it.each([
    [{ kind: 'notification', status: 'notified' }, 'notification'],
    [{ status: 'pending' }, 'pending'],
    [{ status: 'decided', decision: 'approve' }, 'decided'],
    [{ status: 'decided', decision: 'expired' }, 'expired'],
    [{ status: 'expired' }, 'expired'],
  ] as const)('maps %j to %s', (over, expected) => {
    // Act
    const version = cardVersion(buildRecord(over as Partial<IncidentRecord>));

    // Assess
    expect(version).toBe(expected);
  });
});

describe('Function: buildIncidentCard (what the receipt binds)', () => {
  it("shows the action's parameters, escaped, and its short digest in the footer", () => {
    // Prepare
    const digest = 'ab12cd34ef56'.padEnd(64, '0');
    const record = buildRecord({
      proposedAction: {
        type: 'freeze_address',
        target: '0xfrom',
        parameters: { limit: 100, note: '*all* <!channel>' },
        reversible: true,
      },
      actionDigest: digest,
    });

    // Act
    const card = buildIncidentCard(record, CRITICAL);

    // Assess
    const action = sectionText(blockById(card.blocks, CardBlockId.Action));
    expect(action).toContain('*Parameters:*');
    expect(action).toContain('limit');
    expect(action).not.toContain('<!channel>');
    expect(JSON.stringify(blockById(card.blocks, CardBlockId.Footer))).toContain('ab12cd34ef56');
    expect(JSON.stringify(blockById(card.blocks, CardBlockId.Footer))).not.toContain(digest);
    expect(limitViolations(card)).toEqual([]);
  });
});

describe('Function: buildIncidentCard, a request without an incident', () => {
  const requestRecord = (context: Record<string, string>, parameters?: ProposedAction['parameters']): IncidentRecord =>
    buildRecord({
      incident: requestIncident(
        {
          taskToken: 'token-1',
          tier: 'high',
          title: 'Deactivate the CI key <!here>',
          proposedAction: { type: 'deactivate_access_key', target: 'AKIA1' },
          context,
        },
        NOW,
      ),
      tier: 'high',
      proposedAction: {
        type: 'deactivate_access_key',
        target: 'AKIA1',
        ...(parameters && { parameters }),
        reversible: true,
      },
    });

  it('shows the title, the action, its parameters as a list and the context fields, escaped', () => {
    // Act
    const card = buildIncidentCard(
      requestRecord({ Account: '123456789012', Note: '<!channel> *now*' }, { userName: 'ci', tags: { team: 'x' } }),
      HIGH,
    );

    // Assess
    const facts = sectionText(blockById(card.blocks, CardBlockId.Facts));
    expect(facts).toContain('*Request:* Deactivate the CI key &lt;!here&gt;');
    expect(facts).toContain('*Action*\ndeactivate_access_key');
    expect(facts).toContain('*Target*\nAKIA1');
    const context = sectionText(blockById(card.blocks, CardBlockId.Context));
    expect(context).toContain('• *Account*: 123456789012');
    expect(context).not.toContain('<!channel>');
    const action = sectionText(blockById(card.blocks, CardBlockId.Action));
    expect(action).toContain('*Parameters:*\n• *userName*: ci\n• *tags.team*: x');
    expect(limitViolations(card)).toEqual([]);
  });

  it('stays within Slack limits with 20 context entries and ten parameters at their bounds', () => {
    // Prepare
    const context = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`${i}`.padEnd(50, 'l'), '&'.repeat(500)]));
    const parameters = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`p${i}`.padEnd(60, 'k'), '<'.repeat(2000)]),
    );

    // Act
    const card = buildIncidentCard(requestRecord(context, parameters), HIGH);

    // Assess
    expect(limitViolations(card)).toEqual([]);
    const contextText = sectionText(blockById(card.blocks, CardBlockId.Context));
    expect(contextText.split('\n').filter((l) => l.startsWith('• '))).toHaveLength(20);
    // Every parameter the receipt's digest covers is within reach: the card says where the rest are.
    expect(sectionText(blockById(card.blocks, CardBlockId.Action))).toMatch(
      /_…and 20 more_: `\/chainsec incident INC-[0-9A-Z]{10}` lists them all/,
    );
  });

  it('has no context block when the request gave no context', () => {
    // Act / Assess
    expect(blockById(buildIncidentCard(requestRecord({}), HIGH).blocks, CardBlockId.Context)).toBeUndefined();
  });
});
