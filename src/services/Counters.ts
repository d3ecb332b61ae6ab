/** Expiring counters (rate windows, e.g. notifications per channel per minute). */
export interface Counters {
  /**
   * Atomically adds 1 to the counter `key`, created to expire `ttlSeconds` after `now`.
   * @returns the new value
   */
  increment(key: string, ttlSeconds: number, now: Date): Promise<number>;
}
