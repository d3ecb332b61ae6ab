import * as z from 'zod/mini';
import './zodSetup';
import type { Incident, RawIncidentEvent } from './incident';
import type { Receipt } from './receipt';
import { IncidentSchema, RawIncidentEventSchema } from './incidentSchemas';
import { APPROVAL_TIERS, RISK_TIERS } from './tiers';

/**
 * Messages that reach the ingest handler (SNS, EventBridge, SQS): approval
 * requests sent by the workflow's `.waitForTaskToken` state, and incident
 * notifications. A bare raw incident event is read as a notification.
 */

/** What the agent proposes to do (or did); `parameters` are the executor's (docs/INTERFACES.md#approval-requests-from-any-workflow). */
export const ProposedActionSchema = z.object({
  type: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  target: z.string().check(z.trim(), z.minLength(1), z.maxLength(1000)),
  parameters: z.optional(z.record(z.string(), z.json())),
  reversible: z.boolean(),
});
export type ProposedAction = z.infer<typeof ProposedActionSchema>;

/** An automatic containment the agent already carried out (critical tier). */
export const ContainmentSchema = z.extend(ProposedActionSchema, {
  at: z.string().check(z.maxLength(100)),
  /** `skipped` in dry run (nothing was changed), `failed` when the executor could not be reached. */
  status: z._default(z.enum(['executed', 'skipped', 'failed']), 'executed'),
  detail: z.optional(z.string().check(z.maxLength(1000))),
});
export type Containment = z.infer<typeof ContainmentSchema>;

/** Where the full text of a shortened message is kept (see `FullTextRef`); `null` when nothing was shortened. */
export const FullTextRefSchema = z.nullable(
  z.object({
    sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
    bytes: z.int().check(z.nonnegative()),
    evidenceItems: z.int().check(z.nonnegative()),
    shortened: z.array(z.enum(['reasoning', 'evidence', 'analysis', 'followUp'])).check(z.maxLength(4)),
    kept: z.boolean(),
  }),
);

/** Evidence items are strings or small objects; objects are shown as JSON. */
const EvidenceItemSchema = z.union([z.string().check(z.maxLength(50_000)), z.record(z.string(), z.unknown())]);

/** An incident as the message carries it: already normalised, or raw. */
export const IncidentInputSchema = z.union([IncidentSchema, RawIncidentEventSchema]);
export type IncidentInput = Incident | RawIncidentEvent;

/** Bounds of a request's `title` and `context` (docs/INTERFACES.md#approval-requests-from-any-workflow). */
export const REQUEST_BOUNDS = { title: 150, contextEntries: 20, contextLabel: 50, contextValue: 500 } as const;

/**
 * What a person needs to know beside the action, as `label: value` pairs the
 * card shows (at most {@link REQUEST_BOUNDS}`.contextEntries`; untrusted text).
 */
export const RequestContextSchema = z
  .record(
    z.string().check(z.trim(), z.minLength(1), z.maxLength(REQUEST_BOUNDS.contextLabel)),
    z.string().check(z.maxLength(REQUEST_BOUNDS.contextValue)),
  )
  .check(
    z.refine((c) => Object.keys(c).length <= REQUEST_BOUNDS.contextEntries, {
      message: `at most ${REQUEST_BOUNDS.contextEntries} context entries`,
    }),
  );

/**
 * An approval request from a workflow's `.waitForTaskToken` state
 * (docs/INTERFACES.md#approval-requests-from-any-workflow): about an `incident`, or, from any workflow, with a `title` (and
 * optional `context`) and no incident. One of the two is required.
 */
export const ApprovalRequestSchema = z
  .object({
    kind: z.literal('approval_request'),
    taskToken: z.string().check(z.minLength(1), z.maxLength(8192)),
    executionArn: z.optional(z.string().check(z.maxLength(2048))),
    incident: z.optional(IncidentInputSchema),
    /** What is asked, one line; required when there is no `incident`. */
    title: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(REQUEST_BOUNDS.title))),
    context: z.optional(RequestContextSchema),
    tier: z.enum(APPROVAL_TIERS),
    proposedAction: ProposedActionSchema,
    reasoning: z._default(z.string().check(z.maxLength(200_000)), ''),
    evidence: z._default(z.array(EvidenceItemSchema).check(z.maxLength(200)), []),
    containment: z.optional(ContainmentSchema),
    fullText: z.optional(FullTextRefSchema),
    /** Who asked: a Slack user id when a person triggered the agent, else the agent's name. */
    requestedBy: z.optional(z.string().check(z.maxLength(200))),
    dryRun: z._default(z.boolean(), false),
  })
  .check(
    z.refine((r) => r.incident !== undefined || r.title !== undefined, {
      message: 'required when the request has no incident',
      path: ['title'],
    }),
  );
export type ApprovalRequest = z.infer<typeof ApprovalRequestSchema> & {
  /** `actionDigest` of `proposedAction` as it arrived, before parsing (set by `parseInbound`, never read from the message). */
  actionDigest?: string;
};

export const NotificationSchema = z.object({
  kind: z.literal('notification'),
  incident: IncidentInputSchema,
  tier: z.optional(z.enum(RISK_TIERS)),
  /** What the workflow did on its own (low tier auto-containment). */
  actionTaken: z.optional(z.extend(ProposedActionSchema, { status: z.enum(['executed', 'failed', 'skipped']) })),
  reasoning: z.optional(z.string().check(z.maxLength(200_000))),
  evidence: z.optional(z.array(EvidenceItemSchema).check(z.maxLength(200))),
  fullText: z.optional(FullTextRefSchema),
  dryRun: z._default(z.boolean(), false),
});
export type Notification = z.infer<typeof NotificationSchema>;

/** Anything the ingest handler accepts. */
export type InboundMessage = ApprovalRequest | Notification;

/** Renders evidence items as strings (objects as compact JSON). */
export function evidenceAsText(items: ReadonlyArray<string | Record<string, unknown>> | undefined): string[] {
  return (items ?? []).map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
}

/** The decision a person (or the sweep) returns to the workflow through `SendTaskSuccess`. */
export interface WorkflowDecisionOutput {
  decision: 'approve' | 'deny' | 'rollback' | 'expired';
  decidedBy: string[];
  decidedAt: string;
  incidentId: string;
  /** hash of the signed ledger `decision` entry that authorises this output */
  ledgerHash: string;
  dryRun: boolean;
  /** For approve, rollback, and an expiry that rolls a containment back: what executors check (docs/RECEIPTS.md). */
  receipt?: Receipt;
  /** Why, as the people who decided gave it (docs/INTERFACES.md#approval-requests-from-any-workflow); absent when none did. Untrusted text. */
  reason?: string;
}
