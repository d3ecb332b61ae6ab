import { ErrorCode } from '../../../src/errors';
import { defaultApprovalPolicy, type TierPolicy } from '../../../src/domain/policy';
import {
  evaluateVote,
  tally,
  type ApprovalState,
  type Vote,
  type VoteChoice,
  type VoteContext,
  type VoteSurface,
} from '../../../src/domain/votes';

const NOW = new Date('2025-03-01T12:10:00Z');
const POLICY = defaultApprovalPolicy({
  approverUserIds: ['U0APPROVER1', 'U0APPROVER2', 'U0APPROVER3'],
  approvalsChannel: 'C0APPROVALS',
});

function state(over: Partial<ApprovalState> = {}): ApprovalState {
  return {
    status: 'pending',
    votes: [],
    deadline: '2025-03-01T13:00:00Z',
    rollbackPossible: true,
    requestedBy: 'U0AGENT',
    card: CARD,
    ...over,
  };
}

const CARD = { channel: 'C0APPROVALS', ts: '1740830400.000100' };
const onCard: VoteSurface = { kind: 'message', channelId: CARD.channel, messageTs: CARD.ts };
const home: VoteSurface = { kind: 'app_home' };

function ctx(policy: TierPolicy, over: Partial<VoteContext> = {}): VoteContext {
  return { policy, isApprover: true, surface: onCard, now: NOW, ...over };
}

function vote(userId: string, choice: VoteChoice): Vote {
  return { userId, choice, at: NOW.toISOString() };
}

