import type { RiskTier } from '../domain/tiers';

/** What ingesting one message did. */
export type IngestOutcome =
  | { kind: 'created'; incidentId: string; ts: string }
  | { kind: 'folded'; incidentId: string; into: 'thread' | 'digest' }
  | { kind: 'duplicate'; incidentId: string; reposted: boolean }
  | { kind: 'superseded'; incidentId: string }
  /** A detector re-emitted a finding with a higher count: its incident and card were updated. */
  | { kind: 'updated'; incidentId: string; count: number }
  /** The incident came back needing more approval: it now waits for people under the new tier's policy. */
  | { kind: 'raised'; incidentId: string; from: RiskTier; to: RiskTier; ts: string }
  /** Someone other than the incident's own source named it: a thread note, nothing changed. */
  | { kind: 'noted'; incidentId: string };
