import fc from 'fast-check';
import {
  IncidentSchema,
  OnChainEventSchema,
  RawIncidentEventSchema,
  WafEventSchema,
} from '../../../src/domain/incidentSchemas';
import {
  incidentIdFor,
  naturalKey,
  normalizeIncident,
  patternKey,
  requestIncident,
  type OnChainIncident,
  type WafIncident,
  formatUsd,
} from '../../../src/domain/incident';
import { onChainEvent, wafEvent } from './fixtures';

const INCIDENT_ID = /^INC-[0-9A-Z]{10}$/;
const RECEIVED_AT = new Date('2025-03-02T00:00:00.000Z');

/** The paths zod names in its issues, as dotted strings. */
function issuePaths(result: {
  success: boolean;
  error?: { issues: ReadonlyArray<{ path: PropertyKey[] }> };
}): string[] {
  return (result.error?.issues ?? []).map((i) => i.path.map(String).join('.'));
}

describe('Schema: OnChainEventSchema', () => {
  it('accepts a valid on-chain event and keeps unknown fields', () => {
    // Prepare
    const event = { ...onChainEvent(), block: 123 };

    // Act
    const result = OnChainEventSchema.safeParse(event);

    // Assess
    expect(result.success).toBe(true);
    expect(result.data).toMatchObject({ tx_hash: '0xabc123def456', amount_usd: 25_000, block: 123 });
  });

  it.each(['tx_hash', 'amount_usd', 'protocol', 'anomaly_score'] as const)(
    'rejects an event without %s, naming it',
    (field) => {
      // Prepare
      const event: Record<string, unknown> = onChainEvent();
      delete event[field];

      // Act
      const result = OnChainEventSchema.safeParse(event);

      // Assess
      expect(result.success).toBe(false);
      expect(issuePaths(result)).toContain(field);
    },
  );

  it.each([
    ['amount_usd', '25000'],
    ['anomaly_score', '0.5'],
    ['tx_hash', 42],
  ] as const)('rejects %s of the wrong type', (field, value) => {
    // Prepare
    const event = { ...onChainEvent(), [field]: value };

    // Act
    const result = OnChainEventSchema.safeParse(event);

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ code: 'invalid_type', path: [field] });
  });

  it('rejects a negative amount', () => {
    // Prepare
    const event = onChainEvent({ amount_usd: -1 });

    // Act
    const result = OnChainEventSchema.safeParse(event);

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ code: 'too_small', path: ['amount_usd'] });
  });

  it.each([1.01, -0.01])('rejects anomaly_score %p outside 0..1', (score) => {
    // Prepare
    const event = onChainEvent({ anomaly_score: score });

    // Act
    const result = OnChainEventSchema.safeParse(event);

    // Assess
    expect(result.success).toBe(false);
    expect(issuePaths(result)).toEqual(['anomaly_score']);
  });

  it('rejects an infinite amount and a blank tx_hash', () => {
    // Prepare
    const event = onChainEvent({ amount_usd: Number.POSITIVE_INFINITY, tx_hash: '   ' });

    // Act
    const result = OnChainEventSchema.safeParse(event);

    // Assess
    expect(result.success).toBe(false);
    expect(issuePaths(result).sort()).toEqual(['amount_usd', 'tx_hash']);
  });
});

describe('Schema: WafEventSchema', () => {
  it('accepts a WAF event with and without analysis', () => {
    // Prepare
    const events = [wafEvent(4), wafEvent(null)];

    // Act
    const results = events.map((e) => WafEventSchema.safeParse(e));

    // Assess
    expect(results.map((r) => r.success)).toEqual([true, true]);
  });

  it('accepts a numeric id', () => {
    // Prepare
    const event = wafEvent(2, { id: 1234567 });

    // Act
    const result = WafEventSchema.safeParse(event);

    // Assess
    expect(result.success).toBe(true);
    expect(result.data?.id).toBe(1234567);
  });

  it.each(['id', 'timestamp', 'action', 'source_ip', 'uri', 'http_method', 'rule_name', 'country'] as const)(
    'rejects an event without %s, naming it',
    (field) => {
      // Prepare
      const event: Record<string, unknown> = wafEvent(3);
      delete event[field];

      // Act
      const result = WafEventSchema.safeParse(event);

      // Assess
      expect(result.success).toBe(false);
      expect(issuePaths(result)).toContain(field);
    },
  );

  it.each([6, -1, 2.5, '3'])('rejects severity_rating %p', (severity) => {
    // Prepare
    const event = { ...wafEvent(null), analysis: { severity_rating: severity } };

    // Act
    const result = WafEventSchema.safeParse(event);

    // Assess
    expect(result.success).toBe(false);
    expect(issuePaths(result)).toEqual(['analysis.severity_rating']);
  });

  it('rejects a negative or fractional numeric id', () => {
    // Prepare
    const events = [wafEvent(1, { id: -5 }), wafEvent(1, { id: 1.5 })];

    // Act
    const results = events.map((e) => WafEventSchema.safeParse(e));

    // Assess
    expect(results.map((r) => r.success)).toEqual([false, false]);
  });
});

