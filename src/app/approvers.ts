import type { TierPolicy } from '../domain/policy';
import type { AppDeps } from './deps';

/**
 * Whether `userId` may decide under `policy`: on the allowlist, or a member of
 * the approver user group. A user group lookup that fails answers "no" (fail closed).
 */
export async function isApprover(
  deps: Pick<AppDeps, 'slack' | 'telemetry'>,
  policy: TierPolicy,
  userId: string,
): Promise<boolean> {
  if (policy.approverUserIds.includes(userId)) return true;
  if (!policy.approverUsergroupId) return false;
  try {
    return (await deps.slack.usergroupMembers(policy.approverUsergroupId)).includes(userId);
  } catch (e) {
    deps.telemetry.warn('approver group lookup failed; refusing', { error: (e as Error).message });
    return false;
  }
}
