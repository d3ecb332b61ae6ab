/** A one-time key (replay protection of the request that caused a change). */
export interface OnceClaim {
  key: string;
  ttlSeconds: number;
  now: Date;
}

/**
 * One-time claims of signed requests (replay protection). Keys are
 * remembered for `ttlSeconds`; an expired claim can be taken again. A vote
 * click's key is kept in the incident it votes on, where
 * {@link IncidentRepository.commit} takes and checks it in the vote's own
 * write, under the same version condition; any other key in an item of its own.
 */
export interface RequestClaims {
  /**
   * Takes a one-time key. With `incidentId` (a vote click answered without a
   * vote), in that incident, unless it does not exist; otherwise on its own.
   * @returns false when the key was taken before
   */
  take(claim: OnceClaim, incidentId?: string): Promise<boolean>;
}
