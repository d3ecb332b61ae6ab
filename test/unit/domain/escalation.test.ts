import {
  escalationDueAfterSeconds,
  nextEscalation,
  onCallAt,
  type EscalationState,
  type OnCallShift,
} from '../../../src/domain/escalation';
import { defaultApprovalPolicy } from '../../../src/domain/policy';

const POLICY = defaultApprovalPolicy({ approverUserIds: ['U0ONCALL1', 'U0ONCALL2'], approvalsChannel: 'C0APPROVALS' });
const REQUESTED_AT = '2025-03-01T12:00:00.000Z';
const MINUTE = 60_000;

/** `minutes` after the request. */
function at(minutes: number, extraMs = 0): Date {
  return new Date(Date.parse(REQUESTED_AT) + minutes * MINUTE + extraMs);
}

function pending(escalationLevel: number, over: Partial<EscalationState> = {}): EscalationState {
  return { requestedAt: REQUESTED_AT, escalationLevel, ...over };
}

describe('Function: onCallAt', () => {
  // Deliberately out of order and with a non-UTC offset: the schedule is sorted by instant.
  const shifts: OnCallShift[] = [
    { start: '2025-03-02T09:00:00Z', primary: 'U0DAY2A', secondary: 'U0DAY2B' },
    { start: '2025-03-01T10:00:00+01:00', primary: 'U0ONCALL1', secondary: 'U0ONCALL2' },
  ];

  it('gives the first shift before any shift has started', () => {
    // Act
    const onCall = onCallAt(shifts, new Date('2025-02-01T00:00:00Z'));

    // Assess
    expect(onCall).toEqual({ primary: 'U0ONCALL1', secondary: 'U0ONCALL2' });
  });

  it('hands off at the exact instant of the next shift, in UTC', () => {
    // Act
    const before = onCallAt(shifts, new Date('2025-03-02T08:59:59.999Z'));
    const handOff = onCallAt(shifts, new Date('2025-03-02T09:00:00.000Z'));

    // Assess
    expect(before.primary).toBe('U0ONCALL1');
    expect(handOff).toEqual({ primary: 'U0DAY2A', secondary: 'U0DAY2B' });
  });

  it('reads a shift start with an offset as its UTC instant', () => {
    // Act: 10:00+01:00 is 09:00Z
    const justBefore = onCallAt(
      [{ start: '2025-03-01T00:00:00Z', primary: 'P0', secondary: 'S0' }, ...shifts],
      new Date('2025-03-01T08:59:59Z'),
    );
    const atStart = onCallAt(
      [{ start: '2025-03-01T00:00:00Z', primary: 'P0', secondary: 'S0' }, ...shifts],
      new Date('2025-03-01T09:00:00Z'),
    );

    // Assess
    expect(justBefore.primary).toBe('P0');
    expect(atStart.primary).toBe('U0ONCALL1');
  });

  it('throws on an empty schedule', () => {
    // Act / Assess
    expect(() => onCallAt([], new Date())).toThrow('on-call schedule is empty');
  });
});

describe('Function: escalationDueAfterSeconds', () => {
  it('backs off as SLA, 2x, 4x, 8x for high', () => {
    // Act
    const due = [1, 2, 3, 4].map((level) => escalationDueAfterSeconds(level, POLICY.high) / 60);

    // Assess
    expect(due).toEqual([15, 30, 60, 120]);
  });

  it('pages the primary at once for critical, then 2x, 4x, 8x the SLA', () => {
    // Act
    const due = [1, 2, 3, 4].map((level) => escalationDueAfterSeconds(level, POLICY.critical) / 60);

    // Assess
    expect(due).toEqual([0, 10, 20, 40]);
  });
});

describe('Function: nextEscalation', () => {
  describe('high (15 min SLA)', () => {
    it.each([
      [0, 15, { level: 1, targets: ['primary'] }],
      [1, 30, { level: 2, targets: ['secondary'] }],
      [2, 60, { level: 3, targets: ['primary', 'secondary'] }],
      [3, 120, { level: 4, targets: ['primary', 'secondary'] }],
    ] as const)('from level %p: nothing just before %p min, then %o', (level, minutes, step) => {
      // Act
      const early = nextEscalation(pending(level), POLICY.high, at(minutes, -1));
      const due = nextEscalation(pending(level), POLICY.high, at(minutes));

      // Assess
      expect(early).toBeNull();
      expect(due).toEqual(step);
    });
  });

  describe('critical (5 min SLA, primary at once)', () => {
    it.each([
      [0, 0, { level: 1, targets: ['primary'] }],
      [1, 10, { level: 2, targets: ['secondary'] }],
      [2, 20, { level: 3, targets: ['primary', 'secondary'] }],
      [3, 40, { level: 4, targets: ['primary', 'secondary'] }],
    ] as const)('from level %p: due at %p min with %o', (level, minutes, step) => {
      // Act
      const due = nextEscalation(pending(level), POLICY.critical, at(minutes));

      // Assess
      expect(due).toEqual(step);
    });

    it('pages nobody before the request was made', () => {
      // Act
      const step = nextEscalation(pending(0), POLICY.critical, at(0, -1));

      // Assess
      expect(step).toBeNull();
    });

    it('waits for the secondary until twice the SLA', () => {
      // Act
      const step = nextEscalation(pending(1), POLICY.critical, at(10, -1));

      // Assess
      expect(step).toBeNull();
    });
  });

  it('advances one level per call, even when several are overdue', () => {
    // Act
    const step = nextEscalation(pending(0), POLICY.high, at(500));

    // Assess
    expect(step?.level).toBe(1);
  });

  it('stops once the request is acknowledged', () => {
    // Prepare
    const acknowledged = pending(1, { acknowledgedAt: '2025-03-01T12:16:00Z' });

    // Act
    const high = nextEscalation(acknowledged, POLICY.high, at(1000));
    const critical = nextEscalation(pending(0, { acknowledgedAt: REQUESTED_AT }), POLICY.critical, at(1000));

    // Assess
    expect(high).toBeNull();
    expect(critical).toBeNull();
  });
});
