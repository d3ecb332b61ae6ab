import { buildHomeView } from '../../../src/blocks/homeView';
import { defaultApprovalPolicy } from '../../../src/domain/policy';

describe('Function: buildHomeView, with routes', () => {
  const routes = [{ channel: 'C0CRITICAL', match: 'critical: tier critical', pending: 1 }];
  const unreachable = {
    routes: [{ channel: 'C0CRITICAL', routes: ['critical: tier critical'] }],
    defaultChannel: 'C0APPROVALS',
  };

  it('the Home tab shows the same list, and none without routes', () => {
    // Prepare
    const base = {
      userId: 'U0APPROVER1',
      waiting: [],
      decided: [],
      now: new Date(),
      policyOf: () => defaultApprovalPolicy({ approverUserIds: ['U0APPROVER1'], approvalsChannel: 'C0APPROVALS' }).high,
    };

    // Act
    const home = buildHomeView({ ...base, routes, unreachable });
    const oneChannel = buildHomeView({ ...base, routes: [], unreachable: { ...unreachable, routes: [] } });

    // Assess
    const headers = home.blocks.flatMap((b) => (b.type === 'header' ? [b.text.text] : []));
    expect(headers).toEqual(['Waiting for you (0)', 'Where you decide', 'You voted on recently']);
    expect(JSON.stringify(home.blocks)).toContain(
      "• <#C0CRITICAL> — critical: tier critical · approvers: the tier's · pending: 1 · :warning: chainsec is not in this channel",
    );
    expect(JSON.stringify(oneChannel.blocks)).not.toContain('Where you decide');
  });
});
