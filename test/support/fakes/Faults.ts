/**
 * Failures a test schedules for a fake's next calls, by operation name
 * (`incidents.commit`, `chat.update`, ...): the fake calls {@link Faults.check}
 * first, which throws the scheduled error.
 */
export class Faults<Operation extends string = string> {
  private readonly scheduled = new Map<Operation, Array<Error>>();

  /** The next `times` calls of `operation` throw `error`. */
  public fail(operation: Operation, error: Error, times = 1): this {
    const queue = this.scheduled.get(operation) ?? [];
    for (let i = 0; i < times; i++) queue.push(error);
    this.scheduled.set(operation, queue);
    return this;
  }

  /** Every call of `operation` throws `error` until {@link Faults.clear}. */
  public failAlways(operation: Operation, error: Error): this {
    return this.fail(operation, error, Number.MAX_SAFE_INTEGER);
  }

  /** Drops what is scheduled for `operation`, or for every operation. */
  public clear(operation?: Operation): void {
    if (operation) this.scheduled.delete(operation);
    else this.scheduled.clear();
  }

  /** Throws the error scheduled for this call of `operation`, if any. */
  public check(operation: Operation): void {
    const queue = this.scheduled.get(operation);
    const error = queue?.shift();
    if (queue && queue.length === 0) this.scheduled.delete(operation);
    if (error) throw error;
  }
}

/** Lets other callers run before the fake answers, as a network call would. */
export const otherCallersFirst = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
