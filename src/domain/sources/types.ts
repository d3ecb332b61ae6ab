import type { RiskTier } from '../tiers';

/** One label/value pair a finding's card shows (untrusted value: the card escapes and bounds it). */
export interface CardField {
  label: string;
  value: string;
}

/** The normalised facts of a security finding, whatever detector sent it. */
export interface FindingFacts {
  /** Registry name of the source module (`guardduty`, `securityhub-asff`, `securityhub-ocsf`). */
  source: string;
  findingId: string;
  /** GuardDuty `type`, ASFF `Types[0]`/`Title`, OCSF `finding_info.types[0]`/`title`. */
  type: string;
  account: string;
  region: string;
  /** The affected resource's identifier (instance id, access key id, bucket, cluster or ARN). */
  resource: string;
  /** The resource kind the detector names (`Instance`, `AccessKey`, `AwsEc2Instance`, ...). */
  resourceType: string;
  /** The action family the proposed-action catalogue keys on (`ec2`, `iam_access_key`, `s3`, ...). */
  family: string;
  remoteIp?: string;
  /** How many times the detector saw it (GuardDuty `service.count`; 1 otherwise). */
  count: number;
  firstSeen?: string;
  lastSeen?: string;
  sample: boolean;
  /** The detector's severity as it sent it (number or label), shown on the card. */
  severity: string;
  description?: string;
  /** What the card shows, in order, as data (the pure card builder renders them). */
  fields: CardField[];
}

/** What reading one finding of an event gave. */
export type FindingOutcome =
  | { kind: 'finding'; naturalKey: string; tier: RiskTier; title: string; observedAt?: string; facts: FindingFacts }
  | { kind: 'ignored'; reason: string; metric: string }
  | { kind: 'rejected'; message: string };

/** The tier rules of the finding sources (CONTRACT section 7), configurable through `RiskThresholds`. */
export interface FindingTierRules {
  /** GuardDuty `severity` at or above each bound gets that tier (else low). */
  guardduty: { critical: number; high: number; medium: number };
  /** Security Hub ASFF `Severity.Label` → tier. */
  securityHubLabel: Record<'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL', RiskTier>;
  /** OCSF `severity_id` 0..6 → tier (0 unknown, 99 other fall back to `medium`). */
  ocsfSeverity: readonly [RiskTier, RiskTier, RiskTier, RiskTier, RiskTier, RiskTier, RiskTier];
}

export const DEFAULT_FINDING_TIERS: FindingTierRules = {
  guardduty: { critical: 9, high: 7, medium: 4 },
  securityHubLabel: { INFORMATIONAL: 'low', LOW: 'low', MEDIUM: 'medium', HIGH: 'high', CRITICAL: 'critical' },
  ocsfSeverity: ['medium', 'low', 'low', 'medium', 'high', 'critical', 'critical'],
};

/** An EventBridge event as EventBridge delivers it. */
export interface EventEnvelope {
  source: string;
  'detail-type': string;
  account?: unknown;
  region?: unknown;
  time?: unknown;
  detail: unknown;
}

/**
 * One detector: which events it reads and how it turns each finding into
 * facts, a tier and a natural key. Adding a detector is one module like this
 * and one line in `./index.ts`.
 */
export interface FindingSource {
  name: string;
  /** The EventBridge `source` this module reads. */
  eventSource: string;
  /** The `detail-type`s it reads; other detail-types from `eventSource` are ignored with a metric. */
  detailTypes: readonly string[];
  /** Reads every finding of one event (one bad finding never hides the others). */
  read(event: EventEnvelope, rules: FindingTierRules): FindingOutcome[];
}
