import type { ProposedAction } from '../messages';
import type { FindingFacts } from './types';

/** One entry of the proposed-action catalogue: what to propose for a finding family. */
export interface FamilyAction {
  type: string;
  reversible: boolean;
  /** What undoing it does (shown in the reasoning so people know the way back). */
  rollback: string;
}

/**
 * The proposed actions for findings, by family (configurable through
 * `RiskThresholds.findingActions`). The target is taken from the finding.
 * Families not listed get "investigate": no action.
 */
export const DEFAULT_FINDING_ACTIONS: Readonly<Record<string, FamilyAction>> = {
  iam_access_key: { type: 'deactivate_access_key', reversible: true, rollback: 'reactivate the access key' },
  ec2: { type: 'isolate_instance', reversible: true, rollback: 'restore the instance security groups' },
  malicious_ip: { type: 'block_ip', reversible: true, rollback: 'remove the IP from the WAF IP set' },
  s3: { type: 'block_public_access', reversible: true, rollback: 'restore the bucket public access settings' },
};

/** The "no action" proposal of a family the catalogue does not know. */
export const INVESTIGATE = 'investigate';

/**
 * The proposal for a finding: the family's action on the finding's target,
 * or `investigate` (no action runs) for an unknown family or a missing target.
 */
export function findingAction(
  facts: FindingFacts,
  catalogue: Readonly<Record<string, FamilyAction>> = DEFAULT_FINDING_ACTIONS,
): { action: ProposedAction; rollback?: string } {
  const entry = catalogue[facts.family];
  const target = facts.family === 'malicious_ip' ? facts.remoteIp : facts.resource;
  if (!entry || !target) return { action: { type: INVESTIGATE, target: facts.findingId, reversible: true } };
  return { action: { type: entry.type, target, reversible: entry.reversible }, rollback: entry.rollback };
}
