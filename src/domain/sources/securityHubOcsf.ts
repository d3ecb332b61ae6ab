import type { RiskTier } from '../tiers';
import { familyOfResource } from './family';
import { readFindingsArray } from './securityHubAsff';
import { at, FieldError, isObj, num, optStr, optText, str } from './read';
import type { FindingOutcome, FindingSource, FindingTierRules } from './types';

/**
 * AWS Security Hub, `Findings Imported V2`: `detail.findings[]` of OCSF
 * Detection Finding objects (`finding_info.uid`, `severity_id`, `status_id`,
 * `cloud.account.uid`, `cloud.region`, `resources[]`).
 */

/** OCSF `severity_id` → tier (CONTRACT section 7; 0 unknown and 99 other are `medium`: fail towards people). */
export function ocsfTier(severityId: number, rules: FindingTierRules): RiskTier {
  return rules.ocsfSeverity[severityId] ?? 'medium';
}

/** OCSF `status_id`: 3 Suppressed, 4 Resolved, 5 Archived wake nobody. */
const QUIET_STATUS: Record<number, string> = { 3: 'suppressed', 4: 'resolved', 5: 'archived' };

/** Reads finding `i` of an OCSF event. */
export function readOcsfFinding(f: unknown, i: number, rules: FindingTierRules): FindingOutcome {
  const p = `detail.findings[${i}].`;
  if (!isObj(f)) return { kind: 'rejected', message: `invalid OCSF finding: ${p.slice(0, -1)}: expected an object` };
  try {
    const id = str(f, 'finding_info.uid', p, 1000);
    const severityId = num(f, 'severity_id', p, 0, 99);
    const statusId = at(f, 'status_id');
    const status = (optStr(f, 'status', p, 30) ?? '').toLowerCase();
    const quiet =
      (typeof statusId === 'number' ? QUIET_STATUS[statusId] : undefined) ??
      (['suppressed', 'resolved', 'archived'].includes(status) ? status : undefined);
    if (quiet) return { kind: 'ignored', reason: `finding ${id} is ${quiet}`, metric: `FindingsIgnored_${quiet}` };
    const title = str(f, 'finding_info.title', p, 500);
    const account = str(f, 'cloud.account.uid', p, 20);
    const region = optStr(f, 'cloud.region', p, 50) ?? '';
    const resources = at(f, 'resources');
    const r0 = Array.isArray(resources) ? resources[0] : undefined;
    const resourceType = optStr(r0, 'type', `${p}resources[0].`, 200) ?? 'Unknown';
    const resourceId = optText(r0, 'uid', 2000) ?? optText(r0, 'name', 2000) ?? '';
    const types = at(f, 'finding_info.types');
    const type = Array.isArray(types) && typeof types[0] === 'string' ? types[0].slice(0, 300) : title;
    const severity = optStr(f, 'severity', p, 30) ?? String(severityId);
    const description = optStr(f, 'finding_info.desc', p, 200_000);
    const firstSeen = optStr(f, 'finding_info.first_seen_time_dt', p, 50);
    const lastSeen = optStr(f, 'finding_info.last_seen_time_dt', p, 50) ?? optStr(f, 'time_dt', p, 50);
    const product = optStr(f, 'metadata.product.name', p, 100);
    const { family, target } = familyOfResource(resourceType, resourceId);
    return {
      kind: 'finding',
      naturalKey: `securityhub-ocsf:${id}`,
      tier: ocsfTier(severityId, rules),
      title: `Security Hub: ${title}`,
      ...(lastSeen !== undefined && { observedAt: lastSeen }),
      facts: {
        source: 'securityhub-ocsf',
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
        sample: false,
        severity,
        ...(description !== undefined && { description }),
        fields: [
          { label: 'Title', value: title },
          { label: 'Severity', value: severity },
          ...(product ? [{ label: 'Product', value: product }] : []),
          { label: 'Account', value: account },
          ...(region ? [{ label: 'Region', value: region }] : []),
          ...(resourceId ? [{ label: resourceType, value: resourceId }] : []),
          ...(lastSeen ? [{ label: 'Last seen', value: lastSeen }] : []),
        ],
      },
    };
  } catch (e) {
    if (e instanceof FieldError) return { kind: 'rejected', message: `invalid OCSF finding: ${e.message}` };
    throw e;
  }
}

export const securityHubOcsfSource: FindingSource = {
  name: 'securityhub-ocsf',
  eventSource: 'aws.securityhub',
  detailTypes: ['Findings Imported V2'],
  read: (event, rules) => readFindingsArray(event.detail, 'OCSF', (f, i) => readOcsfFinding(f, i, rules)),
};