describe('Schema: RawIncidentEventSchema', () => {
  it('accepts either shape', () => {
    // Act
    const results = [onChainEvent(), wafEvent(5)].map((e) => RawIncidentEventSchema.safeParse(e).success);

    // Assess
    expect(results).toEqual([true, true]);
  });

  it('rejects an unknown shape', () => {
    // Act
    const result = RawIncidentEventSchema.safeParse({ hello: 'world' });

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues.length).toBeGreaterThan(0);
  });
});

describe('Function: incidentIdFor', () => {
  it('gives the same id to the same event, in the INC-XXXXXXXXXX format', () => {
    // Prepare
    const a = onChainEvent();
    const b = onChainEvent({ amount_usd: 1, anomaly_score: 0.99 }); // same tx on the same chain, delivered again

    // Act
    const ids = [incidentIdFor(a), incidentIdFor(a), incidentIdFor(b)];

    // Assess
    expect(ids[0]).toMatch(INCIDENT_ID);
    expect(new Set(ids).size).toBe(1);
  });

  it('ignores the case of the tx hash and chain', () => {
    // Act
    const lower = incidentIdFor(onChainEvent({ tx_hash: '0xabc', chain: 'ethereum' }));
    const upper = incidentIdFor(onChainEvent({ tx_hash: '0xABC', chain: 'Ethereum' }));

    // Assess
    expect(upper).toBe(lower);
  });

  it('gives different events different ids', () => {
    // Prepare
    const events = [
      onChainEvent({ tx_hash: '0x1' }),
      onChainEvent({ tx_hash: '0x2' }),
      onChainEvent({ tx_hash: '0x1', chain: 'polygon' }),
      wafEvent(3, { id: 'a' }),
      wafEvent(3, { id: 'b' }),
      wafEvent(3, { id: 7 }),
    ];

    // Act
    const ids = events.map(incidentIdFor);

    // Assess
    for (const id of ids) expect(id).toMatch(INCIDENT_ID);
    expect(new Set(ids).size).toBe(events.length);
  });

  it('gives a numeric WAF id and its string form the same id', () => {
    // Act
    const numeric = incidentIdFor(wafEvent(3, { id: 7 }));
    const text = incidentIdFor(wafEvent(3, { id: '7' }));

    // Assess
    expect(numeric).toBe(text);
    expect(naturalKey(wafEvent(3, { id: 7 }))).toBe('waf:7');
  });

  it('reads a missing chain as "any"', () => {
    // Prepare
    const event = onChainEvent({ tx_hash: '0xAA' });
    delete event.chain;

    // Act
    const key = naturalKey(event);

    // Assess
    expect(key).toBe('onchain:any:0xaa');
  });
});

describe('Function: normalizeIncident', () => {
  it('keeps every on-chain field', () => {
    // Prepare
    const event = onChainEvent({ amount_usd: 250_000 });

    // Act
    const incident = normalizeIncident(event, 'critical', RECEIVED_AT) as OnChainIncident;

    // Assess
    expect(incident).toEqual({
      id: incidentIdFor(event),
      kind: 'onchain',
      tier: 'critical',
      observedAt: '2025-03-01T12:00:00.000Z',
      title: '$250,000 transaction on Uniswap',
      onchain: {
        txHash: '0xabc123def456',
        amountUsd: 250_000,
        protocol: 'Uniswap',
        anomalyScore: 0.5,
        chain: 'ethereum',
        from: '0xfrom',
        to: '0xto',
      },
    });
    expect(IncidentSchema.safeParse(incident).success).toBe(true);
  });

  it('leaves absent optional on-chain fields out', () => {
    // Prepare
    const { chain: _c, from: _f, to: _t, ...event } = onChainEvent();

    // Act
    const incident = normalizeIncident(event, 'low', RECEIVED_AT) as OnChainIncident;

    // Assess
    expect(Object.keys(incident.onchain).sort()).toEqual(['amountUsd', 'anomalyScore', 'protocol', 'txHash']);
  });

  it('keeps every WAF field, with the numeric id as a string', () => {
    // Prepare
    const event = wafEvent(4, { id: 98765 });

    // Act
    const incident = normalizeIncident(event, 'high', RECEIVED_AT) as WafIncident;

    // Assess
    expect(incident).toEqual({
      id: incidentIdFor(event),
      kind: 'waf',
      tier: 'high',
      observedAt: '2025-03-01T12:00:00.000Z',
      title: 'WAF BLOCK SQLi_BODY from 203.0.113.7',
      waf: {
        eventId: '98765',
        action: 'BLOCK',
        sourceIp: '203.0.113.7',
        uri: '/api/login',
        httpMethod: 'POST',
        ruleName: 'SQLi_BODY',
        country: 'NL',
        severity: 4,
        analysis: 'Looks like SQL injection.',
        followUp: 'Block the IP.',
      },
    });
    expect(IncidentSchema.safeParse(incident).success).toBe(true);
  });

  it('keeps severity 0 and omits the analysis fields when there is no analysis', () => {
    // Act
    const rated = normalizeIncident(wafEvent(0), 'low', RECEIVED_AT) as WafIncident;
    const unrated = normalizeIncident(wafEvent(null), 'medium', RECEIVED_AT) as WafIncident;

    // Assess
    expect(rated.waf.severity).toBe(0);
    expect('severity' in unrated.waf).toBe(false);
    expect('analysis' in unrated.waf).toBe(false);
  });

  it('falls back to the receive time when the timestamp is missing or unusable', () => {
    // Prepare
    const noTimestamp = onChainEvent();
    delete noTimestamp.timestamp;

    // Act
    const a = normalizeIncident(noTimestamp, 'low', RECEIVED_AT);
    const b = normalizeIncident(wafEvent(1, { timestamp: 'yesterday-ish' }), 'low', RECEIVED_AT);

    // Assess
    expect(a.observedAt).toBe(RECEIVED_AT.toISOString());
    expect(b.observedAt).toBe(RECEIVED_AT.toISOString());
  });
});

