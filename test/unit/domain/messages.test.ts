import { normalizeIncident } from '../../../src/domain/incident';
import { ApprovalRequestSchema, evidenceAsText, NotificationSchema } from '../../../src/domain/messages';
import { onChainEvent, wafEvent } from './fixtures';

function approvalRequest(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'approval_request',
    taskToken: 'AQCEAAAAKgAAAAMAAAAA-token',
    incident: onChainEvent({ anomaly_score: 0.95 }),
    tier: 'critical',
    proposedAction: { type: 'blocklist_address', target: '0xfrom', reversible: false },
    ...over,
  };
}

describe('Schema: ApprovalRequestSchema', () => {
  it('accepts a raw incident and fills the defaults', () => {
    // Prepare
    const message = approvalRequest();

    // Act
    const result = ApprovalRequestSchema.safeParse(message);

    // Assess
    expect(result.success).toBe(true);
    expect(result.data).toMatchObject({ reasoning: '', evidence: [], dryRun: false });
  });

  it('accepts a normalised incident', () => {
    // Prepare
    const incident = normalizeIncident(wafEvent(4), 'high', new Date('2025-03-01T00:00:00Z'));
    const message = approvalRequest({ incident, tier: 'high' });

    // Act
    const result = ApprovalRequestSchema.safeParse(message);

    // Assess
    expect(result.success).toBe(true);
    expect(result.data?.incident).toEqual(incident);
  });

  it('keeps reasoning, evidence, containment, requestedBy and dryRun when given', () => {
    // Prepare
    const message = approvalRequest({
      reasoning: 'Drainer pattern.',
      evidence: ['tx graph', { score: 0.95 }],
      containment: {
        type: 'pause_protocol_interactions',
        target: 'Uniswap',
        reversible: true,
        at: '2025-03-01T12:00:01Z',
      },
      requestedBy: 'U0AGENT',
      dryRun: true,
    });

    // Act
    const result = ApprovalRequestSchema.parse(message);

    // Assess
    expect(result.reasoning).toBe('Drainer pattern.');
    expect(result.evidence).toEqual(['tx graph', { score: 0.95 }]);
    expect(result.containment?.reversible).toBe(true);
    expect(result.requestedBy).toBe('U0AGENT');
    expect(result.dryRun).toBe(true);
  });

  it.each(['medium', 'low', 'urgent'])('rejects tier %s (only high and critical need people)', (tier) => {
    // Act
    const result = ApprovalRequestSchema.safeParse(approvalRequest({ tier }));

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['tier']);
  });

  it.each(['taskToken', 'proposedAction'])('rejects a request without %s', (field) => {
    // Prepare
    const message = approvalRequest();
    delete message[field];

    // Act
    const result = ApprovalRequestSchema.safeParse(message);

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(field);
  });

  it('rejects a proposed action without reversible, or with a blank target', () => {
    // Act
    const a = ApprovalRequestSchema.safeParse(approvalRequest({ proposedAction: { type: 'x', target: 'y' } }));
    const b = ApprovalRequestSchema.safeParse(
      approvalRequest({ proposedAction: { type: 'x', target: '  ', reversible: true } }),
    );

    // Assess
    expect(a.error?.issues.map((i) => i.path.join('.'))).toEqual(['proposedAction.reversible']);
    expect(b.error?.issues.map((i) => i.path.join('.'))).toEqual(['proposedAction.target']);
  });

  it('rejects an incident of unknown shape', () => {
    // Act
    const result = ApprovalRequestSchema.safeParse(approvalRequest({ incident: { foo: 1 } }));

    // Assess
    expect(result.success).toBe(false);
  });
});

