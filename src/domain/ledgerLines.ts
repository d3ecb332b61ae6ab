import canonicalize from 'canonicalize';
import { LedgerEntryType, type LedgerEntry } from './ledger';
import { parseStrictJson } from './strictJson';

/**
 * The export's lines: one entry per line, each exactly the RFC 8785 canonical
 * JSON of the entry (hash and signature included), LF line endings, UTF-8
 * without a byte order mark. Reading refuses anything else that can carry a
 * second meaning: duplicate keys, `__proto__` keys, extra whitespace or a CR,
 * other escapes or number forms, bytes that are not UTF-8. Exports made before
 * lines were canonical (their checkpoint is not `linked`) wrote each entry with
 * `JSON.stringify`: their lines must be that compact rendering, in any key order.
 */

/** One entry as an export line (without its newline). */
export function ledgerLine(entry: LedgerEntry): string {
  const text = canonicalize(entry);
  if (text === undefined) throw new Error('entry cannot be canonicalised');
  return text;
}

/** The result of {@link parseLedgerLines}. */
export type ParsedLedgerLines =
  | { ok: true; entries: LedgerEntry[]; lines: number[] }
  | { ok: false; line: number; incidentId: string; seq: number | null; reason: string };

type Row =
  | { line: number; error: string; incidentId?: string; seq?: number | null }
  | { line: number; entry: LedgerEntry; canonical: boolean; compact: boolean; text: string };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const NEWLINE = 0x0a;

/** The file's lines; bytes are decoded strictly, so a byte that is not UTF-8 names its line. */
function splitRows(input: string | Uint8Array): Array<string | { invalid: true }> {
  if (typeof input === 'string') return input.split('\n');
  const rows: Array<string | { invalid: true }> = [];
  let start = 0;
  for (let i = 0; i <= input.length; i++) {
    if (i < input.length && input[i] !== NEWLINE) continue;
    try {
      rows.push(utf8.decode(input.subarray(start, i)));
    } catch {
      rows.push({ invalid: true });
    }
    start = i + 1;
  }
  return rows;
}

function readRow(text: string, line: number): Row {
  if (line === 1 && text.startsWith('\uFEFF')) {
    return { line, error: 'starts with a byte order mark (U+FEFF); exports are UTF-8 without one' };
  }
  const parsed = parseStrictJson(text);
  if (!parsed.ok) return { line, error: parsed.reason };
  const value = parsed.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const what = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
    return { line, error: `not a JSON object (${what})` };
  }
  const entry = value as LedgerEntry;
  let canonical = false;
  try {
    canonical = canonicalize(entry) === text;
  } catch (e) {
    return { line, error: `holds a value JSON cannot carry exactly (${(e as Error).message})`, ...who(entry) };
  }
  return { line, entry, canonical, compact: canonical || JSON.stringify(entry) === text, text };
}

function who(entry: LedgerEntry): { incidentId: string; seq: number | null } {
  return {
    incidentId: typeof entry.incidentId === 'string' ? entry.incidentId : '?',
    seq: typeof entry.seq === 'number' ? entry.seq : null,
  };
}

function renderingProblem(text: string, strict: boolean): string {
  if (text.endsWith('\r')) return 'ends with a carriage return (CRLF line endings?); export lines end with LF only';
  return strict
    ? 'is not the RFC 8785 canonical JSON of its entry (whitespace, key order, escapes or number forms differ)'
    : 'is not the compact JSON rendering of its entry (whitespace, escapes or number forms differ)';
}

/**
 * Splits an export into entries, remembering each one's 1-based line; blank
 * lines are skipped. Reports the first line that is not an entry rendered as
 * the exporter renders it (see the module's comment).
 * @param input the file's text, or its bytes (then invalid UTF-8 is caught too)
 */
export function parseLedgerLines(input: string | Uint8Array): ParsedLedgerLines {
  const rows: Row[] = [];
  splitRows(input).forEach((row, i) => {
    if (typeof row !== 'string') rows.push({ line: i + 1, error: 'not valid UTF-8' });
    else if (row.trim() !== '') rows.push(readRow(row, i + 1));
  });
  // Canonical lines are required once the export says it wrote them (its linked checkpoint).
  const linked = (r: Row): boolean =>
    'entry' in r && r.entry.type === LedgerEntryType.Checkpoint && r.entry.linked === true;
  const strict = rows.some(linked);
  const entries: LedgerEntry[] = [];
  const lines: number[] = [];
  for (const r of rows) {
    if ('error' in r) {
      return { ok: false, line: r.line, incidentId: r.incidentId ?? '?', seq: r.seq ?? null, reason: r.error };
    }
    if (!(strict ? r.canonical : r.compact)) {
      return { ok: false, line: r.line, ...who(r.entry), reason: renderingProblem(r.text, strict) };
    }
    entries.push(r.entry);
    lines.push(r.line);
  }
  return { ok: true, entries, lines };
}