describe('Function: patternKey', () => {
  it('groups WAF events by source IP and URI, on-chain by address and protocol', () => {
    // Act
    const waf = patternKey(normalizeIncident(wafEvent(3), 'medium', RECEIVED_AT));
    const onchain = patternKey(normalizeIncident(onChainEvent(), 'medium', RECEIVED_AT));

    // Assess
    expect(waf).toBe('waf:203.0.113.7|/api/login');
    expect(onchain).toBe('onchain:0xfrom|Uniswap');
  });
});

describe('Schema: IncidentSchema', () => {
  it('rejects an id that is not INC-XXXXXXXXXX', () => {
    // Prepare
    const incident = { ...normalizeIncident(onChainEvent(), 'high', RECEIVED_AT), id: 'INC-short' };

    // Act
    const result = IncidentSchema.safeParse(incident);

    // Assess
    expect(result.success).toBe(false);
    expect(issuePaths(result)).toEqual(['id']);
  });
});

describe('Function: formatUsd', () => {
  const intl = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });

  it('formats exactly as en-US currency with whole dollars, huge and tiny amounts included', () => {
    // Prepare
    const edges = [0, 0.5, 1.5, 2.5, 999.5, 1000, 25_000, 250_000, 123_456_789.49, 1e15, 1e21, 1e25, 2 ** 53 + 2];

    // Act
    const mismatches = edges.filter((x) => formatUsd(x) !== intl.format(x));

    // Assess
    expect(mismatches).toEqual([]);
    fc.assert(fc.property(fc.double({ min: 0, max: 1e30, noNaN: true }), (x) => formatUsd(x) === intl.format(x)));
  });
});

describe('Function: requestIncident', () => {
  const request = {
    taskToken: 'AQCEAAAAKgAAAAMAAAAA-secret-token',
    tier: 'critical' as const,
    title: 'Deactivate the CI key',
    proposedAction: { type: 'deactivate_access_key', target: 'AKIA1' },
    context: { Account: '123456789012', Region: 'eu-west-1' },
  };

  it('derives an "agent action" incident: id from the hashed task token, title and tier from the request, context as fields in order', () => {
    // Act
    const incident = requestIncident(request, new Date('2026-12-01T23:00:00Z'));

    // Assess
    expect(incident).toEqual({
      id: expect.stringMatching(/^INC-[0-9A-Z]{10}$/),
      kind: 'request',
      tier: 'critical',
      observedAt: '2026-12-01T23:00:00.000Z',
      title: 'Deactivate the CI key',
      request: {
        actionType: 'deactivate_access_key',
        target: 'AKIA1',
        fields: [
          { label: 'Account', value: '123456789012' },
          { label: 'Region', value: 'eu-west-1' },
        ],
      },
    });
    expect(JSON.stringify(incident)).not.toContain('secret-token');
    expect(patternKey(incident)).toBeUndefined();
  });

  it('gives the same request (same task token) the same id, and another wait another id', () => {
    // Act
    const a = requestIncident(request, new Date()).id;
    const b = requestIncident({ ...request, title: 'other' }, new Date(0)).id;
    const c = requestIncident({ ...request, taskToken: `${request.taskToken}2` }, new Date()).id;

    // Assess
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });
});
