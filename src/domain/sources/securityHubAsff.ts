import { findingKey } from '../incidentId';
import type { RiskTier } from '../tiers';
import { at, type EnvelopeOrigin, FieldError, optStr, readFinding, str, strOr } from './read';
import { firstType, securityHubFinding, securityHubSource } from './securityHub';
import type { FindingOutcome, FindingTierRules } from './types';

/**
 * AWS Security Hub, `Security Hub Findings - Imported`: `detail.findings[]`
 * in the AWS Security Finding Format (ASFF), one incident per finding.
 */

const LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;

/** ASFF `Severity.Label` → tier (docs/SOURCES.md). */
export function asffTier(label: (typeof LABELS)[number], rules: FindingTierRules): RiskTier {
  return rules.securityHubLabel[label];
}

/**
 * The natural key of an ASFF finding. Security Hub names a finding by its
 * `ProductArn` and `Id`, and an `Id` is only unique within its product and
 * account (a scanner names a finding after the image and CVE, the same in
 * every account): the account and region keep findings of different accounts
 * and regions apart, so none folds into another's incident.
 */
export function asffNaturalKey(f: unknown, p: string, seen: { account: string; region: string; id: string }): string {
  const product = optStr(f, 'ProductArn', p) ?? '';
  return findingKey('securityhub', [seen.account, seen.region, product, seen.id]);
}

/** The detail-type of findings a person sent from the console with a custom action. */
export const SECURITY_HUB_CUSTOM_ACTION = 'Security Hub Findings - Custom Action';

/** Reads finding `i` of an ASFF event. */
export function readAsffFinding(
  finding: unknown,
  i: number,
  rules: FindingTierRules,
  origin: EnvelopeOrigin = {},
): FindingOutcome {
  const p = `detail.findings[${i}].`;
  return readFinding('Security Hub finding', finding, p.slice(0, -1), (f) => {
    const id = str(f, 'Id', p, 1000);
    const label = str(f, 'Severity.Label', p, 20);
    if (!(LABELS as readonly string[]).includes(label))
      throw new FieldError(`${p}Severity.Label`, `one of ${LABELS.join(', ')}`);
    const workflow = optStr(f, 'Workflow.Status', p, 30);
    const state = optStr(f, 'RecordState', p, 30);
    if (workflow === 'RESOLVED' || workflow === 'SUPPRESSED')
      return {
        kind: 'ignored',
        reason: `finding ${id} is ${workflow}`,
        metric: `FindingsIgnored_${workflow.toLowerCase()}`,
      };
    if (state === 'ARCHIVED')
      return { kind: 'ignored', reason: `finding ${id} is ARCHIVED`, metric: 'FindingsIgnored_archived' };
    const title = str(f, 'Title', p, 500);
    const account = strOr(f, 'AwsAccountId', p, origin.account, 20);
    const resources = at(f, 'Resources');
    if (!Array.isArray(resources) || resources.length === 0) throw new FieldError(`${p}Resources`, 'a non-empty array');
    const resourceType = str(resources[0], 'Type', `${p}Resources[0].`, 200);
    const resourceId = str(resources[0], 'Id', `${p}Resources[0].`, 2000);
    const region =
      optStr(f, 'Region', p, 50) ?? optStr(resources[0], 'Region', `${p}Resources[0].`, 50) ?? origin.region ?? '';
    const type = firstType(at(f, 'Types'), title);
    const product = optStr(f, 'ProductName', p, 100) ?? optStr(f, 'ProductFields.aws/securityhub/ProductName', p, 100);
    const updatedAt = optStr(f, 'UpdatedAt', p, 50);
    const firstSeen = optStr(f, 'FirstObservedAt', p, 50) ?? optStr(f, 'CreatedAt', p, 50);
    const lastSeen = optStr(f, 'LastObservedAt', p, 50) ?? updatedAt;
    return securityHubFinding({
      source: 'securityhub-asff',
      naturalKey: asffNaturalKey(f, p, { account, region, id }),
      tier: asffTier(label as (typeof LABELS)[number], rules),
      observedAt: updatedAt,
      id,
      title,
      type,
      severity: label,
      account,
      region,
      resourceType,
      resourceId,
      product,
      firstSeen,
      lastSeen,
      description: optStr(f, 'Description', p, 200_000),
      sample: at(f, 'Sample') === true,
      controlId:
        optStr(f, 'Compliance.SecurityControlId', p, 50) ??
        optStr(f, 'ProductFields.ControlId', p, 50) ??
        optStr(f, 'ProductFields.RuleId', p, 50),
      generator: optStr(f, 'GeneratorId', p, 500),
      firstSeenOnCard: true,
    });
  });
}

/** The `Security Hub Findings - Imported` and `- Custom Action` findings. */
export const securityHubAsffSource = securityHubSource(
  'securityhub-asff',
  // A custom action sends the findings a person picked in the console, in the same format.
  ['Security Hub Findings - Imported', SECURITY_HUB_CUSTOM_ACTION],
  'Security Hub',
  readAsffFinding,
);
