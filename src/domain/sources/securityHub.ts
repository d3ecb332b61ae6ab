import type { RiskTier } from '../tiers';
import { at, type EnvelopeOrigin, envelopeOrigin } from './read';
import { securityHubResource } from './securityHubResources';
import type { FindingOutcome, FindingSource, FindingTierRules } from './types';

/**
 * What the two Security Hub formats (ASFF, `./securityHubAsff`; OCSF,
 * `./securityHubOcsf`) share once a finding is read: the findings array of
 * the event, and the finding's facts and card.
 */

/** How many findings of one event are read one by one (each may cost a write): the rest are kept together. */
export const MAX_FINDINGS_READ = 100;

/**
 * Every finding of `detail.findings[]`: the first {@link MAX_FINDINGS_READ}
 * each read on its own, and the rest, if any, as one rejection that keeps them
 * (the rejected store holds the whole event) and counts each of them, so that
 * no finding is ever dropped unseen.
 */
function readFindingsArray(
  detail: unknown,
  what: string,
  read: (f: unknown, i: number) => FindingOutcome,
): FindingOutcome[] {
  const findings = at(detail, 'findings');
  if (!Array.isArray(findings) || findings.length === 0)
    return [{ kind: 'rejected', message: `invalid ${what} event: detail.findings: expected a non-empty array` }];
  const outcomes = findings.slice(0, MAX_FINDINGS_READ).map((f, i) => read(f, i));
  const past = findings.length - MAX_FINDINGS_READ;
  if (past > 0) {
    const last = findings.length - 1;
    outcomes.push({
      kind: 'rejected',
      message:
        `${what} event: ${past} finding${past === 1 ? '' : 's'} past the first ${MAX_FINDINGS_READ} of one event ` +
        `(detail.findings[${MAX_FINDINGS_READ}..${last}]) not read; kept here with the event, send at most ` +
        `${MAX_FINDINGS_READ} per event`,
      findings: past,
      metric: 'FindingsPastLimit',
    });
  }
  return outcomes;
}

/**
 * The source of one Security Hub format (`aws.securityhub` events of
 * `detailType`), reading each finding of `detail.findings[]` with `read`.
 * @param what how rejections name the event (`Security Hub`, `OCSF`)
 */
export function securityHubSource(
  name: string,
  detailTypes: readonly string[],
  what: string,
  read: (f: unknown, i: number, rules: FindingTierRules, origin: EnvelopeOrigin) => FindingOutcome,
): FindingSource {
  return {
    name,
    eventSource: 'aws.securityhub',
    detailTypes,
    read: (event, rules) => {
      const origin = envelopeOrigin(event);
      return readFindingsArray(event.detail, what, (f, i) => read(f, i, rules, origin));
    },
  };
}

/** What a Security Hub finding says, as its format's module read it. */
export interface SecurityHubFacts {
  /** The registry name of the format's module (`securityhub-asff`, `securityhub-ocsf`). */
  source: string;
  naturalKey: string;
  tier: RiskTier;
  observedAt: string | undefined;
  id: string;
  title: string;
  type: string;
  /** The severity as the format sent it (ASFF label, OCSF `severity` or `severity_id`). */
  severity: string;
  account: string;
  region: string;
  resourceType: string;
  /** The resource's id as sent (the card shows it); the proposed action's target is derived from it. */
  resourceId: string;
  product: string | undefined;
  firstSeen: string | undefined;
  lastSeen: string | undefined;
  description: string | undefined;
  sample: boolean;
  /** What the response catalogue keys on besides the type: control id, generator, OCSF class. */
  controlId?: string | undefined;
  generator?: string | undefined;
  ocsfClass?: string | undefined;
  /** Whether the card lists the first sighting (the OCSF card has only ever shown the last). */
  firstSeenOnCard: boolean;
}

/** The finding a Security Hub finding makes: its facts, tier and card fields. */
export function securityHubFinding(s: SecurityHubFacts): FindingOutcome {
  const res = securityHubResource(s.resourceType, s.resourceId);
  const { firstSeen, lastSeen, description, controlId, generator, ocsfClass } = s;
  return {
    kind: 'finding',
    naturalKey: s.naturalKey,
    tier: s.tier,
    title: `${s.sample ? 'SAMPLE ' : ''}Security Hub: ${s.title}`,
    ...(s.observedAt !== undefined && { observedAt: s.observedAt }),
    facts: {
      source: s.source,
      findingId: s.id,
      type: s.type,
      account: s.account,
      region: s.region,
      resource: res.target,
      resourceType: s.resourceType,
      family: res.family,
      ...(!res.known && { resourceUnknown: true }),
      ...(controlId && { controlId }),
      ...(generator && { generator }),
      ...(ocsfClass && { ocsfClass }),
      count: 1,
      ...(firstSeen && { firstSeen }),
      ...(lastSeen && { lastSeen }),
      sample: s.sample,
      severity: s.severity,
      ...(description !== undefined && { description }),
      fields: [
        { label: 'Title', value: s.title },
        { label: 'Severity', value: s.severity },
        ...(s.product ? [{ label: 'Product', value: s.product }] : []),
        ...(controlId ? [{ label: 'Control', value: controlId }] : []),
        { label: 'Account', value: s.account },
        ...(s.region ? [{ label: 'Region', value: s.region }] : []),
        ...(s.resourceId ? [{ label: s.resourceType, value: s.resourceId }] : []),
        ...(firstSeen && s.firstSeenOnCard ? [{ label: 'First seen', value: firstSeen }] : []),
        ...(lastSeen ? [{ label: 'Last seen', value: lastSeen }] : []),
      ],
    },
  };
}

/** The finding's type: the first of its `types` (bounded), else its title. */
export function firstType(types: unknown, title: string): string {
  return Array.isArray(types) && typeof types[0] === 'string' ? types[0].slice(0, 300) : title;
}
