/**
 * Failures a test schedules for a fake's next calls, by operation name
 * (`incidents.commit`, `chat.update`, ...): the fake calls {@link Faults.check}
 * first, which throws the scheduled error.
 */
export class Faults<Operation extends string = string> {
  private readonly scheduled = new Map<Operation, Array<Error>>();
  private readonly always = new Map<Operation, Error>();

  /** The next `times` calls of `operation` throw `error`. */
  public fail(operation: Operation, error: Error, times = 1): this {
    const queue = this.scheduled.get(operation) ?? [];
    for (let i = 0; i < times; i++) queue.push(error);
    this.scheduled.set(operation, queue);
    return this;
  }

  /** Every call of `operation` throws `error` until {@link Faults.clear}. */
  public failAlways(operation: Operation, error: Error): this {
    this.always.set(operation, error);
    return this;
  }

  /** Drops what is scheduled for `operation`, or for every operation. */
  public clear(operation?: Operation): void {
    if (operation) {
      this.scheduled.delete(operation);
      this.always.delete(operation);
    } else {
      this.scheduled.clear();
      this.always.clear();
    }
  }

  /** Throws the error scheduled for this call of `operation`, if any. */
  public check(operation: Operation): void {
    const queue = this.scheduled.get(operation);
    const error = queue?.shift();
    if (queue && queue.length === 0) this.scheduled.delete(operation);
    if (error) throw error;
    const always = this.always.get(operation);
    if (always) throw always;
  }
}

/** Lets other callers run before the fake answers, as a network call would. */
export const otherCallersFirst = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
