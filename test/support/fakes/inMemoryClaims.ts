import type { OnceClaim } from '../../../src/services/RequestClaims';

/**
 * Claims as the in-memory fakes keep them inside an incident:
 * `<expiry, epoch seconds>:<key>`, expired ones dropped on the next take.
 */

const epochSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);

/** `claims` with `claim` taken, or `undefined` when it is in force already. */
export function withClaimTaken(claims: readonly string[], { key, ttlSeconds, now }: OnceClaim): string[] | undefined {
  const nowSec = epochSeconds(now);
  const live = claims.filter((c) => Number(c.slice(0, c.indexOf(':'))) >= nowSec);
  if (live.some((c) => c.slice(c.indexOf(':') + 1) === key)) return undefined;
  return [...live, `${nowSec + ttlSeconds}:${key}`];
}

/** Whether a claim kept on its own (expiring at `expiresAt`, epoch seconds) is free again at `now`. */
export const claimFree = (expiresAt: number | undefined, now: Date): boolean =>
  expiresAt === undefined || expiresAt < epochSeconds(now);

/** The expiry of a claim taken at `now`. */
export const claimExpiry = ({ ttlSeconds, now }: OnceClaim): number => epochSeconds(now) + ttlSeconds;
