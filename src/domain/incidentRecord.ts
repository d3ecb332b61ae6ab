import { announcementOwed } from './announcement';
import type { Incident } from './incident';
import type { Containment, ProposedAction } from './messages';
import type { FullTextRef } from './payloadBounds';
import type { EffectivePolicy } from './effectivePolicy';
import type { Decision, Vote } from './votes';
import type { RiskTier } from './tiers';
import type { Origin } from './origin';
import type { JsonValue } from './ledger';

/** Where an incident is in its life. */
export const IncidentStatus = {
  /** Low / medium: shown, nothing to decide. */
  Notified: 'notified',
  /** Waiting for people. */
  Pending: 'pending',
  /** People decided (the decision may not be delivered to the workflow yet). */
  Decided: 'decided',
  /** The deadline passed, or the workflow's task was gone. */
  Expired: 'expired',
} as const;
export type IncidentStatus = (typeof IncidentStatus)[keyof typeof IncidentStatus];

/** Whether a stored decision has reached the workflow. */
export const DeliveryStatus = {
  Pending: 'pending',
  Delivered: 'delivered',
  /** Step Functions no longer knew the token (it had timed out or finished). */
  TokenGone: 'token_gone',
} as const;
export type DeliveryStatus = (typeof DeliveryStatus)[keyof typeof DeliveryStatus];

/** How the "why this matters" summary was made. */
export type SummarySource = 'bedrock' | 'fallback';

/** The result of an action the workflow ran (or would have run, in dry run). */
export interface ActionResult {
  operation: 'contain' | 'execute' | 'rollback' | 'close';
  status: 'executed' | 'skipped' | 'failed';
  type?: string;
  target?: string;
  reversible?: boolean;
  /** A containment's parameters (what rolling it back undoes). */
  parameters?: Record<string, JsonValue>;
  dryRun: boolean;
  at: string;
  detail?: string;
}

/**
 * Everything chainsec keeps about one incident, as the use cases and card
 * builders see it. The task token is deliberately not part of this view.
 */
export interface IncidentRecord {
  incident: Incident;
  tier: RiskTier;
  /**
   * The rules this incident is decided by, fixed at ingest (see `effectivePolicy`)
   * and signed into its `incident_received` entry. Absent on records stored
   * before policies were kept: those are judged by the configuration as read
   * (see `recordPolicy`).
   */
  policy?: EffectivePolicy;
  status: IncidentStatus;
  /** `approval` when people must decide, else `notification`. */
  kind: 'approval' | 'notification';
  /** Who the incident came from, decided by how it was delivered (see `origin.ts`); absent on records written before. */
  origin?: Origin;
  proposedAction?: ProposedAction;
  containment?: Containment;
  /** `actionDigest` of the containment's action (type, target, parameters, reversible): what a rollback receipt allows. */
  containmentDigest?: string;
  /** The agent's reasoning (untrusted), bounded to its preview when `fullText` is set. Cards show it shortened. */
  reasoning: string;
  /** The agent's evidence (untrusted), bounded to its preview when `fullText` is set. */
  evidence: string[];
  /** Where the full text is when the reasoning, evidence or WAF analysis here is a preview. */
  fullText?: FullTextRef;
  summary?: { text: string; source: SummarySource };
  /** Who asked: a normalised Slack user id, or an agent's name (see `parseRequester`). */
  requestedBy?: string;
  /** True when `requestedBy` is a user the workspace knows (`users.info` at ingest): only then is it a mention. */
  requesterKnown?: boolean;
  /**
   * The Slack user who started this request through chainsec itself, set by
   * chainsec and never read from the request. Only this user gets the
   * decision's reasons by DM: a request's own `requestedBy` is untrusted text
   * and never chooses who is told (the card's thread is).
   */
  startedBy?: string;
  requestedAt: string;
  deadline?: string;
  votes: Vote[];
  decision?: Decision;
  decidedBy?: string[];
  decidedAt?: string;
  /** `actionDigest` of the request's `proposedAction` as it arrived: what a receipt allows. */
  actionDigest?: string;
  /** Hash of the signed `decision` ledger entry the workflow output cites. */
  decisionHash?: string;
  delivery?: DeliveryStatus;
  acknowledgedBy?: string;
  acknowledgedAt?: string;
  escalationLevel: number;
  lastEscalatedAt?: string;
  channel?: string;
  ts?: string;
  /** The card needs a `chat.update` that has not succeeded yet. */
  cardStale?: boolean;
  dryRun: boolean;
  falsePositive?: { by: string; at: string };
  actions: ActionResult[];
  executionArn?: string;
  /** Times the same pattern repeated (folded into a thread under this card). */
  repeats?: number;
  /**
   * Where the incident is shown when it has no card of its own: rolled into a
   * digest during a storm, or folded into the thread of the first card of its pattern.
   */
  shownIn?: { kind: 'digest' | 'thread'; key: string; firstIncidentId?: string };
  /**
   * Set when the workflow could not deliver this incident's approval request
   * (or the request was refused): it failed closed without asking anyone.
   */
  undelivered?: { at: string; error: string; cause: string; executionArn?: string };
  /** The decision's notices (a line in the card's thread, a DM to the requester), each sent once: see `announcement.ts`. */
  announcement?: Announcement;
  ledgerSeq: number;
  ledgerHead: string;
}

/**
 * Work remains for the sweep: a pending request, an undelivered decision, a
 * card to fix, a decision's notices to send, or a card shown nowhere yet
 * (its post failed, or a crash came first).
 */
export function hasWorkLeft(record: IncidentRecord): boolean {
  return (
    record.status === IncidentStatus.Pending ||
    record.delivery === DeliveryStatus.Pending ||
    record.cardStale === true ||
    // A decision whose thread line or requester DM is not sent yet (see announcement.ts).
    announcementOwed(record) ||
    (!record.ts && !record.shownIn)
  );
}

/** What happened to one notice: sent, or nothing to send it to (no card, no known requester). */
export type NoticeState = 'sent' | 'skipped';

/**
 * The notices of a decision. `claimedAt` is a lease: whoever set it sends what
 * is not done yet; past the lease (a crash mid-send) the sweep takes it over.
 */
export interface Announcement {
  /** Absent when nobody holds the lease (after a failed send, for the next sweep to retry). */
  claimedAt?: string;
  /** Sends tried so far; past a bound, what is still not sent is given up (logged), never retried forever. */
  attempts?: number;
  thread?: NoticeState;
  requester?: NoticeState;
}
