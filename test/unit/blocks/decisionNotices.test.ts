import { buildDecisionThreadLine, buildRequesterDm } from '../../../src/blocks/decisionNotices';
import { limitViolations } from '../../../src/blocks/limits';
import { buildRecord, strayInvisibles, textsOf } from './fixtures';

const at = '2026-11-23T13:05:00Z';
const hostile = '<!channel> *APPROVED* <@U0APPROVER1> <https://evil.example|bank.com> \u202Etxet';

describe('Function: buildDecisionThreadLine', () => {
  it('says who decided what, when, and why, with the reason inert', () => {
    // Prepare
    const record = buildRecord({
      status: 'decided',
      decision: 'deny',
      decidedBy: ['U0APPROVER2'],
      decidedAt: at,
      votes: [{ userId: 'U0APPROVER2', choice: 'deny', at, reason: hostile }],
    });

    // Act
    const line = buildDecisionThreadLine(record);
    const all = textsOf(line).join('\n');

    // Assess
    expect(all).toContain('⛔ <@U0APPROVER2> denied at 2026-11-23 13:05 UTC. Reason: “');
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<@U0APPROVER1>');
    expect(all).not.toContain('<https://');
    expect(all).toContain('∗APPROVED∗');
    expect(strayInvisibles(all)).toEqual([]);
    expect(limitViolations(line)).toEqual([]);
  });

  it('an expiry says nobody decided', () => {
    // Act
    const line = buildDecisionThreadLine(
      buildRecord({ status: 'expired', decision: 'expired', decidedBy: [], decidedAt: at }),
    );

    // Assess
    expect(line.text).toContain('⌛ Nobody decided before the deadline');
  });
});

describe('Function: buildRequesterDm', () => {
  it('tells the requester the outcome, the deciders’ reasons, and links the card', () => {
    // Prepare
    const votes = [
      { userId: 'U0APPROVER1', choice: 'approve' as const, at, reason: 'Checked.' },
      { userId: 'U0APPROVER2', choice: 'approve' as const, at, reason: 'Agreed.' },
    ];
    const record = buildRecord({
      status: 'decided',
      decision: 'approve',
      decidedBy: ['U0APPROVER1', 'U0APPROVER2'],
      decidedAt: at,
      votes,
    });

    // Act
    const dm = buildRequesterDm(record, 'https://chainsec.slack.com/archives/C0APPROVALS/p1');
    const all = textsOf(dm).join('\n');

    // Assess
    expect(dm.text).toContain('was *approved*');
    expect(all).toContain('Reasons: <@U0APPROVER1> “Checked.” · <@U0APPROVER2> “Agreed.”');
    expect(all).toContain('<https://chainsec.slack.com/archives/C0APPROVALS/p1|Open the card>');
    expect(limitViolations(dm)).toEqual([]);
  });
});
