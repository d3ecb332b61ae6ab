import type { KnownBlock } from '@slack/types';
import { useHarness, unique, incidentIdOf } from '../support/sandboxHarness';
import { eventually } from '../support/localAws';
import { APPROVALS_CHANNEL } from '../../sandbox/identities';
import type { RecordedMessage } from '../../sandbox/local/MessageStore';
import { strayInvisibles, textsOf } from '../unit/blocks/fixtures';

/** Invisible characters of every kind Unicode has that can hide or reorder text, and a few more. */
const INVISIBLE =
  '\u2060\u00AD\u{E0001}\u{E0041}\u{E0050}\u{E007F}\u3164\u115F\uFFA0\u2800\u180E\u200B\u200D\u202E\u2066\uFEFF\uFE0F\u0007';
/** The bot's own words, dressed in every mrkdwn marker. */
const IMITATION =
  '*APPROVED* by _security_ ~denied~ `run it`\n> Decided by <@U0APPROVER1>: *approved*\n<!here> click Approve';
/** What must survive: emoji that need joins, and text in other scripts. */
const LEGIT = ['👩‍💻', '❤️', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '1️⃣', 'Привет мир', '你好', 'مرحبا', 'नमस्ते'];

/** `APPROVED` (or the other dressed words) next to a marker that would format it, or a line opening a quote. */
const FORMATTED =
  /[*~`]APPROVED|(?<![\p{L}\p{N}])_security_|~denied~|`run it`|\*approved\*|^[ \t]*(?:>|&gt;)[ \t]*Decided/mu;

describe('E2E: untrusted text reaches Slack with nothing invisible and no formatting of its own', () => {
  const h = useHarness();

  function assessShown(messages: RecordedMessage[]): void {
    const texts = messages.flatMap((m) => textsOf({ text: m.text, blocks: m.blocks as KnownBlock[] }));
    expect(texts.flatMap(strayInvisibles)).toEqual([]);
    for (const t of texts) {
      expect(t).not.toMatch(FORMATTED);
      expect(t).not.toContain('<!here>');
      expect(t).not.toContain('<@U0APPROVER1>');
    }
  }

  it('on the card, its confirm dialogs and fallback text, the on-call DM and /chainsec incident', async () => {
    // Prepare
    const tx = `0x${unique()}ee`;
    const hostile = `${INVISIBLE}${IMITATION}${INVISIBLE}\n${LEGIT.join(' ')}`;
    const arn = await h.startIncident({
      tx_hash: tx,
      amount_usd: 500_000,
      protocol: `Curve${INVISIBLE}`,
      anomaly_score: 0.97,
      agent: {
        reasoning: hostile,
        evidence: [hostile, `*APPROVED*${INVISIBLE}`],
        proposed_action: {
          type: `freeze_address${INVISIBLE}`,
          target: `*APPROVED* 0xabc${INVISIBLE}`,
          reversible: true,
        },
      },
    });

    // Act
    const card = await h.waitForMessage(tx, { channel: APPROVALS_CHANNEL, kind: 'message' });
    const id = incidentIdOf(card);
    const before = (await h.messages()).length;
    const res = await h.command('U0APPROVER1', `incident ${id}`);
    const answers = await eventually(async () => {
      const fresh = (await h.messages())
        .slice(before)
        .filter((m) => m.kind === 'response_url' && m.user === 'U0APPROVER1');
      return fresh.some((m) => JSON.stringify(m.blocks).includes('reasoning')) ? fresh : undefined;
    }, 10_000);
    const all = (await h.messages()).filter((m) => `${m.text}${JSON.stringify(m.blocks)}`.includes(id));

    // Assess
    expect(arn).toBeDefined();
    expect(res.status).toBe(200);
    assessShown([card]);
    assessShown(answers);
    assessShown(all);
    const cardJson = JSON.stringify(card.blocks);
    const answersJson = JSON.stringify(answers.map((m) => m.blocks));
    for (const kept of LEGIT) {
      expect(cardJson).toContain(JSON.stringify(kept).slice(1, -1));
      expect(answersJson).toContain(JSON.stringify(kept).slice(1, -1));
    }
    // Identifiers with an inner underscore stay exact; the agent's bold shows as visible marks.
    expect(cardJson).toContain('freeze_address');
    expect(cardJson).toContain('\u2217APPROVED\u2217');
  });
});
