import type { RiskTier } from '../tiers';
import { guardDutyResource } from './guarddutyResources';
import {
  at,
  type EnvelopeOrigin,
  envelopeOrigin,
  FieldError,
  num,
  optStr,
  optText,
  readFinding,
  str,
  strOr,
} from './read';
import type { CardField, FindingOutcome, FindingSource, FindingTierRules } from './types';

/**
 * Amazon GuardDuty (`source: aws.guardduty`, `detail-type: GuardDuty Finding`,
 * `detail` = the finding, as in the GuardDuty user guide's finding format).
 */

/** GuardDuty `severity` (1.0..10.0) → tier, bounds inclusive from below (docs/SOURCES.md). */
export function guardDutyTier(severity: number, rules: FindingTierRules['guardduty']): RiskTier {
  if (severity >= rules.critical) return 'critical';
  if (severity >= rules.high) return 'high';
  if (severity >= rules.medium) return 'medium';
  return 'low';
}

/** Remote IP, country and port, from whichever `service.action` the finding has. */
function remoteOf(f: unknown): { ip?: string; country?: string; port?: string } {
  const action = at(f, 'service.action');
  const net = at(action, 'networkConnectionAction');
  const api = at(action, 'awsApiCallAction');
  const probe = at(action, 'portProbeAction.portProbeDetails');
  const first = Array.isArray(probe) ? probe[0] : undefined;
  const details =
    at(net, 'remoteIpDetails') ??
    at(api, 'remoteIpDetails') ??
    at(first, 'remoteIpDetails') ??
    at(action, 'rdsLoginAttemptAction.remoteIpDetails') ??
    at(action, 'kubernetesApiCallAction.remoteIpDetails');
  const ip = optText(details, 'ipAddressV4') ?? optText(details, 'ipAddressV6');
  const country = optText(details, 'country.countryName');
  const port = optText(net, 'remotePortDetails.port') ?? optText(first, 'localPortDetails.port');
  return { ...(ip && { ip }), ...(country && { country }), ...(port && { port }) };
}

/** Reads one GuardDuty finding (the event's `detail`). */
export function readGuardDutyFinding(
  finding: unknown,
  rules: FindingTierRules,
  origin: EnvelopeOrigin = {},
): FindingOutcome {
  return readFinding('GuardDuty finding', finding, 'detail', (f) => {
    const id = str(f, 'id', 'detail.', 300);
    const type = str(f, 'type', 'detail.', 300);
    const severity = num(f, 'severity', 'detail.', 0, 10);
    if (at(f, 'service.archived') === true)
      return { kind: 'ignored', reason: `GuardDuty finding ${id} is archived`, metric: 'FindingsIgnored_archived' };
    const title = optStr(f, 'title', 'detail.', 500) ?? type;
    const account = strOr(f, 'accountId', 'detail.', origin.account, 20);
    const region = strOr(f, 'region', 'detail.', origin.region, 50);
    const res = guardDutyResource(f);
    const remote = remoteOf(f);
    const count = at(f, 'service.count');
    if (count !== undefined && (typeof count !== 'number' || !Number.isInteger(count) || count < 0))
      throw new FieldError('detail.service.count', 'a non-negative integer');
    const firstSeen = optStr(f, 'service.eventFirstSeen', 'detail.', 50);
    const lastSeen = optStr(f, 'service.eventLastSeen', 'detail.', 50);
    const sample = at(f, 'service.additionalInfo.sample') === true;
    const n = typeof count === 'number' ? count : 1;
    // Slack shows at most 10 fields in a section: remote and sightings are one field each.
    const remoteText = remote.ip
      ? `${remote.ip}${remote.country ? ` (${remote.country})` : ''}${remote.port ? ` port ${remote.port}` : ''}`
      : undefined;
    const seen = `${n} time${n === 1 ? '' : 's'}${firstSeen ? `, first ${firstSeen}` : ''}${lastSeen ? `, last ${lastSeen}` : ''}`;
    const fields: CardField[] = [
      { label: 'Type', value: type },
      { label: 'Severity', value: String(severity) },
      { label: 'Account', value: account },
      { label: 'Region', value: region },
      ...res.fields,
      ...(remoteText ? [{ label: 'Remote', value: remoteText }] : []),
      { label: 'Seen', value: seen },
    ];
    const description = optStr(f, 'description', 'detail.', 200_000);
    return {
      kind: 'finding',
      naturalKey: `guardduty:${account}:${region}:${id}`,
      tier: guardDutyTier(severity, rules.guardduty),
      title: `${sample ? 'SAMPLE ' : ''}GuardDuty ${type}: ${title}`,
      ...((lastSeen ?? optStr(f, 'updatedAt', 'detail.', 50)) !== undefined && {
        observedAt: lastSeen ?? optStr(f, 'updatedAt', 'detail.', 50),
      }),
      facts: {
        source: 'guardduty',
        findingId: id,
        type,
        account,
        region,
        resource: res.resource,
        resourceType: res.resourceType,
        family: res.family === 'unknown' && remote.ip ? 'malicious_ip' : res.family,
        ...(res.host && { host: res.host }),
        ...(res.bucketPublic !== undefined && { bucketPublic: res.bucketPublic }),
        ...(!res.known && { resourceUnknown: true }),
        ...(remote.ip && { remoteIp: remote.ip }),
        count: n,
        ...(firstSeen && { firstSeen }),
        ...(lastSeen && { lastSeen }),
        sample,
        severity: String(severity),
        ...(description !== undefined && { description }),
        fields,
      },
    };
  });
}

export const guardDutySource: FindingSource = {
  name: 'guardduty',
  eventSource: 'aws.guardduty',
  detailTypes: ['GuardDuty Finding'],
  read: (event, rules) => [readGuardDutyFinding(event.detail, rules, envelopeOrigin(event))],
};