describe('Function: evaluateVote', () => {
  describe('rejections', () => {
    it('tells a late clicker who decided, whoever they are', () => {
      // Prepare
      const decided = state({ status: 'decided', decision: 'approve', decidedBy: ['U0APPROVER1', 'U0APPROVER2'] });

      // Act
      const outcome = evaluateVote(
        decided,
        vote('U0VIEWER', 'deny'),
        ctx(POLICY.critical, {
          isApprover: false,
          surface: { kind: 'message', channelId: 'C0OTHER', messageTs: '1.2' },
        }),
      );

      // Assess
      expect(outcome).toEqual({
        kind: 'rejected',
        code: ErrorCode.AlreadyDecided,
        message: 'This request was already decided (approve) by <@U0APPROVER1>, <@U0APPROVER2>.',
      });
    });

    it('says an expired request was ended by the deadline', () => {
      // Prepare
      const expired = state({ status: 'expired' });

      // Act
      const outcome = evaluateVote(expired, vote('U0APPROVER1', 'approve'), ctx(POLICY.high));

      // Assess
      expect(outcome).toMatchObject({ kind: 'rejected', code: ErrorCode.AlreadyDecided });
      expect(outcome.kind === 'rejected' && outcome.message).toContain('the deadline');
    });

    it('rejects a vote at or after the deadline even while still pending', () => {
      // Prepare
      const atDeadline = state({ deadline: NOW.toISOString() });

      // Act
      const outcome = evaluateVote(atDeadline, vote('U0APPROVER1', 'approve'), ctx(POLICY.high));

      // Assess
      expect(outcome).toMatchObject({ kind: 'rejected', code: ErrorCode.RequestExpired });
    });

    it('accepts a vote one millisecond before the deadline', () => {
      // Prepare
      const justBefore = state({ deadline: new Date(NOW.getTime() + 1).toISOString() });

      // Act
      const outcome = evaluateVote(justBefore, vote('U0APPROVER1', 'approve'), ctx(POLICY.high));

      // Assess
      expect(outcome.kind).toBe('recorded');
    });

    it('rejects a click in another channel', () => {
      // Act
      const outcome = evaluateVote(
        state(),
        vote('U0APPROVER1', 'approve'),
        ctx(POLICY.high, { surface: { kind: 'message', channelId: 'C0RANDOM', messageTs: CARD.ts } }),
      );

      // Assess
      expect(outcome).toMatchObject({ kind: 'rejected', code: ErrorCode.WrongChannel });
    });

    it('counts an App Home click when the policy allows it, and rejects it otherwise', () => {
      // Prepare
      const noHome: TierPolicy = { ...POLICY.high, allowAppHome: false };

      // Act
      const allowed = evaluateVote(state(), vote('U0APPROVER1', 'approve'), ctx(POLICY.high, { surface: home }));
      const refused = evaluateVote(state(), vote('U0APPROVER1', 'approve'), ctx(noHome, { surface: home }));

      // Assess
      expect(allowed.kind).toBe('recorded');
      expect(refused).toMatchObject({ kind: 'rejected', code: ErrorCode.WrongChannel });
    });

    it.each([
      ['another message in the approvals channel', state(), '1740830400.999999'],
      ['the card of a request whose card is not stored yet', state({ card: undefined }), CARD.ts],
    ] as const)('rejects a message click on %s', (_name, request, messageTs) => {
      // Act
      const surface: VoteSurface = { kind: 'message', channelId: CARD.channel, messageTs };
      const outcome = evaluateVote(request, vote('U0APPROVER1', 'approve'), ctx(POLICY.high, { surface }));

      // Assess
      expect(outcome).toMatchObject({ kind: 'rejected', code: ErrorCode.NotTheCard });
    });

    it.each([
      'U0APPROVER1 ',
      '<@U0APPROVER1>',
      '<@U0APPROVER1|alice>',
      '@U0APPROVER1',
      'u0approver1',
      '\u2060U0APPROVER1\u200b',
    ])('rejects the requester deciding their own request when it names them as %j', (requestedBy) => {
      // Act
      const outcome = evaluateVote(state({ requestedBy }), vote('U0APPROVER1', 'approve'), ctx(POLICY.critical));

      // Assess
      expect(outcome).toMatchObject({ kind: 'rejected', code: ErrorCode.SelfApproval });
    });

    it.each(['approve', 'deny', 'rollback'] as const)(
      'rejects the requester voting %s on their own request',
      (choice) => {
        // Prepare
        const own = state({ requestedBy: 'U0APPROVER1' });

        // Act
        const outcome = evaluateVote(own, vote('U0APPROVER1', choice), ctx(POLICY.critical));

        // Assess
        expect(outcome).toMatchObject({ kind: 'rejected', code: ErrorCode.SelfApproval });
      },
    );

    it('rejects a second vote by the same person, even with another choice', () => {
      // Prepare
      const voted = state({ votes: [vote('U0APPROVER1', 'approve')] });

      // Act
      const again = evaluateVote(voted, vote('U0APPROVER1', 'approve'), ctx(POLICY.critical));
      const changed = evaluateVote(voted, vote('U0APPROVER1', 'rollback'), ctx(POLICY.critical));

      // Assess
      expect(again).toMatchObject({ kind: 'rejected', code: ErrorCode.AlreadyVoted });
      expect(changed).toMatchObject({ kind: 'rejected', code: ErrorCode.AlreadyVoted });
    });

    it('rejects a rollback when there is nothing to roll back', () => {
      // Prepare
      const irreversible = state({ rollbackPossible: false });

      // Act
      const outcome = evaluateVote(irreversible, vote('U0APPROVER1', 'rollback'), ctx(POLICY.critical));

      // Assess
      expect(outcome).toMatchObject({ kind: 'rejected', code: ErrorCode.NotReversible });
    });
  });

  describe('decisions', () => {
    it('ends the request at once on one deny, on either tier', () => {
      // Prepare
      const oneApproval = state({ votes: [vote('U0APPROVER1', 'approve')] });

      // Act
      const high = evaluateVote(state(), vote('U0APPROVER2', 'deny'), ctx(POLICY.high));
      const critical = evaluateVote(oneApproval, vote('U0APPROVER2', 'deny'), ctx(POLICY.critical));

      // Assess
      expect(high).toMatchObject({ kind: 'recorded', decision: { decision: 'deny', decidedBy: ['U0APPROVER2'] } });
      expect(critical).toMatchObject({ kind: 'recorded', decision: { decision: 'deny', decidedBy: ['U0APPROVER2'] } });
    });

    it('approves a high request with one approval', () => {
      // Act
      const outcome = evaluateVote(state(), vote('U0APPROVER1', 'approve'), ctx(POLICY.high));

      // Assess
      expect(outcome).toEqual({
        kind: 'recorded',
        tally: { approve: ['U0APPROVER1'], deny: [], rollback: [], needed: 1 },
        decision: { decision: 'approve', decidedBy: ['U0APPROVER1'] },
      });
    });

    it('needs two distinct approvers on critical', () => {
      // Prepare
      const first = evaluateVote(state(), vote('U0APPROVER1', 'approve'), ctx(POLICY.critical));
      const afterFirst = state({ votes: [vote('U0APPROVER1', 'approve')] });

      // Act
      const second = evaluateVote(afterFirst, vote('U0APPROVER2', 'approve'), ctx(POLICY.critical));

      // Assess
      expect(first.kind).toBe('recorded');
      expect(first.kind === 'recorded' && first.decision).toBeUndefined();
      expect(second).toMatchObject({
        kind: 'recorded',
        decision: { decision: 'approve', decidedBy: ['U0APPROVER1', 'U0APPROVER2'] },
      });
    });

    it('does not decide on one approve and one rollback', () => {
      // Prepare
      const afterFirst = state({ votes: [vote('U0APPROVER1', 'approve')] });

      // Act
      const outcome = evaluateVote(afterFirst, vote('U0APPROVER2', 'rollback'), ctx(POLICY.critical));

      // Assess
      expect(outcome).toEqual({
        kind: 'recorded',
        tally: { approve: ['U0APPROVER1'], deny: [], rollback: ['U0APPROVER2'], needed: 2 },
      });
    });

    it('rolls back a critical request on two distinct rollback votes', () => {
      // Prepare
      const afterFirst = state({ votes: [vote('U0APPROVER1', 'approve'), vote('U0APPROVER2', 'rollback')] });

      // Act
      const outcome = evaluateVote(afterFirst, vote('U0APPROVER3', 'rollback'), ctx(POLICY.critical));

      // Assess
      expect(outcome).toMatchObject({
        kind: 'recorded',
        decision: { decision: 'rollback', decidedBy: ['U0APPROVER2', 'U0APPROVER3'] },
      });
    });

    it('rolls back a high request on one rollback vote', () => {
      // Act
      const outcome = evaluateVote(state(), vote('U0APPROVER1', 'rollback'), ctx(POLICY.high));

      // Assess
      expect(outcome).toMatchObject({
        kind: 'recorded',
        decision: { decision: 'rollback', decidedBy: ['U0APPROVER1'] },
      });
    });

    it('lets an approver vote when the request has no requester', () => {
      // Prepare
      const { requestedBy: _r, ...anonymous } = state();

      // Act
      const outcome = evaluateVote(anonymous, vote('U0APPROVER1', 'approve'), ctx(POLICY.high));

      // Assess
      expect(outcome.kind).toBe('recorded');
    });
  });
});

describe('Function: tally', () => {
  it('counts distinct voters per choice, in vote order', () => {
    // Prepare
    const votes = [
      vote('A', 'approve'),
      vote('B', 'deny'),
      vote('A', 'approve'),
      vote('C', 'approve'),
      vote('D', 'rollback'),
    ];

    // Act
    const t = tally(votes, 2);

    // Assess
    expect(t).toEqual({ approve: ['A', 'C'], deny: ['B'], rollback: ['D'], needed: 2 });
  });
});
