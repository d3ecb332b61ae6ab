import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { delay } from './FaultSwitch';
import { BodyTooLargeError, LocalServer, readRequestBody, send } from './LocalServer';

/**
 * An error a local AWS service answers with. `code` becomes `__type`, which
 * the SDK v3 turns into the error's `name` (`NotFoundException`, ...).
 */
export class AwsError extends Error {
  public constructor(
    public readonly code: string,
    message: string,
    public readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

/** An operation of an AWS JSON service: parsed request in, response object out. */
export type AwsJsonOperation = (input: AwsJsonInput) => Promise<object> | object;

/**
 * Base of the services that speak the AWS JSON protocol (KMS: 1.1,
 * Step Functions: 1.0): `POST /` with `X-Amz-Target: <prefix>.<Operation>`
 * and a JSON body; errors as `{"__type", "message"}` with the code also in
 * `x-amzn-ErrorType`, which is where the SDK looks first.
 */
export abstract class AwsJsonServer extends LocalServer {
  protected constructor(
    /** `TrentService` (KMS), `AWSStepFunctions` (SFN). */
    private readonly targetPrefix: string,
    /** `application/x-amz-json-1.1` or `-1.0`. */
    private readonly contentType: string,
    port?: number,
  ) {
    super(port);
  }

  /** The operations served, by name. */
  protected abstract operations(): Record<string, AwsJsonOperation>;

  protected override async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (req.method !== 'POST')
        throw new AwsError(
          'UnknownOperationException',
          `${req.method} is not supported; AWS JSON services take POST /`,
          404,
        );
      const target = String(req.headers['x-amz-target'] ?? '');
      const [prefix, operation] = target.split('.', 2);
      if (prefix !== this.targetPrefix || !operation) {
        throw new AwsError(
          'UnknownOperationException',
          `X-Amz-Target "${target}" is not ${this.targetPrefix}.<Operation>`,
        );
      }
      const handler = this.operations()[operation];
      if (!handler)
        throw new AwsError(
          'UnknownOperationException',
          `operation ${operation} is not supported by this local service`,
        );
      let input: Record<string, unknown>;
      try {
        const text = await readRequestBody(req);
        const parsed: unknown = text.length === 0 ? {} : JSON.parse(text);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
          throw new Error('body is not a JSON object');
        input = parsed as Record<string, unknown>;
      } catch (e) {
        if (e instanceof BodyTooLargeError) throw new AwsError('ValidationException', e.message, 413);
        throw new AwsError('SerializationException', `request body is not valid JSON: ${(e as Error).message}`);
      }
      const fault = this.faults.take(operation);
      await delay(fault?.delayMs);
      if (fault?.error || fault?.status) {
        const code = fault.error ?? 'InternalFailure';
        throw new AwsError(code, fault.message ?? `injected fault: ${code}`, fault.status ?? 500);
      }
      const out = await handler(new AwsJsonInput(input));
      send(res, 200, JSON.stringify(out), { 'content-type': this.contentType, 'x-amzn-requestid': randomUUID() });
    } catch (e) {
      if (!(e instanceof AwsError)) throw e;
      send(res, e.status, JSON.stringify({ __type: e.code, message: e.message }), {
        'content-type': this.contentType,
        'x-amzn-errortype': e.code,
        'x-amzn-requestid': randomUUID(),
      });
    }
  }
}

/** A request's JSON body, read field by field with the errors AWS answers. */
export class AwsJsonInput {
  public constructor(private readonly fields: Record<string, unknown>) {}

  /** A required string field, or `ValidationException` as AWS answers. */
  public string(field: string): string {
    const value = this.fields[field];
    if (typeof value !== 'string' || value.length === 0) {
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must not be null`,
      );
    }
    return value;
  }

  /** An optional string field (type-checked). */
  public optionalString(field: string): string | undefined {
    const value = this.fields[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw new AwsError('SerializationException', `'${field}' must be a string`);
    return value;
  }
}

/** AWS JSON timestamps are epoch seconds (fractional allowed). */
export function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}
