import { z } from 'zod';
import { IncidentSchema, RawIncidentEventSchema, type Incident, type RawIncidentEvent } from './incident';
import { APPROVAL_TIERS, RISK_TIERS } from './tiers';

/**
 * Messages that reach the ingest handler (SNS, EventBridge, SQS): approval
 * requests sent by the workflow's `.waitForTaskToken` state, and incident
 * notifications. A bare raw incident event is read as a notification.
 */

/** What the agent proposes to do (or did). */
export const ProposedActionSchema = z.object({
  type: z.string().trim().min(1).max(100),
  target: z.string().trim().min(1).max(1000),
  reversible: z.boolean(),
});
export type ProposedAction = z.infer<typeof ProposedActionSchema>;

/** An automatic containment the agent already carried out (critical tier). */
export const ContainmentSchema = ProposedActionSchema.extend({
  at: z.string().max(100),
  /** `skipped` in dry run (nothing was changed), `failed` when the executor could not be reached. */
  status: z.enum(['executed', 'skipped', 'failed']).default('executed'),
  detail: z.string().max(1000).optional(),
});
export type Containment = z.infer<typeof ContainmentSchema>;

/** Evidence items are strings or small objects; objects are shown as JSON. */
const EvidenceItemSchema = z.union([z.string().max(50_000), z.record(z.string(), z.unknown())]);

/** An incident as the message carries it: already normalised, or raw. */
export const IncidentInputSchema = z.union([IncidentSchema, RawIncidentEventSchema]);
export type IncidentInput = Incident | RawIncidentEvent;

export const ApprovalRequestSchema = z.object({
  kind: z.literal('approval_request'),
  taskToken: z.string().min(1).max(8192),
  executionArn: z.string().max(2048).optional(),
  incident: IncidentInputSchema,
  tier: z.enum(APPROVAL_TIERS),
  proposedAction: ProposedActionSchema,
  reasoning: z.string().max(200_000).default(''),
  evidence: z.array(EvidenceItemSchema).max(200).default([]),
  containment: ContainmentSchema.optional(),
  /** Who asked: a Slack user id when a person triggered the agent, else the agent's name. */
  requestedBy: z.string().max(200).optional(),
  dryRun: z.boolean().default(false),
});
export type ApprovalRequest = z.infer<typeof ApprovalRequestSchema>;

export const NotificationSchema = z.object({
  kind: z.literal('notification'),
  incident: IncidentInputSchema,
  tier: z.enum(RISK_TIERS).optional(),
  /** What the workflow did on its own (low tier auto-containment). */
  actionTaken: ProposedActionSchema.extend({ status: z.enum(['executed', 'failed', 'skipped']) }).optional(),
  reasoning: z.string().max(200_000).optional(),
  evidence: z.array(EvidenceItemSchema).max(200).optional(),
  dryRun: z.boolean().default(false),
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
}
