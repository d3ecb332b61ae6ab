import { oneLine, untrusted } from './escape';

/** How much of a proposed action's `parameters` (or a request's context) a card shows. */
export interface ListBounds {
  /** Entries shown; the rest are counted in a "…and N more" line. */
  entries: number;
  /** Characters of one value (after escaping). */
  value: number;
  /** Characters of one key. */
  key: number;
  /** Characters all the lines may take together (a Slack section holds 3000): values shrink to fit. */
  room?: number;
  /** Where the entries past `entries` are listed in full (trusted mrkdwn), added to the "…and N more" line. */
  moreAt?: string;
}

/** The card's default: about ten entries of up to 200 characters. */
export const PARAMETER_BOUNDS: ListBounds = { entries: 10, value: 200, key: 50, room: 2000 };

/** Nesting deeper than this is shown as compact JSON rather than flattened further. */
const MAX_DEPTH = 4;

/** One value as text: strings as they are, arrays joined, objects (past the depth bound) as JSON. */
function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
  return JSON.stringify(value) ?? String(value);
}

/**
 * Flattens parameters to `[key, value]` pairs: nested objects with dotted keys
 * (`tags.owner`), arrays joined with commas, an empty object or array shown as
 * such. Stops early once `limit` pairs are found and counts the rest.
 */
export function flattenParameters(
  parameters: Readonly<Record<string, unknown>>,
  limit: number,
): { pairs: Array<[string, string]>; total: number } {
  const pairs: Array<[string, string]> = [];
  let total = 0;
  const walk = (prefix: string, value: unknown, depth: number): void => {
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    const entries = isObject ? Object.entries(value as Record<string, unknown>) : [];
    if (isObject && entries.length > 0 && depth < MAX_DEPTH) {
      for (const [k, v] of entries) walk(prefix === '' ? k : `${prefix}.${k}`, v, depth + 1);
      return;
    }
    total += 1;
    if (pairs.length < limit) pairs.push([prefix, valueText(value)]);
  };
  for (const [k, v] of Object.entries(parameters)) walk(k, v, 1);
  return { pairs, total };
}

/**
 * `key: value` lines as mrkdwn, every key and value escaped and bounded, at
 * most `bounds.entries` of them and a "…and N more" line for the rest.
 */
export function labelledLines(
  pairs: ReadonlyArray<readonly [string, string]>,
  total: number,
  bounds: ListBounds,
): string[] {
  const shown = pairs.slice(0, bounds.entries);
  // Each line is a bullet, the key between stars, ": " and the value: about key + value + 8 characters.
  const share =
    bounds.room === undefined ? bounds.value : Math.floor(bounds.room / Math.max(shown.length, 1)) - bounds.key - 8;
  const value = Math.max(20, Math.min(bounds.value, share));
  const lines = shown.map(([k, v]) => `• *${untrusted(oneLine(k), bounds.key)}*: ${untrusted(oneLine(v), value)}`);
  const more = total - lines.length;
  if (more > 0) lines.push(`_…and ${more} more_${bounds.moreAt ? `: ${bounds.moreAt}` : ''}`);
  return lines;
}

/**
 * Every parameter as a `key: value` line (nested keys dotted), unescaped: the
 * full list a card's "…and N more" points to. The caller escapes it.
 */
export function allParameterLines(parameters: Readonly<Record<string, unknown>>): string[] {
  return flattenParameters(parameters, Number.POSITIVE_INFINITY).pairs.map(([k, v]) => `${k}: ${v}`);
}

/**
 * A proposed action's parameters as a readable list (docs/INTERFACES.md#approval-requests-from-any-workflow):
 * `• *key*: value` lines, nested keys dotted, bounded and escaped; never raw JSON.
 */
export function parameterLines(
  parameters: Readonly<Record<string, unknown>>,
  bounds: ListBounds = PARAMETER_BOUNDS,
): string[] {
  const { pairs, total } = flattenParameters(parameters, bounds.entries);
  return labelledLines(pairs, total, bounds);
}
