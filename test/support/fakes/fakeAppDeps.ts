import type { AppDeps } from '../../../src/app/deps';
import { fixedClock, type Clock } from '../../../src/domain/clock';
import type { OnCallShift } from '../../../src/domain/escalation';
import { defaultApprovalPolicy } from '../../../src/domain/policy';
import { parseRoutes } from '../../../src/domain/routes';
import { DEFAULT_RISK_THRESHOLDS } from '../../../src/domain/risk';
import type { AnchorStore } from '../../../src/services/AnchorStore';
import { FallbackSummarizer } from '../../../src/services/FallbackSummarizer';
import type { Notifier } from '../../../src/services/Notifier';
import { FakeSigner } from './FakeSigner';
import { FakeWorkflowGateway } from './FakeWorkflowGateway';
import { InMemoryFullTextStore } from './InMemoryFullTextStore';
import { createInMemoryPorts, type InMemoryStorage } from './inMemoryPorts';
import { RecordingSlackGateway } from './RecordingSlackGateway';
import { RecordingTelemetry } from './RecordingTelemetry';

/** The sandbox's identities (docs/SANDBOX.md), used by the fakes' defaults. */
export const APPROVALS = 'C0APPROVALS';
export const APPROVERS = ['U0APPROVER1', 'U0APPROVER2', 'U0APPROVER3', 'U0ONCALL1', 'U0ONCALL2'] as const;
export const ON_CALL: OnCallShift[] = [{ start: '2020-01-01T00:00:00Z', primary: 'U0ONCALL1', secondary: 'U0ONCALL2' }];

/** AppDeps on fakes, and the fakes themselves for arranging and asserting. */
export interface FakeAppDeps {
  deps: AppDeps;
  storage: InMemoryStorage;
  signer: FakeSigner;
  slack: RecordingSlackGateway;
  workflow: FakeWorkflowGateway;
  telemetry: RecordingTelemetry;
}

/** Options of {@link fakeAppDeps}. */
export interface FakeAppDepsOptions {
  now?: Date | string;
  clock?: Clock;
  onCall?: OnCallShift[];
  dryRun?: boolean;
  /** The actions topic (none unless given, as when ACTIONS_TOPIC_ARN is unset), e.g. a RecordingNotifier. */
  notifier?: Notifier;
  /** Write-once anchor storage (none unless given: the sweep then writes no anchor), e.g. a FakeAnchorStore. */
  anchors?: AnchorStore;
}

/**
 * Every port of AppDeps on a fake: in-memory storage enforcing DynamoDB's
 * conditions, a fake signer, a recording Slack gateway, a fake workflow, the
 * default policy for the sandbox's approvers in `C0APPROVALS`, a fixed clock.
 */
export function fakeAppDeps(options: FakeAppDepsOptions = {}): FakeAppDeps {
  const storage = createInMemoryPorts();
  const signer = new FakeSigner();
  const slack = new RecordingSlackGateway();
  const workflow = new FakeWorkflowGateway();
  const telemetry = new RecordingTelemetry();
  const deps: AppDeps = {
    config: {
      approvalsChannel: APPROVALS,
      routes: [],
      policy: defaultApprovalPolicy({ approverUserIds: APPROVERS, approvalsChannel: APPROVALS }),
      onCall: options.onCall ?? ON_CALL,
      dryRun: options.dryRun ?? false,
      risk: DEFAULT_RISK_THRESHOLDS,
      mcp: { agents: [], resultRetentionSeconds: 86_400, upstreams: [] },
      previousSigningKeyIds: [],
    },
    ...storage.ports,
    fullText: new InMemoryFullTextStore(),
    signer,
    workflow,
    slack,
    summarizer: new FallbackSummarizer(),
    ...(options.notifier && { notifier: options.notifier }),
    ...(options.anchors && { anchors: options.anchors }),
    clock: options.clock ?? fixedClock(options.now ?? '2026-11-23T10:00:00Z'),
    telemetry,
  };
  return { deps, storage, signer, slack, workflow, telemetry };
}

/**
 * {@link fakeAppDeps} with one route: critical incidents to `C0CRITICAL`,
 * decided by `U0APPROVER1` only (the routing unit tests' setting).
 */
export function fakeRoutedAppDeps(options: Parameters<typeof fakeAppDeps>[0] = {}): ReturnType<typeof fakeAppDeps> {
  const f = fakeAppDeps(options);
  f.deps.config = {
    ...f.deps.config,
    routes: parseRoutes(
      JSON.stringify([
        { name: 'critical', channel: 'C0CRITICAL', match: { tier: ['critical'] }, approverUserIds: ['U0APPROVER1'] },
      ]),
    ),
  };
  return f;
}
