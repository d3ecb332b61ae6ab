import { parseInbound, rejectedRecord, salvageTaskToken, MAX_RECORD_BYTES } from '../../../src/app/parseInbound';
import { ErrorCode } from '../../../src/errors';

const onchain = { tx_hash: '0xabc', amount_usd: 10, protocol: 'Aave', anomaly_score: 0.1 };

const request = (proposedAction: string) =>
  `{"kind":"approval_request","taskToken":"t","tier":"high","title":"Rotate","proposedAction":${proposedAction}}`;

describe('Function: parseInbound', () => {
  it.each([
    [
      'a __proto__ key in parameters',
      '{"type":"a","target":"b","reversible":true,"parameters":{"__proto__":{"scope":"ALL"}}}',
      /__proto__/,
    ],
    [
      'a constructor key in parameters',
      '{"type":"a","target":"b","reversible":true,"parameters":{"constructor":1}}',
      /constructor/,
    ],
    ['a duplicate key', '{"type":"a","type":"b","target":"b","reversible":true}', /duplicate key/],
    [
      'an integer above 2^53',
      '{"type":"a","target":"b","reversible":true,"parameters":{"n":9007199254740993}}',
      /parameters\.n: number/,
    ],
    [
      'parameters nested 30 deep',
      `{"type":"a","target":"b","reversible":true,"parameters":${'{"a":'.repeat(30)}1${'}'.repeat(30)}}`,
      /nested deeper/,
    ],
  ])('refuses an approval request with %s as invalid input, naming it', (_what, action, reason) => {
    // Act
    const parse = () => parseInbound(request(action));

    // Assess
    expect(parse).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidInput, message: expect.stringMatching(reason) }),
    );
  });

  it('reads a bare raw incident as a notification', () => {
    expect(parseInbound(JSON.stringify(onchain))).toMatchObject({ kind: 'notification', incident: onchain });
  });

  it.each([
    ['malformed JSON', '{"tx_hash": ', ErrorCode.InvalidInput, /malformed JSON/],
    ['a JSON array', '[1,2]', ErrorCode.UnknownPayload, /expected a JSON object/],
    ['an unknown shape', '{"hello":"world"}', ErrorCode.UnknownPayload, /not an approval request/],
    ['an unknown kind', '{"kind":"launch_missiles"}', ErrorCode.UnknownPayload, /unknown message kind/],
    [
      'an incident with a missing field',
      JSON.stringify({ tx_hash: '0x1', protocol: 'x', anomaly_score: 0.5 }),
      ErrorCode.InvalidInput,
      /amount_usd/,
    ],
    [
      'an approval request without a token',
      JSON.stringify({
        kind: 'approval_request',
        incident: onchain,
        tier: 'high',
        proposedAction: { type: 'a', target: 'b', reversible: true },
      }),
      ErrorCode.InvalidInput,
      /taskToken/,
    ],
    [
      'an approval request for tier medium',
      JSON.stringify({
        kind: 'approval_request',
        taskToken: 't',
        incident: onchain,
        tier: 'medium',
        proposedAction: { type: 'a', target: 'b', reversible: true },
      }),
      ErrorCode.InvalidInput,
      /tier/,
    ],
  ])('rejects %s with a clear coded error', (_name, text, code, message) => {
    expect(() => parseInbound(text)).toThrow(
      expect.objectContaining({ code, message: expect.stringMatching(message) }),
    );
  });

  it('rejects a record over 256 KB before parsing it', () => {
    const big = JSON.stringify({ ...onchain, padding: 'x'.repeat(MAX_RECORD_BYTES) });
    expect(() => parseInbound(big)).toThrow(expect.objectContaining({ code: ErrorCode.PayloadTooLarge }));
  });

  it('accepts long reasoning inside the limit (the card shortens it, the store keeps it)', () => {
    const msg = { kind: 'notification', incident: onchain, reasoning: 'r'.repeat(150_000) };
    expect(parseInbound(JSON.stringify(msg))).toMatchObject({ reasoning: 'r'.repeat(150_000) });
  });
});

describe('Function: rejectedRecord', () => {
  it('never keeps a task token', () => {
    const text = JSON.stringify({ kind: 'approval_request', taskToken: 'SECRET-TOKEN', tier: 'bogus' });
    const kept = rejectedRecord('sqs', text, new Error('bad'), new Date('2026-01-01T00:00:00Z'));
    expect(kept.payload).not.toContain('SECRET-TOKEN');
    expect(kept.payload).toContain('[redacted]');
    expect(kept.bytes).toBe(Buffer.byteLength(text));
    expect(kept.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('Function: salvageTaskToken', () => {
  it('reads the token of an invalid request so its workflow can be failed closed', () => {
    expect(salvageTaskToken(JSON.stringify({ kind: 'approval_request', taskToken: 'tok' }))).toBe('tok');
    expect(salvageTaskToken('not json')).toBeUndefined();
  });

  it("reads the AWS human-approval tutorial's payload (the whole context object), and never keeps its token", () => {
    const text = JSON.stringify({
      ExecutionContext: { Execution: { Id: 'arn:x' }, Task: { Token: 'TUTORIAL-TOKEN' } },
      APIGatewayEndpoint: 'https://example.execute-api.us-east-1.amazonaws.com/states',
    });
    expect(salvageTaskToken(text)).toBe('TUTORIAL-TOKEN');
    expect(rejectedRecord('lambda', text, new Error('bad'), new Date()).payload).not.toContain('TUTORIAL-TOKEN');
  });
});
