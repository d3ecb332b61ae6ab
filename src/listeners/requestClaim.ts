import type { Context } from '@slack/bolt';
import type { OnceClaim } from '../services/IncidentStore';

/**
 * A signed request's one-time claim, handed to its listener instead of being
 * taken up front (vote clicks: the vote's own transaction takes it, which
 * saves a write on the click path and records the click and its effect
 * together). The listener sets `replayed` when the claim was already taken;
 * the handler then answers as for any repeated request.
 */
export interface DeferredClaim {
  readonly claim: OnceClaim;
  replayed: boolean;
}

/** The Bolt context property that carries a {@link DeferredClaim}. */
export const DEFERRED_CLAIM = 'chainsecDeferredClaim';

/** The request's deferred claim, when the handler deferred it. */
export function deferredClaimOf(context: Context): DeferredClaim | undefined {
  return context[DEFERRED_CLAIM] as DeferredClaim | undefined;
}
