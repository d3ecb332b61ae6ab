import { classifyEvent } from '../../../src/app/classifyEvent';
import { silentTelemetry, type Telemetry } from '../../../src/app/telemetry';
import { parseConfig } from '../../../src/config';
import { fixedClock } from '../../../src/domain/clock';
import { PAYLOAD_LIMIT_BYTES, fullTextDocument, type LongText } from '../../../src/domain/payloadBounds';
import type { FullTextStore } from '../../../src/services/FullTextStore';
import type { RejectedPayloads } from '../../../src/services/RejectedPayloads';

/** An in-memory FullTextStore; `failing` makes every put throw. */
function memoryFullText(failing = false): FullTextStore & { docs: Map<string, LongText> } {
  const docs = new Map<string, LongText>();
  return {
    docs,
    async put(_id, full) {
      if (failing) throw new Error('DynamoDB is down');
      const { sha256, bytes } = fullTextDocument(full);
      docs.set(sha256, structuredClone(full));
      return { sha256, bytes };
    },
    async get(sha256) {
      return docs.get(sha256);
    },
  };
}

const config = parseConfig({
  INCIDENTS_TABLE: 'incidents',
  LEDGER_TABLE: 'ledger',
  SIGNING_KEY_ID: 'alias/chainsec',
  APPROVALS_CHANNEL: 'C0APPROVALS',
  APPROVER_USER_IDS: 'U0APPROVER1,U0APPROVER2',
  SLACK_SIGNING_SECRET: 'secret',
  SLACK_BOT_TOKEN: 'xoxb-test',
});

function deps(fullText: FullTextStore, telemetry: Telemetry = silentTelemetry) {
  const rejected: RejectedPayloads = { keep: async () => 'kept', list: async () => [] };
  return { config, clock: fixedClock('2026-11-23T12:00:00Z'), rejected, fullText, telemetry };
}

/** Every field at its schema maximum, in the characters that cost most in JSON (`\u0001`: 6 bytes each). */
function worstCaseWafEvent() {
  const w = (n: number) => '\u0001'.repeat(n);
  return {
    id: w(200),
    timestamp: '2026-11-23T12:00:00Z',
    action: w(50),
    source_ip: w(100),
    uri: w(8192),
    http_method: w(20),
    rule_name: w(500),
    country: w(100),
    analysis: {
      severity_rating: 5,
      security_analysis: '€'.repeat(200_000),
      follow_up_suggestion: '😀'.repeat(100_000),
    },
    agent: {
      reasoning: '€'.repeat(200_000),
      // 2,000 per item (not the schema's 50,000) keeps the test quick: the preview caps each item at 1,000 bytes anyway.
      evidence: Array.from({ length: 200 }, () => w(2_000)),
      proposed_action: { type: w(100), target: w(1000), reversible: false },
      requested_by: w(200),
    },
  };
}

/** The approval request the critical state publishes, as the ASL builds it (the biggest message). */
function approvalRequest(state: Record<string, unknown>): string {
  return JSON.stringify({
    kind: 'approval_request',
    taskToken: `AQ${'t'.repeat(2046)}`,
    executionArn: `arn:aws:states:eu-west-1:123456789012:execution:chainsec-incident-response:${'n'.repeat(80)}`,
    ...state,
    containment: {
      operation: 'contain',
      dryRun: false,
      at: '2026-11-23T12:00:00Z',
      type: 'block_ip',
      target: state.incident,
      reversible: true,
      status: 'executed',
    },
  });
}

describe('Function: classifyEvent', () => {
  it('the 140,000-character severity-5 WAF event: a bounded state, the full text stored and named', async () => {
    // Prepare
    const store = memoryFullText();
    const analysis = 'A'.repeat(140_000);
    const event = {
      id: 1,
      timestamp: '2026-11-23T12:00:00Z',
      action: 'BLOCK',
      source_ip: '198.51.100.7',
      uri: '/login',
      http_method: 'POST',
      rule_name: 'CredentialStuffing',
      country: 'NL',
      analysis: { severity_rating: 5, security_analysis: analysis },
    };

    // Act
    const state = await classifyEvent(deps(store), { event });

    // Assess
    expect(state.tier).toBe('critical');
    expect(Buffer.byteLength(JSON.stringify(state))).toBeLessThan(32 * 1024);
    expect(state.fullText).toMatchObject({ kept: true, shortened: ['reasoning', 'analysis'], evidenceItems: 4 });
    expect(store.docs.get(state.fullText!.sha256)).toMatchObject({ reasoning: analysis, analysis });
    expect(state.incident.kind === 'waf' && state.incident.waf.analysis!.length).toBeLessThan(4_100);
  });

  it('a small event is passed on whole, with no reference and nothing stored', async () => {
    // Prepare
    const store = memoryFullText();
    const event = { tx_hash: '0xabc', amount_usd: 250_000, protocol: 'Uniswap', anomaly_score: 0.95 };

    // Act
    const state = await classifyEvent(deps(store), { event });

    // Assess
    expect(state.fullText).toBeNull();
    expect(store.docs.size).toBe(0);
    expect(state.reasoning).toContain('Uniswap');
  });

  it('every field at its maximum, in the costliest characters: the state and the approval request stay well under 256 KiB', async () => {
    // Prepare
    const store = memoryFullText();

    // Act
    const state = await classifyEvent(deps(store), { event: worstCaseWafEvent() });
    const stateBytes = Buffer.byteLength(JSON.stringify(state));
    const requestBytes = Buffer.byteLength(approvalRequest(state as unknown as Record<string, unknown>));

    // Assess
    expect(state.fullText).toMatchObject({ kept: true, evidenceItems: 200 });
    expect(state.fullText!.shortened.sort()).toEqual(['analysis', 'evidence', 'followUp', 'reasoning']);
    expect(stateBytes).toBeLessThan(PAYLOAD_LIMIT_BYTES / 2);
    expect(requestBytes).toBeLessThan(PAYLOAD_LIMIT_BYTES * 0.75);
  });

  it('when the full text cannot be stored, the incident still goes on with its preview (kept: false) and a metric', async () => {
    // Prepare
    const metrics: string[] = [];
    const telemetry: Telemetry = { ...silentTelemetry, metric: (name) => void metrics.push(name) };
    const event = {
      id: 2,
      timestamp: '2026-11-23T12:00:00Z',
      action: 'BLOCK',
      source_ip: '198.51.100.8',
      uri: '/',
      http_method: 'GET',
      rule_name: 'R',
      country: 'NL',
      analysis: { severity_rating: 4, security_analysis: 'B'.repeat(50_000) },
    };

    // Act
    const state = await classifyEvent(deps(memoryFullText(true), telemetry), { event });

    // Assess
    expect(state.tier).toBe('high');
    expect(state.fullText).toMatchObject({ kept: false, shortened: ['reasoning', 'analysis'] });
    expect(metrics).toContain('FullTextStoreFailures');
  });
});
