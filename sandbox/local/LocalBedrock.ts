import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import { createServer as createNetServer, type Server } from 'node:net';
import { randomUUID } from 'node:crypto';
import { BodyTooLargeError, LocalServer, readRequestBody, send } from './LocalServer';

/**
 * What {@link LocalBedrock} does with the next Converse calls.
 *
 * - `summarize`: answers at once with a deterministic one-sentence summary of
 *   the trusted facts (or with {@link LocalBedrock.answer} when set).
 * - `slow`: the same answer after {@link LocalBedrock.slowMs} (default 2 s),
 *   longer than the bot's summary timeout.
 * - `guardrail`: the guardrail blocks the request: `stopReason:
 *   "guardrail_intervened"` with the guardrail's blocked message as the
 *   content. As on AWS, only a request that names a guardrail
 *   (`guardrailConfig`) can be blocked; one without answers as `summarize`.
 * - `error`: HTTP 500 `InternalServerException`.
 */
export type LocalBedrockMode = 'summarize' | 'slow' | 'guardrail' | 'error';

/** Options of {@link LocalBedrock}. */
export interface LocalBedrockOptions {
  port?: number;
  mode?: LocalBedrockMode;
  /** Delay of `slow` answers (ms); default 2000. */
  slowMs?: number;
}

/** A content block as the Converse API carries it (only the members the bot uses are typed). */
export interface ConverseContentBlock {
  text?: string;
  guardContent?: { text?: { text: string; qualifiers?: string[] } };
  [member: string]: unknown;
}

/** The JSON body of a Converse request (`POST /model/{modelId}/converse`). */
export interface ConverseRequestBody {
  messages: Array<{ role: 'user' | 'assistant'; content: ConverseContentBlock[] }>;
  system?: ConverseContentBlock[];
  inferenceConfig?: { maxTokens?: number; temperature?: number; topP?: number; stopSequences?: string[] };
  guardrailConfig?: { guardrailIdentifier: string; guardrailVersion: string; trace?: string };
  [member: string]: unknown;
}

/** One Converse request as {@link LocalBedrock} received it. */
export interface RecordedConverseRequest {
  /** The model id, decoded (`amazon.nova-micro-v1:0`). */
  modelId: string;
  /** The request path exactly as sent (the SDK URL-encodes `:` in the model id as `%3A`). */
  path: string;
  /** The parsed body; absent when it was not a JSON object. */
  body?: ConverseRequestBody;
  /** The signing service in the SigV4 `Authorization` header (`bedrock`), when signed. */
  signedFor?: string;
  at: Date;
  /**
   * How it ended: the HTTP status answered, or `abandoned` when the client
   * went away before the answer (an aborted or timed-out call). Absent while
   * the request is in progress.
   */
  outcome?: number | 'abandoned';
}

/** Default answer of a guardrail whose input is blocked ("blocked input messaging"). */
export const GUARDRAIL_BLOCKED_MESSAGE = 'Sorry, the model cannot answer this question.';

/** The Converse error codes and the HTTP status Bedrock Runtime answers each with. */
const ERROR_STATUS: Record<string, number> = {
  AccessDeniedException: 403,
  InternalServerException: 500,
  ModelErrorException: 424,
  ModelNotReadyException: 429,
  ModelTimeoutException: 408,
  ResourceNotFoundException: 404,
  ServiceQuotaExceededException: 400,
  ServiceUnavailableException: 503,
  ThrottlingException: 429,
  ValidationException: 400,
  SerializationException: 400,
  UnknownOperationException: 404,
};

/** Content block members Converse knows; a block carries exactly one. */
const CONTENT_MEMBERS = new Set([
  'text',
  'image',
  'document',
  'video',
  'audio',
  'toolUse',
  'toolResult',
  'guardContent',
  'cachePoint',
  'reasoningContent',
  'citationsContent',
  'searchResult',
]);
const SYSTEM_MEMBERS = new Set(['text', 'guardContent', 'cachePoint']);

