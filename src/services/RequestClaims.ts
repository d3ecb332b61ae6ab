/** A one-time key (replay protection of a signed request), taken at `now` for `ttlSeconds`. */
export interface OnceClaim {
  key: string;
  ttlSeconds: number;
  now: Date;
}

/**
 * One-time keys of signed requests (the rule: `src/listeners/onceRule.ts`),
 * each in an item of its own. A key is remembered for `ttlSeconds`; an
 * expired key can be taken again. A click that changes an incident takes its
 * key in the change's own write instead ({@link IncidentRepository.commit}
 * with a claim), so the request and its effect are stored together or not at all.
 */
export interface RequestClaims {
  /**
   * Takes a one-time key on its own (a request answered without a change to an incident).
   * @returns false when the key was taken before and is still in force
   */
  take(claim: OnceClaim): Promise<boolean>;
}
