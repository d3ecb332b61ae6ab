import { buildEscalationDm, cardLink, escalationBlockId, pagedRequestOf } from '../../../src/blocks/escalationDm';
import { limitViolations } from '../../../src/blocks/limits';
import { ActionId } from '../../../src/domain/actionIds';
import { buildRecord, buttonsOf, INCIDENT_ID, NOW, onchainIncident, textsOf, TX_HASH } from './fixtures';

describe('Function: buildEscalationDm', () => {
  it('says how long the approval has waited and shows the key facts', () => {
    // Prepare
    const record = buildRecord({ requestedAt: '2026-11-23T12:54:00.000Z' });

    // Act
    const dm = buildEscalationDm(record, { level: 1, role: 'primary', now: NOW });

    // Assess
    expect(dm.text).toContain('You are on call: CRITICAL approval waiting for 12 minutes');
    expect(dm.text).toContain(INCIDENT_ID);
    const text = textsOf(dm).join('\n');
    expect(text).toContain(TX_HASH);
    expect(text).toContain('freeze_address on 0xfrom');
    expect(text).toContain('you are the primary on call');
    expect(limitViolations(dm)).toEqual([]);
  });

  it('offers only the "I\'m on it" button, never a vote', () => {
    // Act
    const dm = buildEscalationDm(buildRecord(), { level: 2, role: 'secondary', now: NOW });

    // Assess
    expect(buttonsOf(dm.blocks)).toEqual([
      {
        blockId: escalationBlockId(buildRecord().requestedAt),
        action_id: ActionId.Acknowledge,
        value: INCIDENT_ID,
        text: "👀 I'm on it",
      },
    ]);
  });

  it("names the request it pages for in its button row's block_id, and reads it back", () => {
    // Act
    const record = buildRecord();
    const blockId = buttonsOf(buildEscalationDm(record, { level: 1, role: 'primary', now: NOW }).blocks)[0]?.blockId;

    // Assess
    expect(pagedRequestOf(blockId)).toBe(record.requestedAt);
    expect(pagedRequestOf('chainsec_escalation')).toBeUndefined();
    expect(pagedRequestOf('another_block')).toBeUndefined();
    expect(pagedRequestOf(undefined)).toBeUndefined();
  });

  it('links to the card when the permalink is http(s)', () => {
    // Act
    const dm = buildEscalationDm(buildRecord(), {
      level: 1,
      role: 'primary',
      now: NOW,
      permalink: 'https://chainsec.slack.com/archives/C0APPROVALS/p1700000000000100',
    });

    // Assess
    expect(textsOf(dm).join('\n')).toContain(
      '<https://chainsec.slack.com/archives/C0APPROVALS/p1700000000000100|Open the card>',
    );
  });

  it('ignores a permalink that is not http(s)', () => {
    // Act
    const dm = buildEscalationDm(buildRecord(), {
      level: 1,
      role: 'primary',
      now: NOW,
      permalink: 'javascript:alert(1)',
    });

    // Assess
    const text = textsOf(dm).join('\n');
    expect(text).not.toContain('<');
    expect(text).toContain(`/chainsec incident ${INCIDENT_ID}`);
  });

  it('says it is a reminder from level 3 on', () => {
    // Act
    const dm = buildEscalationDm(buildRecord(), { level: 3, role: 'primary', now: NOW });

    // Assess
    expect(dm.text.startsWith('Reminder (level 3): You are on call')).toBe(true);
  });

  it('escapes untrusted fields', () => {
    // Prepare
    const record = buildRecord({
      incident: { ...onchainIncident({ txHash: '<!channel>' }), title: '<@U0APPROVER1> pay' },
    });

    // Act
    const dm = buildEscalationDm(record, { level: 1, role: 'primary', now: NOW });

    // Assess
    expect(textsOf(dm).join('\n')).not.toContain('<');
  });
});

describe('Function: cardLink', () => {
  it('encodes characters that would end the link token', () => {
    // Act
    const link = cardLink('https://x.slack.com/a?b=1&c=|<>d e');

    // Assess
    expect(link).toBe('<https://x.slack.com/a?b=1&amp;c=%7C%3C%3Ed%20e|Open the card>');
  });

  it.each([undefined, '', 'ftp://x', 'slack://channel'])('gives nothing for %p', (url) => {
    // Act
    const link = cardLink(url);

    // Assess
    expect(link).toBeUndefined();
  });
});
