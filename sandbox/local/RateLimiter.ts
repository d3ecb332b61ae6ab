/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Sustained rate: tokens added per second. */
  perSecond: number;
  /** Bucket size: how many calls may go at once after a quiet spell. */
  burst: number;
}

/** The outcome of {@link RateLimiter.tryTake}. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Token buckets, one per key (a Slack channel): each call takes a token,
 * tokens come back at `perSecond`, at most `burst` are kept.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  public constructor(private readonly options: RateLimiterOptions) {
    if (!(options.perSecond > 0)) throw new RangeError(`perSecond must be > 0, got ${options.perSecond}`);
    if (!(options.burst >= 1)) throw new RangeError(`burst must be >= 1, got ${options.burst}`);
  }

  /** Takes a token for `key` if one is there; otherwise says how long until one is. */
  public tryTake(key: string, nowMs: number = Date.now()): RateDecision {
    const { perSecond, burst } = this.options;
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: nowMs };
    bucket.tokens = Math.min(burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * perSecond);
    bucket.at = nowMs;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterMs: Math.ceil(((1 - bucket.tokens) / perSecond) * 1000) };
  }

  /** Forgets every bucket. */
  public reset(): void {
    this.buckets.clear();
  }
}
