import type * as z from 'zod/mini';
import type { ProposedAction } from '../messages';
import type { RiskThresholds } from '../risk';
import type { RiskTier } from '../tiers';

/** One label/value pair a finding's card shows (untrusted value: the card escapes and bounds it). */
export interface CardField {
  label: string;
  value: string;
  /** Shown with the card's longer bound (a URI), not the field bound. */
  long?: boolean;
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
  /** The instance hosting the container of a runtime finding, when the finding names one. */
  host?: string;
  /** Whether an S3 finding's bucket is public (GuardDuty `publicAccess.effectivePermission`); unknown: absent. */
  bucketPublic?: boolean;
  /** Security Hub control id (`EC2.8`), from `Compliance.SecurityControlId` or `ProductFields.ControlId`. */
  controlId?: string;
  /** ASFF `GeneratorId`. */
  generator?: string;
  /** OCSF `class_name` (or `class_uid`). */
  ocsfClass?: string;
  /** True when the resource type was not one the source reads: the identifier is the most specific one found. */
  resourceUnknown?: boolean;
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

/** The resource a finding is about, as a source module read it from the detector's fields. */
export interface AffectedResource {
  /** The kind as the detector names it (`Instance`, `AwsEc2Instance`, `AWS::EC2::Instance`). */
  resourceType: string;
  /** Its identifier (instance id, access key id, bucket name, function name, ARN...). */
  resource: string;
  /** The canonical kind the response catalogue keys on (`ec2`, `s3`, `lambda`, ...). */
  family: string;
  host?: string;
  bucketPublic?: boolean;
  /** What the card shows about it. */
  fields: CardField[];
}

/** What reading one finding of an event gave. */
export type FindingOutcome =
  | { kind: 'finding'; naturalKey: string; tier: RiskTier; title: string; observedAt?: string; facts: FindingFacts }
  | { kind: 'ignored'; reason: string; metric: string }
  /**
   * `message` names every bad field; `subject` is the finding as sent. The
   * registry adds what it would have been (`source`, and, when readable, the
   * `tier` its severity gives and its `findingId`), so people hear of it.
   */
  | {
      kind: 'rejected';
      message: string;
      /** How many findings this rejection keeps (1 unless said: the findings past a limit are kept as one). */
      findings?: number;
      /** A metric counting these findings besides `RejectedFindings` (such as `FindingsPastLimit`). */
      metric?: string;
      subject?: unknown;
      source?: string;
      what?: string;
      tier?: RiskTier;
      findingId?: string;
    };

/** The tier rules of the finding sources (docs/SOURCES.md), part of `RiskThresholds`. */
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

/**
 * What an agent-event source proposes before the agent's own words are
 * applied (`../proposals`): the containment, the default follow-up, the
 * reasoning and evidence drawn from the event's facts.
 */
export interface DefaultProposal {
  containmentAction: ProposedAction;
  proposedAction: ProposedAction;
  reasoning: string;
  evidence: string[];
}

/**
 * What the normalised incident of every agent-event source has; the source's
 * facts stand beside it under a key named like its `kind`.
 * @typeParam K the source's `kind`
 */
export interface IncidentBase<K extends string> {
  /** Short, opaque, stable id (`INC-` + 10 base32 chars) derived from the event's identity. */
  id: string;
  kind: K;
  tier: RiskTier;
  /** When the event happened (from the event, else when chainsec first saw it). */
  observedAt: string;
  /** One line a person can read (the source's `title`). Untrusted parts inside. */
  title: string;
}

/**
 * One of the agent's own event shapes (on-chain transactions, WAF events),
 * sent as raw JSON rather than through EventBridge. Like a {@link FindingSource}
 * it owns its schema (built on first call, never at load), its natural key
 * (the incident id), its tier rule, its title, its proposal and its card
 * fields. Adding one is a module like this and one line in `./index.ts`.
 * @typeParam E the validated raw event
 * @typeParam I the normalised incident (its `kind` names the source)
 */
export interface AgentEventSource<E extends object = object, I extends { kind: string } = { kind: string }> {
  /** The incident `kind` this source's incidents carry (`onchain`, `waf`). */
  kind: I['kind'];
  /** How errors name the shape (`on-chain event`, `WAF event`). */
  label: string;
  /** True when an unvalidated object resembles this shape (its distinctive key is present), to explain errors. */
  resembles(value: Record<string, unknown>): boolean;
  /** True when a validated raw event is this source's. */
  owns(event: object): event is E;
  /** The zod schema of the raw event (built on the first call). */
  eventSchema(): z.ZodMiniType<E>;
  /** The zod schema of the normalised incident (built on the first call). */
  incidentSchema(): z.ZodMiniType<I>;
  /** The natural key: the same event delivered twice gets the same key, hence the same incident id. */
  naturalKey(event: E): string;
  /** The default tier rule, with every threshold from `RiskThresholds`. */
  tier(event: E, thresholds: RiskThresholds): RiskTier;
  /** One line a person can read (untrusted parts inside). */
  title(event: E): string;
  /** The normalised incident with the given tier (its id from the natural key; `receivedAt` when the event has no usable time). */
  normalize(event: E, tier: RiskTier, receivedAt: Date): I;
  /** The proposal drawn from the incident's facts (the agent's own proposal, when attached, wins). */
  proposal(incident: I): DefaultProposal;
  /** The key that folds repeats (same source IP + URI, ...), `undefined` when too broad to call a repeat. */
  patternKey(incident: I): string | undefined;
  /** What the card shows, in order, as data (the pure card builder escapes and bounds it). */
  cardFields(incident: I): CardField[];
  /** The identifying fields, unescaped, shown space-separated on one short line (`tx 0xabc`, `203.0.113.7 POST /login`). */
  identity(incident: I): { prefix?: string; parts: string[] };
  /** The deterministic "why this matters" from the facts (no model), ending with the tier. */
  summary(incident: I): string;
}
