import type * as z from 'zod/mini';
import { ChainsecError, ErrorCode, InvalidInputError, PayloadTooLargeError, UnknownPayloadError } from '../errors';
import { RawIncidentEventSchema } from '../domain/incidentSchemas';
import { EVENT_SOURCES } from '../domain/sources';
import { actionDigest } from '../domain/actionDigest';
import { ApprovalRequestSchema, NotificationSchema, type InboundMessage } from '../domain/messages';
import { storableProblem } from '../domain/storableJson';
import { parseStrictJson } from '../domain/strictJson';
import type { RejectedPayload } from '../services/RejectedPayloads';
import { sha256Hex } from '../domain/sha256';

/** Records over this many bytes are refused (docs/INTERFACES.md#incident-inputs). */
export const MAX_RECORD_BYTES = 256 * 1024;

function describe(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/**
 * Parses one inbound record (a JSON string) into a message. JSON that readers
 * disagree on (a duplicate or `__proto__` key) and values the stores cannot
 * keep exactly (see `storableProblem`) are refused whole: what a card shows,
 * the ledger records and a receipt's digest covers is then always the same.
 * @throws PayloadTooLargeError | InvalidInputError | UnknownPayloadError, each with a clear message
 */
export function parseInbound(text: string): InboundMessage {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_RECORD_BYTES) throw new PayloadTooLargeError(bytes, MAX_RECORD_BYTES);
  const parsed = parseStrictJson(text);
  if (!parsed.ok) throw new InvalidInputError(`malformed JSON: ${parsed.reason}`);
  const json = parsed.value;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new UnknownPayloadError('expected a JSON object');
  }
  const unstorable = unstorableError(json);
  if (unstorable) throw unstorable;
  const kind = (json as { kind?: unknown }).kind;
  if (kind === 'approval_request') {
    const r = ApprovalRequestSchema.safeParse(json);
    if (!r.success) throw new InvalidInputError(`invalid approval request: ${describe(r.error)}`);
    // The digest of the action as it arrived: parsing trims strings, and a receipt binds the original.
    return { ...r.data, actionDigest: actionDigest((json as { proposedAction: unknown }).proposedAction) };
  }
  if (kind === 'notification') {
    const r = NotificationSchema.safeParse(json);
    if (!r.success) throw new InvalidInputError(`invalid notification: ${describe(r.error)}`);
    return r.data;
  }
  if (kind !== undefined) throw new UnknownPayloadError(`unknown message kind ${JSON.stringify(kind).slice(0, 50)}`);
  const raw = RawIncidentEventSchema.safeParse(json);
  if (raw.success) return NotificationSchema.parse({ kind: 'notification', incident: raw.data });
  throw incidentEventError(json);
}

/** The refusal of a value the stores cannot keep as it is (see `storableProblem`), naming the field; else `undefined`. */
export function unstorableError(value: unknown): InvalidInputError | undefined {
  const problem = storableProblem(value);
  return problem === undefined ? undefined : new InvalidInputError(`cannot be kept as sent: ${problem}`);
}

/**
 * Why a value is not an incident event: explained against the shape it
 * resembles (on-chain or WAF: the first source in `EVENT_SOURCES` it
 * resembles), so the error names the bad field rather than the union's
 * "(root): Invalid input".
 */
export function incidentEventError(value: unknown): InvalidInputError | UnknownPayloadError {
  const json = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const source = EVENT_SOURCES.find((s) => s.resembles(json));
  if (source)
    return new InvalidInputError(`invalid ${source.label}: ${describe(source.eventSchema().safeParse(json).error!)}`);
  return new UnknownPayloadError('not an approval request, a notification or an incident event (on-chain or WAF)');
}

/**
 * Where a request of another shape keeps its task token: ours (`taskToken`),
 * and the AWS human-approval tutorial's, whose Lambda payload is the whole
 * context object (`ExecutionContext.Task.Token`).
 */
const TOKEN_PATHS: readonly (readonly string[])[] = [['taskToken'], ['ExecutionContext', 'Task', 'Token']];

/**
 * The task token of a record that failed validation, when one can be read
 * (to fail that task at once, closed, instead of leaving its workflow waiting).
 */
export function salvageTaskToken(text: string): string | undefined {
  if (Buffer.byteLength(text, 'utf8') > 4 * MAX_RECORD_BYTES) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  for (const path of TOKEN_PATHS) {
    let v: unknown = json;
    for (const key of path) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
    if (typeof v === 'string' && v.length > 0 && v.length <= 8192) return v;
  }
  return undefined;
}

/** Task tokens are secrets: a kept payload never holds one. */
function redactTokens(text: string): string {
  return text.replace(/("(?:taskToken|Token)"\s*:\s*")((?:[^"\\]|\\.)*)"/g, '$1[redacted]"');
}

/** The rejected-store record for a payload and its error (task tokens redacted). */
export function rejectedRecord(source: string, text: string, error: unknown, at: Date): RejectedPayload {
  const code = error instanceof ChainsecError ? error.code : ErrorCode.InvalidInput;
  return {
    source,
    code,
    reason: (error as Error).message ?? String(error),
    payload: redactTokens(text),
    bytes: Buffer.byteLength(text, 'utf8'),
    sha256: sha256Hex(text),
    at: at.toISOString(),
  };
}
