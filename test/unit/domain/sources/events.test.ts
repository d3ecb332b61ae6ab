import { incidentIdFor, naturalKey, normalizeIncident, patternKey } from '../../../../src/domain/incident';
import { IncidentSchema, RawIncidentEventSchema } from '../../../../src/domain/incidentSchemas';
import { classify, DEFAULT_RISK_THRESHOLDS } from '../../../../src/domain/risk';
import { EVENT_SOURCES, eventCardFields } from '../../../../src/domain/sources';
import { onChainSource } from '../../../../src/domain/sources/onchain';
import { wafSource } from '../../../../src/domain/sources/waf';
import { onChainEvent, wafEvent } from '../fixtures';

const RECEIVED_AT = new Date('2025-03-02T00:00:00.000Z');

describe('Sources: the agent event sources in the registry', () => {
  // Golden values computed with the implementation before the sources became modules:
  // the natural keys, hence the incident ids, must never change (they dedupe and key the tables).
  it.each([
    [
      {
        tx_hash: '0xABC123def456',
        amount_usd: 250000,
        protocol: 'Uniswap',
        anomaly_score: 0.95,
        chain: 'Ethereum',
        from: '0xFrom',
      },
      'onchain:ethereum:0xabc123def456',
      'INC-XF0F220D48',
      'onchain:0xfrom|Uniswap',
      '$250,000 transaction on Uniswap',
    ],
    [
      { tx_hash: '0xabc', amount_usd: 10, protocol: 'Aave', anomaly_score: 0.1 },
      'onchain:any:0xabc',
      'INC-ZP54J054TS',
      undefined,
      '$10 transaction on Aave',
    ],
    [
      wafEvent(null, {
        id: 'waf-0001',
        action: 'BLOCK',
        rule_name: 'SQLi',
        source_ip: '203.0.113.7',
        uri: '/api/login',
      }),
      'waf:waf-0001',
      'INC-6F1089Q3J0',
      'waf:203.0.113.7|/api/login',
      'WAF BLOCK SQLi from 203.0.113.7',
    ],
    [
      wafEvent(5, { id: 42, action: 'COUNT', rule_name: 'r', source_ip: '198.51.100.1', uri: '/' }),
      'waf:42',
      'INC-9W3W59HE10',
      'waf:198.51.100.1|/',
      'WAF COUNT r from 198.51.100.1',
    ],
  ])('keeps the natural key, incident id, pattern key and title of %j', (raw, key, id, pattern, title) => {
    // Prepare
    const event = RawIncidentEventSchema.parse(raw);

    // Act
    const incident = normalizeIncident(event, 'high', RECEIVED_AT);

    // Assess
    expect(naturalKey(event)).toBe(key);
    expect(incidentIdFor(event)).toBe(id);
    expect(incident.id).toBe(id);
    expect(patternKey(incident)).toBe(pattern);
    expect(incident.title).toBe(title);
  });

  it('lists every agent source once, each incident kind accepted by the incident schema', () => {
    // Prepare
    const incidents = [onChainEvent(), wafEvent(3)].map((e) =>
      normalizeIncident(RawIncidentEventSchema.parse(e), 'medium', RECEIVED_AT),
    );

    // Act
    const kinds = EVENT_SOURCES.map((s) => s.kind);

    // Assess
    expect(kinds).toEqual(['onchain', 'waf']);
    expect(incidents.map((i) => i.kind)).toEqual(kinds);
    for (const i of incidents) expect(IncidentSchema.safeParse(i).success).toBe(true);
  });

  it('builds each schema once, on first use, and gives the same schema after', () => {
    // Act
    const first = EVENT_SOURCES.map((s) => [s.eventSchema(), s.incidentSchema()]);
    const again = EVENT_SOURCES.map((s) => [s.eventSchema(), s.incidentSchema()]);

    // Assess
    expect(again[0]?.[0]).toBe(first[0]?.[0]);
    expect(again[1]?.[1]).toBe(first[1]?.[1]);
  });

  it("routes the tier through the event's own source rule", () => {
    // Assess
    expect(classify(RawIncidentEventSchema.parse(onChainEvent({ anomaly_score: 0.95 })))).toBe('critical');
    expect(onChainSource.tier(onChainEvent({ anomaly_score: 0.5 }), DEFAULT_RISK_THRESHOLDS)).toBe('medium');
    expect(wafSource.tier(wafEvent(null), DEFAULT_RISK_THRESHOLDS)).toBe(DEFAULT_RISK_THRESHOLDS.wafUnrated);
    expect(classify(RawIncidentEventSchema.parse(wafEvent(4)))).toBe('high');
  });

  it("lists each agent incident's card fields as data, the URI with the longer bound", () => {
    // Prepare
    const onchain = normalizeIncident(RawIncidentEventSchema.parse(onChainEvent()), 'high', RECEIVED_AT);
    const waf = normalizeIncident(RawIncidentEventSchema.parse(wafEvent(4)), 'high', RECEIVED_AT);

    // Act
    const onchainFields = eventCardFields(onchain);
    const wafFields = eventCardFields(waf);

    // Assess
    expect(onchainFields?.map((f) => f.label)).toEqual([
      'Tx hash',
      'Amount',
      'Protocol',
      'Anomaly score',
      'Chain',
      'From',
      'To',
    ]);
    expect(onchainFields?.find((f) => f.label === 'Amount')?.value).toBe('$25,000');
    expect(wafFields?.find((f) => f.label === 'URI')).toEqual({ label: 'URI', value: '/api/login', long: true });
    expect(wafFields?.find((f) => f.label === 'Severity')?.value).toBe('4/5');
    expect(eventCardFields({ kind: 'finding' })).toBeUndefined();
  });
});
