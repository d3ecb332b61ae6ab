import { createHash } from 'node:crypto';

/**
 * Bounds on what the workflow carries. An SNS message and a Step Functions
 * state are each at most 256 KiB (UTF-8 bytes of the JSON), and a DynamoDB
 * item 400 KB; the agent's text may be far longer (a 200,000-character
 * analysis, 200 evidence items). So the long text travels as a bounded
 * preview plus a reference to the full text, which is stored on its own
 * (see `FullTextStore`). Every measure here is bytes of JSON, not characters:
 * `é` is 2 bytes, `€` 3, an emoji 4, a control character escaped as `\u0001` 6.
 */

/** SNS's message limit and Step Functions' state payload limit (both 256 KiB). */
export const PAYLOAD_LIMIT_BYTES = 256 * 1024;

/**
 * What a preview may hold, in bytes of JSON. With every other field at its
 * schema maximum (a URI of 8,192 escaped characters included) an approval
 * request stays near 100 KiB: well under {@link PAYLOAD_LIMIT_BYTES}.
 */
export const PREVIEW_LIMITS = {
  reasoningBytes: 8_000,
  analysisBytes: 4_000,
  followUpBytes: 2_000,
  evidenceItems: 20,
  evidenceItemBytes: 1_000,
  evidenceTotalBytes: 12_000,
} as const;

/** Ends a shortened text, so a reader sees that it was shortened. */
export const SHORTENED_MARK = ' …[shortened]';

/** The agent's long text about one incident, in full. */
export interface LongText {
  reasoning: string;
  evidence: string[];
  /** WAF: the triage agent's `security_analysis`. */
  analysis?: string;
  /** WAF: its `follow_up_suggestion`. */
  followUp?: string;
}

/** A field of {@link LongText}. */
export type LongTextField = 'reasoning' | 'evidence' | 'analysis' | 'followUp';

/**
 * Where the full text of a shortened incident is kept, and what the preview
 * left out. It travels with the preview (state, messages, the record).
 */
export interface FullTextRef {
  /** Lowercase hex SHA-256 of the stored document's JSON: its key, and the check that it is the one meant. */
  sha256: string;
  /** Size of that JSON, UTF-8 bytes. */
  bytes: number;
  /** Evidence items in the full text (the preview may hold fewer). */
  evidenceItems: number;
  /** The fields the preview shortened. */
  shortened: LongTextField[];
  /** `false` when the full text could not be stored: only the preview exists. */
  kept: boolean;
}

/** Bytes one code point takes inside a JSON string (escapes included). */
function jsonCost(codePoint: number): number {
  if (codePoint === 0x22 || codePoint === 0x5c) return 2; // \" and \\
  if (codePoint < 0x20) return [0x08, 0x09, 0x0a, 0x0c, 0x0d].includes(codePoint) ? 2 : 6; // \n, else \u0001
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return 6; // a lone surrogate is written \udXXX
  return codePoint < 0x10000 ? 3 : 4;
}

/** UTF-8 bytes of `text` as a JSON string, without the quotes. */
export function jsonTextBytes(text: string): number {
  let bytes = 0;
  for (const ch of text) bytes += jsonCost(ch.codePointAt(0)!);
  return bytes;
}

/**
 * `text` cut so that its JSON takes at most `maxBytes`, on a code point
 * boundary (never half an emoji), ending with {@link SHORTENED_MARK} when cut.
 * A text that fits is returned unchanged, so cutting twice changes nothing.
 */
export function cutToBytes(text: string, maxBytes: number): { text: string; cut: boolean } {
  if (jsonTextBytes(text) <= maxBytes) return { text, cut: false };
  const room = maxBytes - jsonTextBytes(SHORTENED_MARK);
  if (room <= 0) return { text: '', cut: true };
  let used = 0;
  let end = 0;
  for (const ch of text) {
    const cost = jsonCost(ch.codePointAt(0)!);
    if (used + cost > room) break;
    used += cost;
    end += ch.length;
  }
  return { text: text.slice(0, end) + SHORTENED_MARK, cut: true };
}

/**
 * Evidence bounded in count, per item and in total; items past the bounds
 * are left out (the full text keeps them). Unchanged when it fits.
 */
export function boundEvidence(
  items: readonly string[],
  limits: Pick<typeof PREVIEW_LIMITS, 'evidenceItems' | 'evidenceItemBytes' | 'evidenceTotalBytes'> = PREVIEW_LIMITS,
): { items: string[]; cut: boolean } {
  const out: string[] = [];
  let cut = items.length > limits.evidenceItems;
  let total = 0;
  for (const item of items.slice(0, limits.evidenceItems)) {
    const bounded = cutToBytes(item, limits.evidenceItemBytes);
    const cost = jsonTextBytes(bounded.text) + 3; // quotes and comma
    if (total + cost > limits.evidenceTotalBytes) {
      cut = true;
      break;
    }
    cut ||= bounded.cut;
    total += cost;
    out.push(bounded.text);
  }
  return { items: out, cut };
}

/** The preview of some long text and the fields it shortened (none: the text fits as it is). */
export interface Preview {
  preview: LongText;
  shortened: LongTextField[];
}

/** Shortens each field of `full` to {@link PREVIEW_LIMITS}; a preview of a preview is itself. */
export function previewOf(full: LongText): Preview {
  const shortened: LongTextField[] = [];
  const reasoning = cutToBytes(full.reasoning, PREVIEW_LIMITS.reasoningBytes);
  if (reasoning.cut) shortened.push('reasoning');
  const evidence = boundEvidence(full.evidence);
  if (evidence.cut) shortened.push('evidence');
  const preview: LongText = { reasoning: reasoning.text, evidence: evidence.items };
  if (full.analysis !== undefined) {
    const analysis = cutToBytes(full.analysis, PREVIEW_LIMITS.analysisBytes);
    if (analysis.cut) shortened.push('analysis');
    preview.analysis = analysis.text;
  }
  if (full.followUp !== undefined) {
    const followUp = cutToBytes(full.followUp, PREVIEW_LIMITS.followUpBytes);
    if (followUp.cut) shortened.push('followUp');
    preview.followUp = followUp.text;
  }
  return { preview, shortened };
}

/** The stored form of a full text: its JSON (fields in a fixed order), hash and size. */
export function fullTextDocument(full: LongText): { json: string; sha256: string; bytes: number } {
  const json = JSON.stringify({
    reasoning: full.reasoning,
    evidence: full.evidence,
    ...(full.analysis !== undefined && { analysis: full.analysis }),
    ...(full.followUp !== undefined && { followUp: full.followUp }),
  });
  return {
    json,
    sha256: createHash('sha256').update(json, 'utf8').digest('hex'),
    bytes: Buffer.byteLength(json, 'utf8'),
  };
}

/**
 * Splits text into parts of at most `maxBytes` UTF-8 bytes each, on code
 * point boundaries (a DynamoDB item is at most 400 KB).
 */
export function splitUtf8(text: string, maxBytes: number): string[] {
  if (maxBytes < 4) throw new RangeError(`maxBytes must be at least 4, got ${maxBytes}`);
  const parts: string[] = [];
  let start = 0;
  let used = 0;
  let i = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const bytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (used + bytes > maxBytes) {
      parts.push(text.slice(start, i));
      start = i;
      used = 0;
    }
    used += bytes;
    i += ch.length;
  }
  parts.push(text.slice(start));
  return parts;
}