describe('Schema: NotificationSchema', () => {
  it('accepts a raw incident with no tier and defaults dryRun', () => {
    // Act
    const result = NotificationSchema.safeParse({ kind: 'notification', incident: wafEvent(1) });

    // Assess
    expect(result.success).toBe(true);
    expect(result.data?.dryRun).toBe(false);
    expect(result.data?.tier).toBeUndefined();
  });

  it('accepts every tier and an action taken', () => {
    // Prepare
    const base = { kind: 'notification', incident: onChainEvent() };
    const actionTaken = { type: 'flag_transaction', target: '0xabc', reversible: true, status: 'executed' };

    // Act
    const results = ['low', 'medium', 'high', 'critical'].map(
      (tier) => NotificationSchema.safeParse({ ...base, tier, actionTaken }).success,
    );

    // Assess
    expect(results).toEqual([true, true, true, true]);
  });

  it('rejects an unknown action status and the wrong kind', () => {
    // Prepare
    const actionTaken = { type: 'x', target: 'y', reversible: true, status: 'maybe' };

    // Act
    const badStatus = NotificationSchema.safeParse({ kind: 'notification', incident: onChainEvent(), actionTaken });
    const badKind = NotificationSchema.safeParse({ kind: 'approval_request', incident: onChainEvent() });

    // Assess
    expect(badStatus.error?.issues.map((i) => i.path.join('.'))).toEqual(['actionTaken.status']);
    expect(badKind.error?.issues.map((i) => i.path.join('.'))).toEqual(['kind']);
  });
});

describe('Function: evidenceAsText', () => {
  it('renders objects as compact JSON and keeps strings', () => {
    // Act
    const text = evidenceAsText(['a', { b: 1 }]);

    // Assess
    expect(text).toEqual(['a', '{"b":1}']);
    expect(evidenceAsText(undefined)).toEqual([]);
  });
});

describe('ApprovalRequestSchema: requests from any workflow, without an incident (docs/INTERFACES.md#approval-requests-from-any-workflow)', () => {
  const untitled = (over: Record<string, unknown> = {}): Record<string, unknown> => {
    const { incident: _none, ...rest } = approvalRequest({ tier: 'high', ...over });
    return rest;
  };

  it('accepts a title, parameters and context in place of an incident', () => {
    // Act
    const r = ApprovalRequestSchema.safeParse(
      untitled({
        title: '  Deactivate the CI key  ',
        proposedAction: { type: 'deactivate', target: 'AKIA1', parameters: { userName: 'ci' }, reversible: true },
        context: { Account: '123456789012' },
      }),
    );

    // Assess
    expect(r.success).toBe(true);
    expect(r.data).toMatchObject({ title: 'Deactivate the CI key', context: { Account: '123456789012' } });
    expect(r.data?.incident).toBeUndefined();
  });

  it('refuses a request with neither an incident nor a title, naming title', () => {
    // Act
    const r = ApprovalRequestSchema.safeParse(untitled());

    // Assess
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['title', 'required when the request has no incident'],
    ]);
  });

  it.each([
    ['a title over 150 characters', { title: 'x'.repeat(151) }, 'title'],
    ['an empty title', { title: '   ' }, 'title'],
    [
      'more than 20 context entries',
      { title: 't', context: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) },
      'context',
    ],
    [
      'a context label over 50 characters',
      { title: 't', context: { ['l'.repeat(51)]: 'v' } },
      `context.${'l'.repeat(51)}`,
    ],
    ['a context value over 500 characters', { title: 't', context: { label: 'v'.repeat(501) } }, 'context.label'],
    ['a context value that is not a string', { title: 't', context: { label: 3 } }, 'context.label'],
  ])('refuses %s, naming the field', (_name, over, path) => {
    // Act
    const r = ApprovalRequestSchema.safeParse(untitled(over));

    // Assess
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('accepts exactly 20 context entries at their bounds', () => {
    // Prepare
    const context = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`${i}`.padEnd(50, 'l'), 'v'.repeat(500)]));

    // Act / Assess
    expect(ApprovalRequestSchema.safeParse(untitled({ title: 'x'.repeat(150), context })).success).toBe(true);
  });
});
