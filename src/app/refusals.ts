import type { RefusalNoticeFacts } from '../blocks/refusalNotice';
import { DEFAULT_RISK_THRESHOLDS } from '../domain/risk';
import { isFindingEnvelope, readFindings, type FindingOutcome } from '../domain/sources';
import { at, isObj, optText } from '../domain/sources/read';
import { refusedEvent } from '../domain/sources/refusedEvent';
import { isApprovalTier, type RiskTier } from '../domain/tiers';
import { announceRefusal } from './announceRefusal';
import type { AppDeps } from './deps';
import { sha256Hex } from '../domain/sha256';

/*
 * Refusals that needed people: which refused payloads (findings, approval
 * requests, high or critical events) are announced in the channel and paged,
 * and announcing them. Shared by ingest (a refused record) and the workflow's
 * report of an event it refused.
 */

/** What announcing a refused message needs. */
export type RefusalDeps = Pick<AppDeps, 'config' | 'clock' | 'slack' | 'sideDocs' | 'telemetry'>;

/** One refused thing that needed people: what identifies it across deliveries, and what the notice says. */
export interface Refusal {
  key: string;
  facts: RefusalNoticeFacts;
}

/**
 * The refusals of a refused payload (parsed JSON, as sent) that needed
 * people: each finding of a detector's event whose severity calls for a
 * decision (one per finding id), an approval request (its workflow was
 * waiting for people: high or critical), or an agent event or notification
 * whose tier by the rules is high or critical. Nothing for what needed nobody.
 * @param reason why the payload was refused (names every bad field)
 * @param failedWith the error a waiting workflow's task was failed with, if one was
 */
export function refusalsOf(
  value: unknown,
  reason: string,
  deps: Pick<AppDeps, 'config'>,
  failedWith?: string,
): Refusal[] {
  const failedTask = failedWith !== undefined;
  const outcome = failedTask
    ? `Its workflow was failed at once (${failedWith}).`
    : 'No workflow waits for a decision on it.';
  if (isFindingEnvelope(value))
    return readFindings(value, (deps.config?.risk ?? DEFAULT_RISK_THRESHOLDS).findings).flatMap((f) =>
      findingRefusal(f, outcome),
    );
  if (!isObj(value)) return [];
  const key = `payload:${sha256Hex(JSON.stringify(value))}`;
  if (value.kind === 'approval_request' || failedTask) {
    // A workflow was waiting for people: high or critical whatever else is wrong with it.
    const tier: RiskTier = value.tier === 'critical' ? 'critical' : 'high';
    const identity =
      optText(value, 'title', 150) ??
      [optText(value, 'proposedAction.type', 100), optText(value, 'proposedAction.target', 300)]
        .filter(Boolean)
        .join(' on ');
    return [{ key, facts: { tier, what: 'approval request', ...(identity && { identity }), reason, outcome } }];
  }
  const event = value.kind === 'notification' ? at(value, 'incident') : value;
  const risk = deps.config?.risk ?? DEFAULT_RISK_THRESHOLDS;
  const seen = refusedEvent(event, risk);
  const asked = value.kind === 'notification' && typeof value.tier === 'string' ? value.tier : undefined;
  const tier = asked === 'critical' || seen.tier === 'critical' ? 'critical' : (seen.tier ?? asked);
  if (tier === undefined || !isApprovalTier(tier as RiskTier)) return [];
  const { what, identity } = seen;
  return [{ key, facts: { tier: tier as RiskTier, what, ...(identity && { identity }), reason, outcome } }];
}

/** The refusal of one finding that could not be read, when its severity needed people (one key per finding id). */
export function findingRefusal(f: FindingOutcome, outcome = 'No workflow waits for a decision on it.'): Refusal[] {
  if (f.kind !== 'rejected' || f.tier === undefined || !isApprovalTier(f.tier)) return [];
  const id = f.findingId ?? sha256Hex(JSON.stringify(f.subject ?? null));
  const facts: RefusalNoticeFacts = {
    tier: f.tier,
    what: f.what ?? 'finding',
    ...(f.findingId !== undefined && { identity: f.findingId }),
    reason: f.message,
    outcome,
  };
  return [{ key: `finding:${f.source ?? ''}:${id}`, facts }];
}

/** {@link refusalsOf} for a payload as text; none when it is not JSON at all. */
export function refusalsOfText(
  text: string,
  reason: string,
  deps: Pick<AppDeps, 'config'>,
  failedWith?: string,
): Refusal[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  return refusalsOf(value, reason, deps, failedWith);
}

/** Announces each refusal (see `announceRefusal`); a failure throws after trying them all. */
export async function announceRefusals(deps: RefusalDeps, refusals: readonly Refusal[]): Promise<number> {
  let announced = 0;
  let failure: unknown;
  for (const r of refusals) {
    try {
      if ((await announceRefusal(deps, r.key, r.facts)) === 'announced') announced++;
    } catch (e) {
      failure ??= e;
    }
  }
  if (failure !== undefined) throw failure;
  return announced;
}
