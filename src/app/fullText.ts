import type { Incident } from '../domain/incident';
import { fullTextDocument, previewOf, type FullTextRef, type LongText } from '../domain/payloadBounds';
import type { AppDeps } from './deps';

/** The long text of an incident and what carries it: the agent's reasoning and evidence, WAF analysis and follow-up. */
export function longTextOf(incident: Incident, reasoning: string, evidence: string[]): LongText {
  const full: LongText = { reasoning, evidence };
  if (incident.kind === 'waf') {
    if (incident.waf.analysis !== undefined) full.analysis = incident.waf.analysis;
    if (incident.waf.followUp !== undefined) full.followUp = incident.waf.followUp;
  }
  return full;
}

/** The incident with its WAF analysis and follow-up replaced by the preview's. */
export function withPreview(incident: Incident, preview: LongText): Incident {
  if (incident.kind !== 'waf') return incident;
  const { analysis: _a, followUp: _f, ...waf } = incident.waf;
  return {
    ...incident,
    waf: {
      ...waf,
      ...(preview.analysis !== undefined && { analysis: preview.analysis }),
      ...(preview.followUp !== undefined && { followUp: preview.followUp }),
    },
  };
}

/** What {@link keepFullText} gives back: the bounded text, and where the full text is when it was shortened. */
export interface KeptText {
  preview: LongText;
  fullText?: FullTextRef;
}

/**
 * Bounds long text to its preview and, when anything was shortened, stores
 * the full text (content-addressed) and returns its reference. A text that
 * fits is kept as it is, with the reference it already had (`known`, e.g. one
 * the Classify task made). When the store fails the preview still goes on,
 * marked `kept: false` (and counted): an incident is never held back for its
 * long text.
 */
export async function keepFullText(
  deps: Pick<AppDeps, 'fullText' | 'telemetry'>,
  incidentId: string,
  full: LongText,
  known?: FullTextRef | null,
): Promise<KeptText> {
  const { preview, shortened } = previewOf(full);
  if (shortened.length === 0) return { preview, ...(known && { fullText: known }) };
  const base = { evidenceItems: full.evidence.length, shortened };
  try {
    const { sha256, bytes } = await deps.fullText.put(incidentId, full);
    return { preview, fullText: { sha256, bytes, ...base, kept: true } };
  } catch (e) {
    deps.telemetry.error('full text could not be stored; only its preview is kept', {
      incidentId,
      error: (e as Error).message,
    });
    deps.telemetry.metric('FullTextStoreFailures');
    const { sha256, bytes } = fullTextDocument(full);
    return { preview, fullText: { sha256, bytes, ...base, kept: false } };
  }
}

/**
 * The full text behind a record's preview, when it was shortened and kept;
 * otherwise (or when it cannot be read) the preview itself.
 */
export async function resolveFullText(
  deps: Pick<AppDeps, 'fullText' | 'telemetry'>,
  incidentId: string,
  preview: LongText,
  ref: FullTextRef | undefined,
): Promise<{ text: LongText; complete: boolean }> {
  if (!ref) return { text: preview, complete: true };
  if (!ref.kept) return { text: preview, complete: false };
  try {
    const full = await deps.fullText.get(ref.sha256);
    if (full) return { text: full, complete: true };
    deps.telemetry.warn('full text not found', { incidentId, sha256: ref.sha256 });
  } catch (e) {
    deps.telemetry.warn('full text could not be read', { incidentId, error: (e as Error).message });
  }
  return { text: preview, complete: false };
}