/** An error in Bedrock Runtime's REST-JSON shape. */
class BedrockError extends Error {
  public constructor(
    public readonly code: string,
    message: string,
    public readonly status = ERROR_STATUS[code] ?? 400,
  ) {
    super(message);
  }
}

const invalid = (message: string) => new BedrockError('ValidationException', message);

/**
 * A local stand-in for the Bedrock Runtime Converse API, on the wire protocol
 * `@aws-sdk/client-bedrock-runtime` speaks (REST-JSON): `POST
 * /model/{modelId}/converse` with `messages`, `system`, `inferenceConfig` and
 * `guardrailConfig`; answers `{output:{message}, stopReason, usage, metrics}`;
 * errors as `{"message"}` with the code in `x-amzn-errortype`, which the SDK
 * turns into `ThrottlingException`, `ValidationException`, ...
 *
 * `BedrockRuntimeClient` sends over HTTP/2 (its default request handler is
 * `NodeHttp2Handler`; with an `http://` endpoint that is cleartext HTTP/2 with
 * prior knowledge), so this server answers HTTP/2 and HTTP/1.1 on one port,
 * telling them apart by the HTTP/2 connection preface.
 *
 * Behaviour is switched per test with {@link mode}; every request is
 * recorded ({@link requests}), so tests can check what the bot sent (the
 * agent's text inside `guardContent`, no call at all for low tier). Faults
 * (`faults.set('Converse', { error: 'ThrottlingException' })`) are applied
 * before the mode. Signatures are not checked.
 */
export class LocalBedrock extends LocalServer {
  /** What the next requests get; see {@link LocalBedrockMode}. */
  public mode: LocalBedrockMode;
  /** Delay of `slow` answers (ms). */
  public slowMs: number;
  /**
   * When set, `summarize` and `slow` answer with exactly this text instead of
   * the built summary, verbatim and unbounded (even past `maxTokens`): a
   * misbehaving model, for checking the bot's own escaping and bounds.
   */
  public answer: string | undefined;
  /** The `stopReason` of answers that are not blocked: `max_tokens` or `content_filtered` play a cut or filtered answer. */
  public stopReason = 'end_turn';
  /** What the guardrail answers in `guardrail` mode. */
  public guardrailMessage = GUARDRAIL_BLOCKED_MESSAGE;
  private readonly recorded: RecordedConverseRequest[] = [];

  public constructor(options: LocalBedrockOptions = {}) {
    super(options.port);
    this.mode = options.mode ?? 'summarize';
    this.slowMs = options.slowMs ?? 2000;
  }

  /** Every Converse request received so far, oldest first (copies). */
  public requests(): RecordedConverseRequest[] {
    return this.recorded.map((r) => structuredClone(r));
  }

  /** Forgets the recorded requests. */
  public clearRequests(): void {
    this.recorded.length = 0;
  }

  /** Back to `summarize`, no fixed answer, no faults, no recorded requests. */
  public reset(): void {
    this.mode = 'summarize';
    this.stopReason = 'end_turn';
    this.answer = undefined;
    this.guardrailMessage = GUARDRAIL_BLOCKED_MESSAGE;
    this.faults.clear();
    this.clearRequests();
  }

  /** HTTP/1.1 and cleartext HTTP/2 on the same port (see the class comment). */
  protected override createListener(handler: (req: IncomingMessage, res: ServerResponse) => void): Server {
    const h1 = createHttpServer(handler);
    h1.keepAliveTimeout = 5000;
    const h2 = createHttp2Server(handler as unknown as (req: Http2ServerRequest, res: Http2ServerResponse) => void);
    return createNetServer((socket) => {
      socket.once('data', (chunk: Buffer) => {
        socket.pause();
        socket.unshift(chunk);
        // Every HTTP/2 connection starts with "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n". The HTTP/2
        // session takes the buffered bytes itself and must not see the socket flowing; HTTP/1.1 needs it resumed.
        if (chunk.subarray(0, 4).toString('latin1') === 'PRI ') {
          h2.emit('connection', socket);
        } else {
          h1.emit('connection', socket);
          socket.resume();
        }
      });
    });
  }

