import type { PacedMethod, PacePriority } from '../domain/pacing';

/**
 * Paces Slack Web API calls across every concurrent invocation (issue 19):
 * books the caller's slot for `method` in `channel` and says how long to
 * wait before calling. Never refuses: a store it cannot reach is the caller's
 * cue to send at once (the WebClient still honours `Retry-After`).
 */
export interface SlackPacer {
  /** @returns milliseconds to wait before making the call (0: go now) */
  reserve(channel: string, method: PacedMethod, priority: PacePriority): Promise<number>;
}
