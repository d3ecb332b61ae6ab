import { incidentDetail, status } from '../../../src/blocks/commandResponses';
import { buildRecord, NOW, strayInvisibles, textsOf } from './fixtures';
import { requestIncident } from '../../../src/domain/incident';

/** The agent's own words dressed as the bot's: bold, italic, strike, code and a quote. */
const IMITATION = '*APPROVED* by _security_ ~deny~ `ok`\n> Decided by <@U0APPROVER1>: *approved*';
const INVISIBLE = '\u2060\u00AD\u{E0041}\u{E007F}\u3164\u2800\u180E\u200B\u202E';

describe('Function: incidentDetail', () => {
  it('shows the full reasoning with nothing invisible and no formatting of its own, and keeps emoji whole across parts', () => {
    // Prepare: an emoji sequence straddling the 2800-unit part boundary.
    const reasoning = `${'x'.repeat(2797)}👩‍💻🏴󠁧󠁢󠁳󠁣󠁴󠁿 ${INVISIBLE}${IMITATION} 1️⃣ ❤️ Привет`;
    const record = buildRecord({
      reasoning,
      evidence: [`${IMITATION}${INVISIBLE}`],
      incident: { ...buildRecord().incident, title: `*APPROVED*${INVISIBLE}` },
    });

    // Act
    const messages = incidentDetail({ record, entries: [], now: NOW });

    // Assess
    const texts = messages.flatMap(textsOf);
    expect(texts.flatMap(strayInvisibles)).toEqual([]);
    for (const t of texts) {
      expect(t).not.toMatch(/[*_~`]APPROVED|\*approved\*|_security_|~deny~|`ok`/);
      expect(t).not.toMatch(/^[ \t]*(?:&gt;|>)[ \t]*(?:&gt;|>)?[ \t]*Decided/m);
    }
    const shown = texts.join('');
    for (const kept of ['👩‍💻', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '1️⃣', '❤️', 'Привет']) expect(shown).toContain(kept);
  });
});

describe('Function: incidentDetail, a request without an incident', () => {
  it('shows the title, the action, its parameters as a list and every context field, escaped', () => {
    // Prepare
    const record = buildRecord({
      incident: requestIncident(
        {
          taskToken: 'token-1',
          tier: 'high',
          title: 'Deactivate the CI key',
          proposedAction: { type: 'deactivate_access_key', target: 'AKIA1' },
          context: { Account: '123456789012', Note: '<!channel>' },
        },
        NOW,
      ),
      proposedAction: {
        type: 'deactivate_access_key',
        target: 'AKIA1',
        parameters: { userName: 'ci', regions: ['eu-west-1', 'us-east-1'] },
        reversible: true,
      },
    });

    // Act
    const shown = incidentDetail({ record, entries: [], now: NOW }).flatMap(textsOf).join('\n');

    // Assess
    expect(shown).toContain('*Deactivate the CI key*');
    expect(shown).toContain('Action: deactivate_access_key on AKIA1');
    expect(shown).toContain('• *Account*: 123456789012');
    expect(shown).toContain('• *Note*: &lt;!channel&gt;');
    expect(shown).toContain('*Parameters:*\n• *userName*: ci\n• *regions*: eu-west-1, us-east-1');
    expect(shown).not.toContain('<!channel>');
  });
});

describe('Function: status, with routes', () => {
  const routes = [{ channel: 'C0CRITICAL', match: 'critical: tier critical', pending: 1 }];
  const unreachable = {
    routes: [{ channel: 'C0CRITICAL', routes: ['critical: tier critical'] }],
    defaultChannel: 'C0APPROVALS',
  };

  it('status shows where the asker decides and, apart, every route the bot cannot post to', () => {
    // Act
    const shown = JSON.stringify(
      status({ now: new Date(), counts: {}, pending: [], dryRun: false, windowDays: 7, routes, unreachable }).blocks,
    );
    const allFine = JSON.stringify(
      status({ now: new Date(), counts: {}, pending: [], dryRun: false, windowDays: 7, routes }).blocks,
    );

    // Assess
    expect(shown).toContain('*Where you decide*');
    expect(shown).toContain('*Routes chainsec cannot post to*');
    expect(shown).toContain('chainsec is not in this channel, so its cards go to <#C0APPROVALS>');
    expect(allFine).toContain('*Where you decide*');
    expect(allFine).not.toContain('cannot post to');
  });
});

describe('Function: incidentDetail, parameters past the card bound', () => {
  it('lists every parameter the digest covers, escaped, after the bounded list', () => {
    // Prepare
    const parameters = Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`p${i}`, `<!here> v${i}`]));
    const record = buildRecord({
      proposedAction: { type: 'grant_role', target: 'ci-bot', parameters, reversible: true },
    });

    // Act
    const shown = incidentDetail({ record, entries: [], now: NOW }).flatMap(textsOf).join('\n');

    // Assess
    expect(shown).toContain('_…and 4 more_: every one is listed below');
    for (let i = 0; i < 14; i++) expect(shown).toContain(`p${i}: &lt;!here&gt; v${i}`);
    expect(shown).not.toContain('<!here>');
  });
});
