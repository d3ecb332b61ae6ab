import {
  REASON_CUT_MARKER,
  REASON_MAX,
  boundReason,
  decisionReasons,
  workflowReason,
} from '../../../src/domain/reason';

describe('Function: boundReason', () => {
  it('keeps a short reason as typed, trimmed; empty means no reason', () => {
    // Act / Assess
    expect(boundReason('  Known pentest.\n')).toEqual({ text: 'Known pentest.', cut: false });
    expect(boundReason('   ')).toBeUndefined();
    expect(boundReason(undefined)).toBeUndefined();
    expect(boundReason(null)).toBeUndefined();
  });

  it('keeps exactly REASON_MAX code points uncut', () => {
    // Prepare
    const exact = '🔥'.repeat(REASON_MAX);

    // Act
    const bounded = boundReason(exact);

    // Assess
    expect(bounded).toEqual({ text: exact, cut: false });
  });

  it('cuts a longer reason to REASON_MAX code points ending with the marker, never inside a surrogate pair', () => {
    // Prepare
    const long = '🔥'.repeat(REASON_MAX + 1);

    // Act
    const bounded = boundReason(long);

    // Assess
    expect(bounded?.cut).toBe(true);
    expect(Array.from(bounded!.text)).toHaveLength(REASON_MAX);
    expect(bounded!.text.endsWith(REASON_CUT_MARKER)).toBe(true);
    expect(bounded!.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('Function: workflowReason', () => {
  const at = '2026-11-23T13:00:00Z';

  it('is the decider’s reason; reasons of voters who did not decide are left out', () => {
    // Prepare
    const record = {
      votes: [
        { userId: 'U0APPROVER1', choice: 'approve' as const, at, reason: 'Looks fine.' },
        { userId: 'U0APPROVER2', choice: 'deny' as const, at, reason: 'Red team.' },
      ],
      decidedBy: ['U0APPROVER2'],
    };

    // Act / Assess
    expect(workflowReason(record)).toBe('Red team.');
    expect(decisionReasons(record)).toEqual([{ userId: 'U0APPROVER2', reason: 'Red team.' }]);
  });

  it('names each decider when several gave one, and is undefined when none did', () => {
    // Prepare
    const votes = [
      { userId: 'U0APPROVER1', choice: 'approve' as const, at, reason: 'A.' },
      { userId: 'U0APPROVER2', choice: 'approve' as const, at, reason: 'B.' },
    ];

    // Act / Assess
    expect(workflowReason({ votes, decidedBy: ['U0APPROVER1', 'U0APPROVER2'] })).toBe(
      'U0APPROVER1: A.\nU0APPROVER2: B.',
    );
    expect(
      workflowReason({ votes: [{ userId: 'U0APPROVER1', choice: 'deny', at }], decidedBy: ['U0APPROVER1'] }),
    ).toBeUndefined();
  });
});
