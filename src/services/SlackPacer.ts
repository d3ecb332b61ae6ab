import type { PacedMethod, PacePriority } from '../domain/pacing';

/**
 * Paces Slack Web API calls across every concurrent invocation (docs/ROUTING.md#pacing):
 * books the caller's slot for `method` in `channel` and says how long to
 * wait before calling. Never refuses: a store it cannot reach is the caller's
 * cue to send at once (the WebClient still honours `Retry-After`).
 */
export interface SlackPacer {
  /**
   * @param notBefore - epoch ms the slot may not precede: a call Slack answered 429 passes now + `Retry-After`,
   *   and books at once whatever the backlog (it already had its turn), so later callers queue behind it.
   * @returns the slot: epoch ms at which to make the call (now or earlier: go now). A time rather than a
   *   delay, so a caller that gets it late (a slow store, a busy event loop) knows by how much.
   */
  reserve(channel: string, method: PacedMethod, priority: PacePriority, notBefore?: number): Promise<number>;
}
