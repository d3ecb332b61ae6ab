import {
  encodeReasonMetadata,
  parseReasonMetadata,
  parseReasonOption,
  reasonOptionValue,
} from '../../../src/domain/reasonModal';

describe('Function: parseReasonOption', () => {
  it('reads what reasonOptionValue writes, and nothing else', () => {
    // Act / Assess
    expect(parseReasonOption(reasonOptionValue('deny', 'INC-7GQ2KX4ZPA'))).toEqual({
      choice: 'deny',
      incidentId: 'INC-7GQ2KX4ZPA',
    });
    for (const bad of ['expired:INC-7GQ2KX4ZPA', 'deny:INC-nope', 'deny:INC-7GQ2KX4ZPA:x', 'deny', 42, undefined]) {
      expect(parseReasonOption(bad)).toBeUndefined();
    }
  });
});

describe('Function: parseReasonMetadata', () => {
  const card = { incidentId: 'INC-7GQ2KX4ZPA', choice: 'approve' as const, userId: 'U0APPROVER1' };

  it('round-trips a card surface and the App Home surface', () => {
    // Prepare
    const onCard = {
      ...card,
      surface: { kind: 'message' as const, channelId: 'C0APPROVALS', messageTs: '1700000000.000100' },
    };
    const onHome = { ...card, surface: { kind: 'app_home' as const } };

    // Act / Assess
    expect(parseReasonMetadata(encodeReasonMetadata(onCard))).toEqual(onCard);
    expect(parseReasonMetadata(encodeReasonMetadata(onHome))).toEqual(onHome);
    expect(encodeReasonMetadata(onCard)).not.toMatch(/token/i);
  });

  it.each([
    ['not JSON', '{'],
    ['an array', '[]'],
    ['an extra key', JSON.stringify({ i: 'INC-7GQ2KX4ZPA', v: 'deny', u: 'U0APPROVER1', h: 1, taskToken: 'x' })],
    [
      'both surfaces',
      JSON.stringify({ i: 'INC-7GQ2KX4ZPA', v: 'deny', u: 'U0APPROVER1', h: 1, c: 'C0APPROVALS', t: '1.1' }),
    ],
    ['no surface', JSON.stringify({ i: 'INC-7GQ2KX4ZPA', v: 'deny', u: 'U0APPROVER1' })],
    ['a bad incident id', JSON.stringify({ i: 'INC-1', v: 'deny', u: 'U0APPROVER1', h: 1 })],
    ['an unknown choice', JSON.stringify({ i: 'INC-7GQ2KX4ZPA', v: 'expired', u: 'U0APPROVER1', h: 1 })],
    ['a bad user', JSON.stringify({ i: 'INC-7GQ2KX4ZPA', v: 'deny', u: '<!channel>', h: 1 })],
    [
      'a bad channel',
      JSON.stringify({ i: 'INC-7GQ2KX4ZPA', v: 'deny', u: 'U0APPROVER1', c: 'general', t: '1700000000.000100' }),
    ],
    ['too long', 'x'.repeat(501)],
  ])('refuses %s', (_name, raw) => {
    // Act / Assess
    expect(parseReasonMetadata(raw)).toBeUndefined();
  });
});