  protected override async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    // Set when the client goes away (an aborted SDK call) or the answer is sent; works for HTTP/1.1 and HTTP/2 responses.
    let closed = false;
    res.once('close', () => (closed = true));
    let recorded: RecordedConverseRequest | undefined;
    const gone = () => {
      if (closed && recorded && recorded.outcome === undefined) recorded.outcome = 'abandoned';
      return closed;
    };
    try {
      const path = (req.url ?? '/').split('?')[0]!;
      const match = /^\/model\/([^/]+)\/(converse|converse-stream|invoke|invoke-with-response-stream)$/.exec(path);
      if (!match)
        throw new BedrockError('UnknownOperationException', `${req.method} ${path} is not a Bedrock Runtime operation`);
      if (req.method !== 'POST')
        throw new BedrockError(
          'UnknownOperationException',
          `${req.method} ${path} is not supported; Converse takes POST`,
        );
      if (match[2] !== 'converse')
        throw new BedrockError(
          'UnknownOperationException',
          `${match[2]} is not supported by this local service (Converse only)`,
        );
      let modelId: string;
      try {
        modelId = decodeURIComponent(match[1]!);
      } catch {
        throw invalid(`The model identifier in the path is not URL-encoded correctly: ${match[1]}`);
      }
      const text = await readRequestBody(req).catch((e: unknown) => {
        if (e instanceof BodyTooLargeError) throw new BedrockError('ValidationException', e.message, 413);
        throw e;
      });
      let parsed: unknown;
      try {
        parsed = text.length === 0 ? {} : JSON.parse(text);
      } catch (e) {
        recorded = this.record(req, path, modelId, undefined);
        throw new BedrockError('SerializationException', `request body is not valid JSON: ${(e as Error).message}`);
      }
      const isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
      recorded = this.record(req, path, modelId, isObject ? (parsed as ConverseRequestBody) : undefined);
      if (!isObject) throw new BedrockError('SerializationException', 'request body is not a JSON object');
      const body = validate(parsed as Record<string, unknown>);

      const fault = this.faults.take('Converse');
      await this.wait(fault?.delayMs, res, gone);
      if (fault?.error || fault?.status) {
        const code = fault.error ?? 'InternalServerException';
        throw new BedrockError(
          code,
          fault.message ?? `injected fault: ${code}`,
          fault.status ?? ERROR_STATUS[code] ?? 500,
        );
      }
      if (gone()) return;

      const mode = this.mode;
      if (mode === 'error')
        throw new BedrockError(
          'InternalServerException',
          'The server encountered an internal error while processing the request.',
        );
      if (mode === 'guardrail' && body.guardrailConfig) {
        return this.answerWith(res, recorded, body, this.guardrailMessage, 'guardrail_intervened', started);
      }
      if (mode === 'slow') {
        await this.wait(this.slowMs, res, gone);
        if (gone()) return;
      }
      const answer = this.answer ?? summaryOf(body);
      return this.answerWith(res, recorded, body, answer, this.stopReason, started);
    } catch (e) {
      if (!(e instanceof BedrockError)) throw e;
      if (gone()) return;
      if (recorded) recorded.outcome = e.status;
      send(res, e.status, JSON.stringify({ message: e.message }), {
        'content-type': 'application/json',
        'x-amzn-errortype': `${e.code}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
        'x-amzn-requestid': randomUUID(),
      });
    }
  }

  private record(
    req: IncomingMessage,
    path: string,
    modelId: string,
    body: ConverseRequestBody | undefined,
  ): RecordedConverseRequest {
    const auth = String(req.headers.authorization ?? '');
    const signedFor = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\/aws4_request/.exec(auth)?.[1];
    const entry: RecordedConverseRequest = {
      modelId,
      path,
      ...(body !== undefined && { body }),
      ...(signedFor !== undefined && { signedFor }),
      at: new Date(),
    };
    this.recorded.push(entry);
    return entry;
  }

  /** Waits `ms`, cut short when the client goes away (an aborted SDK call). */
  private async wait(ms: number | undefined, res: ServerResponse, gone: () => boolean): Promise<void> {
    if (!ms || ms <= 0 || gone()) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      res.once('close', done);
      function done(): void {
        clearTimeout(timer);
        res.off('close', done);
        resolve();
      }
    });
  }

  private answerWith(
    res: ServerResponse,
    recorded: RecordedConverseRequest,
    body: ConverseRequestBody,
    text: string,
    stopReason: string,
    started: number,
  ): void {
    const inputTokens = tokens(JSON.stringify(body.messages) + JSON.stringify(body.system ?? []));
    const outputTokens = tokens(text);
    const out = {
      output: { message: { role: 'assistant', content: [{ text }] } },
      stopReason,
      usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
      metrics: { latencyMs: Date.now() - started },
    };
    recorded.outcome = 200;
    send(res, 200, JSON.stringify(out), { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() });
  }
}

/** A rough token count (4 characters a token), as usage figures need one. */
function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/**
 * The deterministic "model" answer, built from the trusted facts only (the
 * plain `text` blocks of the user's messages, never `guardContent`), each
 * source in its own words: e.g. `Model summary: a HIGH on-chain incident
 * (INC-…), $20,000 at anomaly score 0.8.` or `Model summary: a CRITICAL
 * GuardDuty finding (INC-…), seen 3 times.`
 * A trusted part without a JSON object gives its first words instead.
 */
export function summaryOf(body: ConverseRequestBody): string {
  const facts = body.messages
    .filter((m) => m.role === 'user')
    .flatMap((m) => m.content)
    .map((c) => c.text)
    .find((t): t is string => typeof t === 'string' && t.trim() !== '');
  if (facts === undefined) return 'Model summary: no facts were given.';
  const object = /\{[^{}]*\}/.exec(facts);
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = object ? (JSON.parse(object[0]) as Record<string, unknown>) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed) {
    const words = facts
      .replace(/^[^:{]*:\s*/, '')
      .split(/\s+/)
      .filter((w) => w !== '')
      .slice(0, 16)
      .join(' ');
    return `Model summary: ${words}.`;
  }
  const tier = typeof parsed.tier === 'string' ? parsed.tier.toUpperCase() : 'UNRATED';
  const id = String(parsed.id ?? '?');
  if (parsed.kind === 'finding') {
    const source = FINDING_SOURCE_NAMES[String(parsed.source)] ?? 'detector';
    const count = Number(parsed.count ?? 1);
    const sample = parsed.sample === true ? ', a sample finding' : '';
    return `Model summary: a ${tier} ${source} finding (${id}), seen ${count} time${count === 1 ? '' : 's'}${sample}.`;
  }
  if (parsed.kind === 'request') return `Model summary: a ${tier} approval request (${id}).`;
  const kind = parsed.kind === 'waf' ? 'WAF' : 'on-chain';
  const detail =
    parsed.kind === 'waf'
      ? `severity ${String(parsed.severity ?? 'unknown')}`
      : `$${Number(parsed.amountUsd ?? 0).toLocaleString('en-US')} at anomaly score ${String(parsed.anomalyScore ?? '?')}`;
  return `Model summary: a ${tier} ${kind} incident (${id}), ${detail}.`;
}

/** How the stand-in names each finding source module in its summary. */
const FINDING_SOURCE_NAMES: Record<string, string> = {
  guardduty: 'GuardDuty',
  'securityhub-asff': 'Security Hub',
  'securityhub-ocsf': 'Security Hub (OCSF)',
};

/** The checks Bedrock Runtime makes on a Converse body that the bot could get wrong. */
function validate(input: Record<string, unknown>): ConverseRequestBody {
  const messages = input.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    throw invalid(
      "1 validation error detected: Value at 'messages' failed to satisfy constraint: Member must not be null or empty",
    );
  }
  messages.forEach((m: unknown, i) => {
    const message = m as { role?: unknown; content?: unknown };
    if (typeof m !== 'object' || m === null) throw invalid(`messages.${i} must be an object`);
    if (message.role !== 'user' && message.role !== 'assistant') {
      throw invalid(
        `1 validation error detected: Value '${String(message.role)}' at 'messages.${i + 1}.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]`,
      );
    }
    if (!Array.isArray(message.content) || message.content.length === 0) {
      throw invalid(
        `The content field in the Message object at messages.${i} is empty. Add a ContentBlock object to the content field and try again.`,
      );
    }
    message.content.forEach((c: unknown, j) => {
      checkBlock(c, `messages.${i}.content.${j}`, CONTENT_MEMBERS);
    });
  });
  if ((messages[0] as { role: string }).role !== 'user') {
    throw invalid(
      'A conversation must start with a user message. Try again with a conversation that starts with a user message.',
    );
  }
  if (input.system !== undefined) {
    if (!Array.isArray(input.system)) throw invalid('system must be a list of SystemContentBlock');
    input.system.forEach((c: unknown, j) => {
      checkBlock(c, `system.${j}`, SYSTEM_MEMBERS);
    });
  }
  const inference = input.inferenceConfig as Record<string, unknown> | undefined;
  if (inference !== undefined) {
    const { maxTokens, temperature, topP } = inference;
    if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && (maxTokens as number) >= 1)) {
      throw invalid(
        `1 validation error detected: Value '${String(maxTokens)}' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1`,
      );
    }
    for (const [name, value] of [
      ['temperature', temperature],
      ['topP', topP],
    ] as const) {
      if (value !== undefined && !(typeof value === 'number' && value >= 0 && value <= 1)) {
        throw invalid(
          `1 validation error detected: Value '${String(value)}' at 'inferenceConfig.${name}' failed to satisfy constraint: Member must have value between 0 and 1`,
        );
      }
    }
  }
  const guardrail = input.guardrailConfig as Record<string, unknown> | undefined;
  if (guardrail !== undefined) {
    for (const field of ['guardrailIdentifier', 'guardrailVersion'] as const) {
      if (typeof guardrail[field] !== 'string' || guardrail[field] === '') {
        throw invalid(
          `1 validation error detected: Value at 'guardrailConfig.${field}' failed to satisfy constraint: Member must not be null`,
        );
      }
    }
    if (guardrail.trace !== undefined && !['enabled', 'disabled', 'enabled_full'].includes(guardrail.trace as string)) {
      throw invalid(
        `1 validation error detected: Value '${String(guardrail.trace)}' at 'guardrailConfig.trace' failed to satisfy constraint: Member must satisfy enum value set: [enabled, disabled, enabled_full]`,
      );
    }
  }
  return input as unknown as ConverseRequestBody;
}

function checkBlock(block: unknown, where: string, members: ReadonlySet<string>): void {
  if (typeof block !== 'object' || block === null || Array.isArray(block))
    throw invalid(`${where} must be a content block object`);
  const keys = Object.keys(block);
  if (keys.length !== 1 || !members.has(keys[0]!)) {
    throw invalid(`${where} must set exactly one of ${[...members].join(', ')}; got ${keys.join(', ') || 'none'}`);
  }
  const b = block as ConverseContentBlock;
  if (keys[0] === 'text' && typeof b.text !== 'string') throw invalid(`${where}.text must be a string`);
  if (keys[0] === 'guardContent') {
    const inner = b.guardContent as Record<string, unknown> | null;
    if (typeof inner !== 'object' || inner === null || Object.keys(inner).length !== 1)
      throw invalid(`${where}.guardContent must set exactly one of text, image`);
    if (inner.text !== undefined && typeof (inner.text as { text?: unknown }).text !== 'string')
      throw invalid(`${where}.guardContent.text.text must be a string`);
  }
}
