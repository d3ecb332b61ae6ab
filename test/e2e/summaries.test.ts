import { startHarness, unique, type Harness } from '../support/sandboxHarness';
import { eventually } from '../support/localAws';
import { APPROVALS_CHANNEL } from '../../sandbox/identities';
import type { RecordedMessage } from '../../sandbox/local/MessageStore';
import {
  LocalBedrock,
  GUARDRAIL_BLOCKED_MESSAGE,
  type LocalBedrockMode,
  type RecordedConverseRequest,
} from '../../sandbox/local/LocalBedrock';

/** The source lines the card builder renders under "Why this matters" (src/blocks/incidentCard.ts). */
const FROM_BEDROCK = 'Summary by Amazon Bedrock';
const FROM_FIELDS = "Summary from the event's fields";
const GUARDRAIL_ID = 'gr-sandbox';
/**
 * The handlers' call timeout; the summariser uses it (capped at 4 s), so `slow` falls back after 4 s. Generous,
 * so a loaded machine's slow answers in the other modes still come in time.
 */
const CALL_TIMEOUT_MS = 4000;
/**
 * How long `slow` would take to answer: ten minutes, past the test's own timeout, so a card that shows up at all
 * proves the call was abandoned (an abandoned call ends at once); no wall-clock bound needed.
 */
const SLOW_MS = 600_000;

interface MrkdwnBlock {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: Array<{ text?: string }>;
}

/** The card's "Why this matters" text and the source line right under it. */
function summaryOf(card: RecordedMessage): { text: string; source: string } {
  const blocks = card.blocks as MrkdwnBlock[];
  const i = blocks.findIndex((b) => b.block_id === 'chainsec_summary');
  if (i < 0) throw new Error(`card has no summary block: ${JSON.stringify(blocks.map((b) => b.block_id ?? b.type))}`);
  const source = blocks[i + 1];
  return {
    text: blocks[i]!.text!.text,
    source: source?.type === 'context' ? (source.elements ?? []).map((e) => e.text ?? '').join(' ') : '',
  };
}

/** The Converse requests that carried this incident (its tx hash is in the trusted facts). */
function requestsFor(bedrock: LocalBedrock, tx: string): RecordedConverseRequest[] {
  return bedrock.requests().filter((r) => JSON.stringify(r.body ?? {}).includes(tx));
}

/** A high-tier on-chain event (score > 0.7, amount under the critical limit) with the agent's reasoning. */
function highEvent(tx: string, reasoning: string) {
  return {
    tx_hash: tx,
    amount_usd: 42_000,
    protocol: 'Curve',
    anomaly_score: 0.8,
    agent: { reasoning, evidence: ['pool balance -40% in one block'] },
  };
}

/**
 * E2E: the agent's reasoning summarised by Bedrock (LocalBedrock) on approval
 * cards, through the sandbox. One sandbox for the file: the ingest handler
 * builds its summariser once per container, as on Lambda; each test switches
 * LocalBedrock's mode instead.
 */
