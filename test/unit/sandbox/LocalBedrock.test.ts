import {
  AccessDeniedException,
  BedrockRuntimeClient,
  ConverseCommand,
  InternalServerException,
  ThrottlingException,
  ValidationException,
  type ConverseCommandInput,
} from '@aws-sdk/client-bedrock-runtime';
import { LocalBedrock, GUARDRAIL_BLOCKED_MESSAGE } from '../../../sandbox/local/LocalBedrock';
import { eventually, localClientConfig } from '../../support/localAws';

const FACTS =
  'Incident facts (trusted): {"id":"INC-0000000001","kind":"onchain","tier":"high","amountUsd":42000,"anomalyScore":0.8}';

function converse(over: Partial<ConverseCommandInput> = {}): ConverseCommand {
  return new ConverseCommand({
    modelId: 'amazon.nova-micro-v1:0',
    system: [{ text: 'Summarise.' }],
    messages: [{ role: 'user', content: [{ text: FACTS }, { guardContent: { text: { text: 'agent text' } } }] }],
    inferenceConfig: { maxTokens: 120, temperature: 0 },
    guardrailConfig: { guardrailIdentifier: 'gr-1', guardrailVersion: 'DRAFT' },
    ...over,
  });
}

/** LocalBedrock through the real SDK client (HTTP/2, REST-JSON). */
describe('Class: LocalBedrock', () => {
  // `slow` answers after ten minutes: a call that ends at all was cut short, whatever the machine's speed.
  const bedrock = new LocalBedrock({ slowMs: 600_000 });
  let client: BedrockRuntimeClient;

  beforeAll(async () => {
    await bedrock.start();
    client = new BedrockRuntimeClient(localClientConfig(bedrock.url));
  });

  afterAll(async () => {
    client.destroy();
    await bedrock.stop();
  });

  beforeEach(() => bedrock.reset());

  it('answers "summarize" with a deterministic summary of the trusted facts, in the Converse response shape', async () => {
    // Act
    const out = await client.send(converse());

    // Assess
    expect(out.output?.message).toEqual({
      role: 'assistant',
      content: [{ text: 'Model summary: a HIGH on-chain incident (INC-0000000001), $42,000 at anomaly score 0.8.' }],
    });
    expect(out.stopReason).toBe('end_turn');
    expect(out.usage!.totalTokens).toBe(out.usage!.inputTokens! + out.usage!.outputTokens!);
    expect(typeof out.metrics?.latencyMs).toBe('number');
    expect(bedrock.requests()).toMatchObject([
      { modelId: 'amazon.nova-micro-v1:0', path: '/model/amazon.nova-micro-v1%3A0/converse', outcome: 200 },
    ]);
  });

  it.each([
    [
      '{"id":"INC-0000000002","kind":"finding","tier":"critical","source":"guardduty","count":3,"sample":false}',
      'Model summary: a CRITICAL GuardDuty finding (INC-0000000002), seen 3 times.',
    ],
    [
      '{"id":"INC-0000000003","kind":"finding","tier":"high","source":"securityhub-asff","count":1,"sample":true}',
      'Model summary: a HIGH Security Hub finding (INC-0000000003), seen 1 time, a sample finding.',
    ],
    [
      '{"id":"INC-0000000004","kind":"waf","tier":"medium","severity":3}',
      'Model summary: a MEDIUM WAF incident (INC-0000000004), severity 3.',
    ],
    [
      '{"id":"INC-0000000005","kind":"request","tier":"high"}',
      'Model summary: a HIGH approval request (INC-0000000005).',
    ],
  ])('summarises each source from its own facts (%s)', async (facts, summary) => {
    const out = await client.send(
      converse({
        messages: [{ role: 'user', content: [{ text: `Incident facts (trusted): ${facts}` }] }],
      }),
    );
    expect(out.output?.message?.content).toEqual([{ text: summary }]);
  });

  it('answers "guardrail" with guardrail_intervened and the blocked message, only when the request names a guardrail', async () => {
    // Prepare
    bedrock.mode = 'guardrail';

    // Act
    const guarded = await client.send(converse());
    const unguarded = await client.send(converse({ guardrailConfig: undefined }));

    // Assess
    expect(guarded.stopReason).toBe('guardrail_intervened');
    expect(guarded.output?.message?.content).toEqual([{ text: GUARDRAIL_BLOCKED_MESSAGE }]);
    expect(unguarded.stopReason).toBe('end_turn');
  });

  it.each([
    ['mode "error"', () => (bedrock.mode = 'error'), InternalServerException, 500],
    [
      'a ThrottlingException fault',
      () => bedrock.faults.set('Converse', { error: 'ThrottlingException', times: 1 }),
      ThrottlingException,
      429,
    ],
    [
      'an AccessDeniedException fault',
      () => bedrock.faults.set('Converse', { error: 'AccessDeniedException', times: 1 }),
      AccessDeniedException,
      403,
    ],
  ])('answers %s as the SDK exception class with its status', async (_name, arrange, type, status) => {
    // Prepare
    arrange();

    // Act
    const error = await client.send(converse()).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(type);
    expect((error as InternalServerException).$metadata.httpStatusCode).toBe(status);
    expect(bedrock.requests()[0]!.outcome).toBe(status);
  });

  it('refuses malformed requests with ValidationException', async () => {
    // Act
    const empty = await client.send(converse({ messages: [] })).catch((e: unknown) => e);
    const assistantFirst = await client
      .send(converse({ messages: [{ role: 'assistant', content: [{ text: 'hi' }] }] }))
      .catch((e: unknown) => e);
    const badTokens = await client.send(converse({ inferenceConfig: { maxTokens: 0 } })).catch((e: unknown) => e);

    // Assess
    for (const e of [empty, assistantFirst, badTokens]) expect(e).toBeInstanceOf(ValidationException);
    expect((assistantFirst as Error).message).toMatch(/must start with a user message/);
  });

  it('"slow" holds the answer, and records a call the client aborts as abandoned', async () => {
    // Prepare
    bedrock.mode = 'slow';
    const abort = new AbortController();

    // Act: the client gives up once the call is being held.
    const call = client.send(converse(), { abortSignal: abort.signal }).catch((e: unknown) => e);
    await eventually(() => (bedrock.requests().length > 0 ? true : undefined), 20_000);
    abort.abort();
    const error = await call;

    // Assess
    expect((error as Error).name).toBe('AbortError');
    expect(await eventually(() => bedrock.requests()[0]!.outcome, 20_000)).toBe('abandoned');
  });

  it('speaks HTTP/1.1 on the same port, and answers unknown operations with UnknownOperationException', async () => {
    // Act
    const ok = await fetch(`${bedrock.url}/model/m%3A1/converse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'Facts: wallet drained' }] }] }),
    });
    const unknown = await fetch(`${bedrock.url}/model/m/invoke`, { method: 'POST', body: '{}' });

    // Assess
    expect(ok.status).toBe(200);
    expect(
      ((await ok.json()) as { output: { message: { content: Array<{ text: string }> } } }).output.message.content[0]!
        .text,
    ).toBe('Model summary: wallet drained.');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('x-amzn-errortype')).toMatch(/^UnknownOperationException:/);
    expect(await unknown.json()).toEqual({ message: expect.stringContaining('invoke') });
    expect(bedrock.requests().map((r) => r.modelId)).toEqual(['m:1']);
  });
});
