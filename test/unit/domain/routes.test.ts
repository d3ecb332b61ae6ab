import { chooseRoute, parseRoutes } from '../../../src/domain/routes';
import { ConfigInvalidError, ErrorCode } from '../../../src/errors';

const ROUTES = JSON.stringify([
  { channel: 'C0IAM', match: { source: ['guardduty'], findingTypePrefix: 'UnauthorizedAccess:IAMUser/' } },
  { channel: 'C0CRITICAL', match: { tier: ['critical'] }, approverUserIds: ['U0APPROVER1'], onCallUserId: 'U0ONCALL2' },
  { channel: 'C0AAVE', match: { protocol: ['aave'] } },
]);

function thrown(text: string): ConfigInvalidError {
  try {
    parseRoutes(text);
  } catch (e) {
    if (e instanceof ConfigInvalidError) return e;
  }
  throw new Error('parseRoutes did not throw ConfigInvalidError');
}

describe('routes', () => {
  const routes = parseRoutes(ROUTES);

  it('first match wins, in order', () => {
    expect(
      chooseRoute(routes, { tier: 'critical', kind: 'guardduty', findingType: 'UnauthorizedAccess:IAMUser/X' })
        ?.channel,
    ).toBe('C0IAM');
    expect(chooseRoute(routes, { tier: 'critical', kind: 'onchain', protocol: 'aave' })?.channel).toBe('C0CRITICAL');
    expect(chooseRoute(routes, { tier: 'high', kind: 'onchain', protocol: 'aave' })?.channel).toBe('C0AAVE');
  });

  it('no match is the default route; a prefix must be a prefix', () => {
    expect(
      chooseRoute(routes, {
        tier: 'high',
        kind: 'guardduty',
        findingType: 'Recon:IAMUser/UnauthorizedAccess:IAMUser/',
      }),
    ).toBeUndefined();
    expect(chooseRoute(routes, { tier: 'high', kind: 'waf' })).toBeUndefined();
    expect(chooseRoute([], { tier: 'critical', kind: 'waf' })).toBeUndefined();
  });

  it('empty is one channel', () => {
    expect(parseRoutes(undefined)).toEqual([]);
    expect(parseRoutes('  ')).toEqual([]);
  });

  it.each([
    ['[{"channel":"C0A","match":{"tier":["high"]}},{"channel":"nope","match":{"tier":["high"]}}]', 'ROUTES[1].channel'],
    ['[{"channel":"C0A","match":{"tier":["low"]}}]', 'ROUTES[0].match.tier[0]'],
    ['[{"channel":"C0A","match":{}}]', 'ROUTES[0].match'],
    ['[{"channel":"C0A","match":{"tier":["high"]},"approverUserIds":["bob"]}]', 'ROUTES[0].approverUserIds[0]'],
    ['{"channel":"C0A"}', 'ROUTES'],
    ['[', 'ROUTES'],
  ])('refuses %s naming %s', (text, field) => {
    const e = thrown(text);
    expect(e.code).toBe(ErrorCode.ConfigInvalid);
    expect(e.details['field']).toBe(field);
    expect(e.message.startsWith(field)).toBe(true);
  });
});
