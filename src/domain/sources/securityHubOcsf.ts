import { findingKey } from '../incidentId';
import type { RiskTier } from '../tiers';
import { at, type EnvelopeOrigin, num, optStr, optText, readFinding, str, strOr } from './read';
import { firstType, securityHubFinding, securityHubSource } from './securityHub';
import type { FindingOutcome, FindingTierRules } from './types';

/**
 * AWS Security Hub, `Findings Imported V2`: `detail.findings[]` of OCSF
 * Detection Finding objects (`finding_info.uid`, `severity_id`, `status_id`,
 * `cloud.account.uid`, `cloud.region`, `resources[]`).
 */

/** OCSF `severity_id` → tier (docs/SOURCES.md; 0 unknown and 99 other are `medium`: fail towards people). */
export function ocsfTier(severityId: number, rules: FindingTierRules): RiskTier {
  return rules.ocsfSeverity[severityId] ?? 'medium';
}

/** OCSF `status_id`: 3 Suppressed, 4 Resolved, 5 Archived wake nobody. */
const QUIET_STATUS: Record<number, string> = { 3: 'suppressed', 4: 'resolved', 5: 'archived' };

/**
 * The natural key of an OCSF finding: what Security Hub names a finding by
 * (`cloud.account.uid`, `metadata.product.uid`, `finding_info.uid`), with the
 * region, so that findings of different accounts, regions or products never
 * share an incident. The product's name stands in when it has no uid.
 */
export function ocsfNaturalKey(f: unknown, p: string, seen: { account: string; region: string; id: string }): string {
  const product = optStr(f, 'metadata.product.uid', p) ?? optStr(f, 'metadata.product.name', p) ?? '';
  return findingKey('securityhub-ocsf', [seen.account, seen.region, product, seen.id]);
}

const r0Of = (f: unknown): unknown => {
  const resources = at(f, 'resources');
  return Array.isArray(resources) ? resources[0] : undefined;
};

/** Reads finding `i` of an OCSF event. */
export function readOcsfFinding(
  finding: unknown,
  i: number,
  rules: FindingTierRules,
  origin: EnvelopeOrigin = {},
): FindingOutcome {
  const p = `detail.findings[${i}].`;
  return readFinding('OCSF finding', finding, p.slice(0, -1), (f) => {
    const id = str(f, 'finding_info.uid', p, 1000);
    const severityId = num(f, 'severity_id', p, 0, 99);
    const statusId = at(f, 'status_id');
    const status = (optStr(f, 'status', p, 30) ?? '').toLowerCase();
    const quiet =
      (typeof statusId === 'number' ? QUIET_STATUS[statusId] : undefined) ??
      (['suppressed', 'resolved', 'archived'].includes(status) ? status : undefined);
    if (quiet) return { kind: 'ignored', reason: `finding ${id} is ${quiet}`, metric: `FindingsIgnored_${quiet}` };
    const title = str(f, 'finding_info.title', p, 500);
    const account = strOr(f, 'cloud.account.uid', p, origin.account, 20);
    const region = optStr(f, 'cloud.region', p, 50) ?? optStr(r0Of(f), 'region', p, 50) ?? origin.region ?? '';
    const resources = at(f, 'resources');
    const r0 = Array.isArray(resources) ? resources[0] : undefined;
    const resourceType = optStr(r0, 'type', `${p}resources[0].`, 200) ?? 'Unknown';
    const resourceId = optText(r0, 'uid', 2000) ?? optText(r0, 'uid_alt', 2000) ?? optText(r0, 'name', 2000) ?? '';
    const type = firstType(at(f, 'finding_info.types'), title);
    const severity = optStr(f, 'severity', p, 30) ?? String(severityId);
    const description = optStr(f, 'finding_info.desc', p, 200_000);
    const firstSeen = optStr(f, 'finding_info.first_seen_time_dt', p, 50);
    const lastSeen = optStr(f, 'finding_info.last_seen_time_dt', p, 50) ?? optStr(f, 'time_dt', p, 50);
    return securityHubFinding({
      source: 'securityhub-ocsf',
      naturalKey: ocsfNaturalKey(f, p, { account, region, id }),
      tier: ocsfTier(severityId, rules),
      observedAt: lastSeen,
      id,
      title,
      type,
      severity,
      account,
      region,
      resourceType,
      resourceId,
      product: optStr(f, 'metadata.product.name', p, 100),
      firstSeen,
      lastSeen,
      description,
      sample: false,
      controlId: optStr(f, 'compliance.control', p, 50),
      generator: optStr(f, 'metadata.product.feature.uid', p, 500),
      ocsfClass: optStr(f, 'class_name', p, 100) ?? optText(f, 'class_uid', 20),
      firstSeenOnCard: false,
    });
  });
}

/** The `Findings Imported V2` findings. */
export const securityHubOcsfSource = securityHubSource(
  'securityhub-ocsf',
  ['Findings Imported V2'],
  'OCSF',
  readOcsfFinding,
);
