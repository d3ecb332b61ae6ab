import type { RiskTier } from '../tiers';
import { familyOfResource } from './family';
import { at, FieldError, isObj, optStr, str } from './read';
import type { FindingOutcome, FindingSource, FindingTierRules } from './types';

/**
 * AWS Security Hub, `Security Hub Findings - Imported`: `detail.findings[]`
 * in the AWS Security Finding Format (ASFF), one incident per finding.
 */

const LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;

/** ASFF `Severity.Label` → tier (CONTRACT section 7). */
export function asffTier(label: (typeof LABELS)[number], rules: FindingTierRules): RiskTier {
  return rules.securityHubLabel[label];
}

/** Reads finding `i` of an ASFF event. */
export function readAsffFinding(f: unknown, i: number, rules: FindingTierRules): FindingOutcome {
  const p = `detail.findings[${i}].`;
  if (!isObj(f))
    return { kind: 'rejected', message: `invalid Security Hub finding: ${p.slice(0, -1)}: expected an object` };
  try {
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
    const account = str(f, 'AwsAccountId', p, 20);
    const resources = at(f, 'Resources');
    if (!Array.isArray(resources) || resources.length === 0) throw new FieldError(`${p}Resources`, 'a non-empty array');
    const resourceType = str(resources[0], 'Type', `${p}Resources[0].`, 200);
    const resourceId = str(resources[0], 'Id', `${p}Resources[0].`, 2000);
    const region = optStr(f, 'Region', p, 50) ?? optStr(resources[0], 'Region', `${p}Resources[0].`, 50) ?? '';
    const types = at(f, 'Types');
    const type = Array.isArray(types) && typeof types[0] === 'string' ? types[0].slice(0, 300) : title;
    const product = optStr(f, 'ProductName', p, 100) ?? optStr(f, 'ProductFields.aws/securityhub/ProductName', p, 100);
    const updatedAt = optStr(f, 'UpdatedAt', p, 50);
    const firstSeen = optStr(f, 'FirstObservedAt', p, 50) ?? optStr(f, 'CreatedAt', p, 50);
    const lastSeen = optStr(f, 'LastObservedAt', p, 50) ?? updatedAt;
    const description = optStr(f, 'Description', p, 200_000);
    const sample = at(f, 'Sample') === true;
    const { family, target } = familyOfResource(resourceType, resourceId);
    return {
      kind: 'finding',
      naturalKey: `securityhub:${id}`,
      tier: asffTier(label as (typeof LABELS)[number], rules),
      title: `${sample ? 'SAMPLE ' : ''}Security Hub: ${title}`,
      ...(updatedAt !== undefined && { observedAt: updatedAt }),
      facts: {
        source: 'securityhub-asff',
        findingId: id,
        type,
        account,
        region,
        resource: target,
        resourceType,
        family,
        count: 1,
        ...(firstSeen && { firstSeen }),
        ...(lastSeen && { lastSeen }),
        sample,
        severity: label,
        ...(description !== undefined && { description }),
        fields: [
          { label: 'Title', value: title },
          { label: 'Severity', value: label },
          ...(product ? [{ label: 'Product', value: product }] : []),
          { label: 'Account', value: account },
          ...(region ? [{ label: 'Region', value: region }] : []),
          { label: resourceType, value: resourceId },
          ...(firstSeen ? [{ label: 'First seen', value: firstSeen }] : []),
          ...(lastSeen ? [{ label: 'Last seen', value: lastSeen }] : []),
        ],
      },
    };
  } catch (e) {
    if (e instanceof FieldError) return { kind: 'rejected', message: `invalid Security Hub finding: ${e.message}` };
    throw e;
  }
}

/** Every finding of `detail.findings[]`, each read on its own. */
export function readFindingsArray(
  detail: unknown,
  what: string,
  read: (f: unknown, i: number) => FindingOutcome,
): FindingOutcome[] {
  const findings = at(detail, 'findings');
  if (!Array.isArray(findings) || findings.length === 0)
    return [{ kind: 'rejected', message: `invalid ${what} event: detail.findings: expected a non-empty array` }];
  return findings.slice(0, 100).map((f, i) => read(f, i));
}

export const securityHubAsffSource: FindingSource = {
  name: 'securityhub-asff',
  eventSource: 'aws.securityhub',
  detailTypes: ['Security Hub Findings - Imported'],
  read: (event, rules) => readFindingsArray(event.detail, 'Security Hub', (f, i) => readAsffFinding(f, i, rules)),
};
