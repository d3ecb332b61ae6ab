import { parseRequester } from '../domain/requester';
import type { AppDeps } from './deps';

/** Who asked for an approval, as stored on the incident. */
export interface IdentifiedRequester {
  /** The normalised Slack user id, or the agent's name as sent (trimmed). */
  requestedBy: string;
  /** Whether the workspace knows that user: only then may a card mention them. */
  known: boolean;
}

/**
 * Normalises the agent's `requestedBy` (see `parseRequester`) and asks Slack
 * whether the user exists, so a card never pings an id the agent made up. A
 * failed lookup answers "unknown" (shown as text): the self-approval rule
 * compares the normalised id either way.
 */
export async function identifyRequester(
  deps: Pick<AppDeps, 'slack' | 'telemetry'>,
  raw: string,
): Promise<IdentifiedRequester> {
  const { userId, label } = parseRequester(raw);
  if (userId === undefined) return { requestedBy: label || 'agent', known: false };
  const known = await deps.slack.isWorkspaceUser(userId).catch((e: unknown) => {
    deps.telemetry.warn('requester lookup failed; shown as text', { error: (e as Error).message });
    return false;
  });
  return { requestedBy: userId, known };
}