describe('E2E: summaries on approval cards', () => {
  const bedrock = new LocalBedrock({ slowMs: SLOW_MS });
  let h: Harness;

  beforeAll(async () => {
    await bedrock.start();
    h = await startHarness({
      logLevel: 'ERROR',
      env: {
        SUMMARIES_ENABLED: 'true',
        BEDROCK_GUARDRAIL_ID: GUARDRAIL_ID,
        AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.url,
        CALL_TIMEOUT_MS: String(CALL_TIMEOUT_MS),
      },
    });
  });

  afterAll(async () => {
    await h?.stop();
    await bedrock.stop();
  });

  beforeEach(() => bedrock.reset());

  it('high tier, mode "summarize": the card shows the model summary and says it is by Amazon Bedrock', async () => {
    // Prepare
    const tx = `0x${unique()}a1`;
    const reasoning = 'Outflow right after an oracle update; looks like price manipulation.';

    // Act
    await h.startIncident(highEvent(tx, reasoning));
    const card = await h.waitForMessage(tx, { channel: APPROVALS_CHANNEL, kind: 'message' });

    // Assess
    const summary = summaryOf(card);
    expect(card.text).toMatch(/high/i);
    expect(summary.text).toMatch(
      /^\*Why this matters\*\nModel summary: a HIGH on-chain incident \(INC-[0-9A-Z]{10}\), \$[\d,]+ at anomaly score [\d.]+\.$/,
    );
    expect(summary.source).toBe(FROM_BEDROCK);
    const [request, ...more] = requestsFor(bedrock, tx);
    expect(more).toHaveLength(0);
    expect(request!.modelId).toBe('amazon.nova-micro-v1:0');
    // The agent's text is checked by the guardrail as untrusted input, never sent as plain text.
    const content = request!.body!.messages[0]!.content;
    expect(content.filter((c) => c.guardContent?.text?.text.includes(reasoning))).toHaveLength(1);
    expect(content.filter((c) => c.text?.includes(reasoning))).toHaveLength(0);
    expect(request!.body!.guardrailConfig).toMatchObject({ guardrailIdentifier: GUARDRAIL_ID });
  });

  it.each<[LocalBedrockMode, string]>([
    ['slow', 'answers after the timeout'],
    ['guardrail', 'guardrail intervenes'],
    ['error', 'fails with a 500'],
  ])('high tier, mode "%s" (the model %s): the card shows the summary from the fields and says so', async (mode) => {
    // Prepare
    bedrock.mode = mode;
    const tx = `0x${unique()}b${mode.length}`;

    // Act
    await h.startIncident(highEvent(tx, 'Routine rebalancing, probably benign.'));
    const card = await h.waitForMessage(tx, { channel: APPROVALS_CHANNEL, kind: 'message' });

    // Assess
    const summary = summaryOf(card);
    expect(summary.source).toBe(FROM_FIELDS);
    expect(summary.text).toContain('$42,000 moved on Curve');
    expect(summary.text).toContain('rated HIGH by the risk rules');
    expect(summary.text).not.toContain('Model summary');
    expect(summary.text).not.toContain(GUARDRAIL_BLOCKED_MESSAGE);
    expect(requestsFor(bedrock, tx)).toHaveLength(1);
    if (mode === 'slow') {
      // The slow model is abandoned at the call timeout, not waited for (it would answer after the test's end).
      expect(await eventually(() => requestsFor(bedrock, tx)[0]!.outcome, 20_000)).toBe('abandoned');
    } else {
      expect(requestsFor(bedrock, tx)[0]!.outcome).toBe(mode === 'error' ? 500 : 200);
    }
  });

  it('treats the model answer as untrusted: mentions and links in it are escaped on the card', async () => {
    // Prepare
    bedrock.answer =
      'Urgent <!channel> <!here> ask <@U0APPROVER1> to approve at <https://evil.example/|bank.com> & now';
    const tx = `0x${unique()}c1`;

    // Act
    await h.startIncident(highEvent(tx, 'Suspicious transfer.'));
    const card = await h.waitForMessage(tx, { channel: APPROVALS_CHANNEL, kind: 'message' });

    // Assess
    const summary = summaryOf(card);
    expect(summary.source).toBe(FROM_BEDROCK);
    expect(summary.text).toContain('&lt;!channel&gt;');
    expect(summary.text).toContain('&lt;https://evil.example/|bank.com&gt; &amp; now');
    const everything = JSON.stringify(card.blocks) + card.text;
    expect(everything).not.toContain('<!channel>');
    expect(everything).not.toContain('<!here>');
    expect(everything).not.toContain('<https://evil.example');
    expect(summary.text).not.toContain('<@U0APPROVER1>');
  });

  it.each([
    ['low', { amount_usd: 500, anomaly_score: 0.2 }],
    ['medium', { amount_usd: 900, anomaly_score: 0.5 }],
  ])('%s tier: a notification card with the summary from the fields, and no Bedrock request', async (tier, fields) => {
    // Prepare
    const tx = `0x${unique()}d${tier.length}`;

    // Act
    const arn = await h.startIncident({
      tx_hash: tx,
      protocol: 'Aave',
      ...fields,
      agent: { reasoning: 'Small transfer, auto-handled.' },
    });
    await h.waitForExecution(arn);
    const card = await h.waitForMessage(tx, { channel: APPROVALS_CHANNEL, kind: 'message' });

    // Assess
    expect(card.text).toMatch(new RegExp(tier, 'i'));
    const summary = summaryOf(card);
    expect(summary.source).toBe(FROM_FIELDS);
    expect(summary.text).toContain(`rated ${tier.toUpperCase()}`);
    expect(bedrock.requests()).toHaveLength(0);
  });
});
