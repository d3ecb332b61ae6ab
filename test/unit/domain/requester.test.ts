import { isRequester, parseRequester } from '../../../src/domain/requester';

describe('Function: parseRequester', () => {
  it.each([
    ['U0APPROVER1', 'U0APPROVER1'],
    ['  U0APPROVER1 ', 'U0APPROVER1'],
    ['<@U0APPROVER1>', 'U0APPROVER1'],
    ['<@U0APPROVER1|alice>', 'U0APPROVER1'],
    ['@W0GRIDUSER', 'W0GRIDUSER'],
    ['u0approver1', 'U0APPROVER1'],
    ['\u2060U0APP\u00adROVER1\u200b', 'U0APPROVER1'],
    ['\u{E0041}U0APPROVER1', 'U0APPROVER1'],
    ['U0APPROVER1\uFE0F', 'U0APPROVER1'],
    ['U0APP\u034FROVER1', 'U0APPROVER1'],
    ['\u2800U0APPROVER1\u3164', 'U0APPROVER1'],
    ['Ｕ０ＡＰＰＲＯＶＥＲ１', 'U0APPROVER1'],
    ['𝐔𝟎𝐀𝐏𝐏𝐑𝐎𝐕𝐄𝐑𝟏', 'U0APPROVER1'],
  ])('reads %j as the Slack user %s', (raw, userId) => {
    // Act
    const requester = parseRequester(raw);

    // Assess
    expect(requester.userId).toBe(userId);
  });

  it.each(['chainsec-agent', 'security bot', '<@U0APPROVER1> and friends', 'C0APPROVALS', '<!channel>', '', 'U1'])(
    'reads %j as an agent name, shown as text',
    (raw) => {
      // Act
      const requester = parseRequester(raw);

      // Assess
      expect(requester.userId).toBeUndefined();
      expect(requester.label).toBe(raw.trim());
    },
  );
});

describe('Function: isRequester', () => {
  it('errs towards refusing: an id that contains another keeps that person from deciding', () => {
    // Assess
    expect(isRequester('U0APPROVER10', 'U0APPROVER1')).toBe(true);
    expect(isRequester('U0APPROVER1', 'U0APPROVER10')).toBe(false);
  });

  it('compares normalised ids, and never matches an agent name or no requester', () => {
    // Assess
    expect(isRequester('<@U0APPROVER1>', 'U0APPROVER1')).toBe(true);
    expect(isRequester('U0APPROVER1', 'U0APPROVER2')).toBe(false);
    expect(isRequester('chainsec-agent', 'U0APPROVER1')).toBe(false);
    expect(isRequester(undefined, 'U0APPROVER1')).toBe(false);
  });

  it.each([
    'Ｕ０ＡＰＰＲＯＶＥＲ１',
    '𝐔𝟎𝐀𝐏𝐏𝐑𝐎𝐕𝐄𝐑𝟏',
    'U0APPROVER1.',
    'user:U0APPROVER1',
    'U0APPROVER1 (Ada)',
    'U0APPROVER1,U0APPROVER2',
    'U0APPROVER2, u0approver1',
    '‹@U0APPROVER1›',
    'U0APP\u200bROVER1',
    'U0АPPRОVЕR1',
    'u0аpprоvеr1',
  ])('treats %j as naming U0APPROVER1: any id the text contains is a requester', (requestedBy) => {
    // Assess
    expect(isRequester(requestedBy, 'U0APPROVER1')).toBe(true);
    expect(isRequester(requestedBy, 'U0APPROVER3')).toBe(false);
  });
});
