import {
  channelRef,
  routeFallbackNote,
  routeListLines,
  unreachableRouteAlert,
  unreachableRouteLines,
} from '../../../src/blocks/routeNotices';

const HOSTILE = 'ops <!channel> *now* <https://evil.example|bank>';

describe('Function: routeListLines', () => {
  it("lists each route with its approvers (or the tier's) and pending count, marking one the bot is not in", () => {
    // Act
    const lines = routeListLines(
      [
        { channel: 'C0CRITICAL', match: 'critical: tier critical', approvers: ['U0APPROVER1', 'S0GROUP'], pending: 2 },
        { channel: 'C0APPROVALS', match: 'everything else', pending: 0 },
      ],
      [{ channel: 'C0CRITICAL', routes: ['critical: tier critical'] }],
    );

    // Assess
    expect(lines).toEqual([
      '• <#C0CRITICAL> — critical: tier critical · approvers: `U0APPROVER1`, `S0GROUP` · pending: 2 · :warning: chainsec is not in this channel',
      "• <#C0APPROVALS> — everything else · approvers: the tier's · pending: 0",
    ]);
  });

  it('escapes what configuration says: a route name cannot ping, link or format', () => {
    // Act
    const [line] = routeListLines([
      { channel: 'C0X', match: `${HOSTILE}: tier high`, approvers: ['bob`'], pending: 0 },
    ]);
    const [unreachable] = unreachableRouteLines([{ channel: 'C0X', routes: [HOSTILE] }], 'C0APPROVALS');
    const note = routeFallbackNote({ routeChannel: 'C0X', routeName: HOSTILE, slackError: 'not_in_channel' });

    // Assess
    for (const text of [line!, unreachable!, note.text]) {
      expect(text).not.toContain('<!channel>');
      expect(text).not.toContain('<https://');
      expect(text).not.toContain('*now*');
      expect(text).toContain('&lt;!channel&gt;');
    }
    expect(line).not.toContain('`bob`');
  });
});

describe('Function: channelRef', () => {
  it('links a well-formed channel id only', () => {
    expect(channelRef('C0CRITICAL')).toBe('<#C0CRITICAL>');
    expect(channelRef('G0PRIVATE')).toBe('<#G0PRIVATE>');
    expect(channelRef('<!here>')).toBe('&lt;!here&gt;');
  });
});

describe('Function: unreachableRouteAlert', () => {
  it('names the channel, its routes, where its cards go and how to fix it', () => {
    // Act
    const alert = unreachableRouteAlert({ channel: 'C0CRITICAL', routes: ['critical: tier critical'] }, 'C0APPROVALS');

    // Assess
    expect(alert.text).toBe(
      ':rotating_light: *A route cannot be posted to.* :warning: <#C0CRITICAL> (`C0CRITICAL`, critical: tier critical): chainsec is not in this channel, so its cards go to <#C0APPROVALS>. Invite it there with `/invite @chainsec`. This alert is posted once; `/chainsec status` lists every such route.',
    );
    expect(alert.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: alert.text } }]);
  });
});
