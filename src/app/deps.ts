import type { Config } from '../config';
import type { AnchorStore } from '../services/AnchorStore';
import type { Clock } from '../domain/clock';
import type { FullTextStore } from '../services/FullTextStore';
import type { Notifier } from '../services/Notifier';
import type { Signer } from '../services/Signer';
import type { StoragePorts } from '../services/StoragePorts';
import type { SlackGateway } from '../services/SlackGateway';
import type { Summarizer } from '../services/Summarizer';
import type { WorkflowGateway } from '../services/WorkflowGateway';
import type { Telemetry } from './telemetry';
import type { Tracing } from './tracing';

/**
 * The ports every use case receives; handlers build them once per container.
 * The storage ports (`incidents`, `outbox`, `ledger`, `claims`, `counters`,
 * `sideDocs`, `rejected`) come from {@link StoragePorts}.
 */
export interface AppDeps extends StoragePorts {
  config: Pick<
    Config,
    'approvalsChannel' | 'policy' | 'onCall' | 'dryRun' | 'risk' | 'routes' | 'mcp' | 'previousSigningKeyIds'
  >;
  /** The agent's long text in full, apart from the incident (messages and states carry a preview). */
  fullText: FullTextStore;
  signer: Signer;
  workflow: WorkflowGateway;
  slack: SlackGateway;
  summarizer: Summarizer;
  notifier?: Notifier;
  /** Write-once storage of anchors (S3 with Object Lock); the sweep writes none without it. */
  anchors?: AnchorStore;
  clock: Clock;
  telemetry: Telemetry;
  /** Spans around use cases (X-Ray in AWS); none when left out. */
  tracing?: Tracing;
}

/**
 * What changing an incident and showing the change needs: the policy and the
 * clock, the store and its outbox, the signer for the ledger entries, Slack
 * for the card, and telemetry. Most use cases take this and a few ports more.
 */
export type IncidentChangeDeps = Pick<
  AppDeps,
  'config' | 'clock' | 'slack' | 'incidents' | 'outbox' | 'signer' | 'telemetry'
>;
