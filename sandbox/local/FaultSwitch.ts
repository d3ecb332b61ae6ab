/**
 * One injected fault: what a local service does instead of (or before)
 * answering an operation. Each service renders `error`/`status` in its own
 * wire shape (AWS JSON `__type`, SNS XML, Slack `{ok:false}`).
 */
export interface Fault {
  /** Error code to answer with (`KMSInternalException`, `TaskTimedOut`, `ratelimited`, ...). */
  error?: string;
  /** HTTP status of the error answer; each service picks a fitting default. */
  status?: number;
  /** Error message; a generic one when absent. */
  message?: string;
  /** Wait this long before answering (with the fault, or normally when no error is set). */
  delayMs?: number;
  /** How many requests the fault applies to; it then clears itself. Default: until cleared. */
  times?: number;
  /** How many matching requests pass untouched before the fault applies (the second write of a pair, say). Default 0. */
  skip?: number;
  /** For HTTP 429 answers: the `Retry-After` header, in seconds. */
  retryAfterSec?: number;
  /**
   * Answer with the error only after the request reached the real service
   * (which did the work): a lost answer. Only the DynamoDB fault proxy honours it.
   */
  afterForward?: boolean;
}

/** The key that matches every operation of a service. */
export const ANY_OPERATION = '*';

interface ArmedFault {
  fault: Fault;
  remaining: number;
  skipping: number;
}

/**
 * Per-operation fault injection shared by every local service.
 *
 * `set('Sign', { error: 'KMSInternalException', status: 500, times: 3 })`
 * makes the next three `Sign` calls fail; `set('*', { delayMs: 200 })`
 * slows every operation. A fault on the operation wins over `'*'`.
 */
export class FaultSwitch {
  private readonly armed = new Map<string, ArmedFault>();
  private readonly hits = new Map<string, number>();

  /** Arms a fault for an operation (replacing any fault armed for it). */
  public set(operation: string, fault: Fault): void {
    if (fault.times !== undefined && (!Number.isInteger(fault.times) || fault.times < 1)) {
      throw new RangeError(`fault "times" must be a positive integer, got ${fault.times}`);
    }
    if (fault.delayMs !== undefined && !(fault.delayMs >= 0)) {
      throw new RangeError(`fault "delayMs" must be >= 0, got ${fault.delayMs}`);
    }
    if (fault.skip !== undefined && (!Number.isInteger(fault.skip) || fault.skip < 0)) {
      throw new RangeError(`fault "skip" must be a whole number, got ${fault.skip}`);
    }
    this.armed.set(operation, {
      fault: { ...fault },
      remaining: fault.times ?? Number.POSITIVE_INFINITY,
      skipping: fault.skip ?? 0,
    });
  }

  /** Disarms one operation's fault, or every fault when no operation is given. */
  public clear(operation?: string): void {
    if (operation === undefined) this.armed.clear();
    else this.armed.delete(operation);
  }

  /**
   * The fault to apply to this call of `operation`, if any, counting it
   * against `times`. Services call this once per request. A fault armed for
   * `narrower` (e.g. `PutItem@<table>`) wins, and is counted under that key.
   */
  public take(operation: string, narrower?: string): Fault | undefined {
    if (narrower !== undefined && this.armed.has(narrower)) return this.apply(narrower, narrower);
    const key = this.armed.has(operation) ? operation : this.armed.has(ANY_OPERATION) ? ANY_OPERATION : undefined;
    return key === undefined ? undefined : this.apply(key, operation);
  }

  private apply(key: string, counted: string): Fault | undefined {
    const armed = this.armed.get(key)!;
    if (armed.skipping > 0) {
      armed.skipping -= 1;
      return undefined;
    }
    armed.remaining -= 1;
    if (armed.remaining <= 0) this.armed.delete(key);
    this.hits.set(counted, (this.hits.get(counted) ?? 0) + 1);
    return armed.fault;
  }

  /** Whether a fault is armed for the operation (or for every operation). */
  public isArmed(operation: string): boolean {
    return this.armed.has(operation) || this.armed.has(ANY_OPERATION);
  }

  /** How many calls of the operation a fault was applied to so far. */
  public triggered(operation: string): number {
    return this.hits.get(operation) ?? 0;
  }
}

/** Waits `ms` milliseconds (no-op for 0 or undefined). */
export function delay(ms: number | undefined): Promise<void> {
  return ms && ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
