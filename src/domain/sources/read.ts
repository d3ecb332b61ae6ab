import type { FindingOutcome } from './types';

/**
 * Small, schema-free readers for detector JSON: each names the field it
 * failed on, so a rejected finding says which field was wrong. Hand-written
 * rather than zod so that the registry builds nothing at load time.
 */

/** A finding field that is missing or of the wrong type. */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    expected: string,
  ) {
    super(`${field}: expected ${expected}`);
  }
}

type Obj = Record<string, unknown>;

/**
 * The field errors of the finding {@link readFinding} is reading, when it is
 * reading one: the helpers below add to it and go on with a placeholder, so a
 * rejected finding names every bad field, not only the first. Reading is
 * synchronous, so one list at a time is all there is.
 */
let collected: FieldError[] | undefined;

/** Records a bad field (or throws it, outside {@link readFinding}) and answers the placeholder to go on with. */
function badField<T>(error: FieldError, placeholder: T): T {
  if (collected === undefined) throw error;
  collected.push(error);
  return placeholder;
}

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Follows a dotted path (`service.action.x`) through objects; undefined when any step is missing. */
export function at(root: unknown, path: string): unknown {
  let v: unknown = root;
  for (const key of path.split('.')) {
    if (!isObj(v)) return undefined;
    v = v[key];
  }
  return v;
}

/** A required non-empty string (bounded to `max` characters). */
export function str(root: unknown, path: string, prefix: string, max = 2000): string {
  const v = at(root, path);
  if (typeof v !== 'string' || v.trim() === '')
    return badField(new FieldError(`${prefix}${path}`, 'a non-empty string'), '');
  return v.slice(0, max);
}

/** An optional string: absent is fine, any other type is an error. */
export function optStr(root: unknown, path: string, prefix: string, max = 2000): string | undefined {
  const v = at(root, path);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') return badField(new FieldError(`${prefix}${path}`, 'a string'), undefined);
  return v.slice(0, max);
}

/** A required finite number in `min..max`. */
export function num(root: unknown, path: string, prefix: string, min: number, max: number): number {
  const v = at(root, path);
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
    return badField(new FieldError(`${prefix}${path}`, `a number in ${min}..${max}`), min);
  return v;
}

/** An optional string or number, as text (ports, ids). */
export function optText(root: unknown, path: string, max = 200): string | undefined {
  const v = at(root, path);
  if (typeof v === 'string' && v.trim() !== '') return v.slice(0, max);
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** Where the EventBridge envelope says an event comes from: a finding that lacks its own account or region uses these. */
export interface EnvelopeOrigin {
  account?: string;
  region?: string;
}

/** The envelope's `account` and `region`, when they are usable strings. */
export function envelopeOrigin(event: { account?: unknown; region?: unknown }): EnvelopeOrigin {
  const pick = (v: unknown, max: number) => (typeof v === 'string' && v.trim() !== '' ? v.slice(0, max) : undefined);
  const account = pick(event.account, 20);
  const region = pick(event.region, 50);
  return { ...(account && { account }), ...(region && { region }) };
}

/**
 * A finding's own string at `path`, else the envelope's `fallback`.
 * @throws FieldError naming the finding's field when neither is there
 */
export function strOr(root: unknown, path: string, prefix: string, fallback: string | undefined, max: number): string {
  const own = optStr(root, path, prefix, max);
  if (own !== undefined && own.trim() !== '') return own;
  if (fallback !== undefined) return fallback;
  throw new FieldError(`${prefix}${path}`, 'a non-empty string (the event envelope had none either)');
}

/**
 * Reads one finding: `read` gets it as an object. Every field it finds bad (a
 * {@link FieldError}, reported by the helpers above or thrown) rejects the
 * finding, and the rejection names them all; the finding itself rides along
 * (`subject`), so the caller can tell who needed to hear of it.
 * @param what how the messages name the finding (`GuardDuty finding`)
 * @param path where the finding stands in the event (`detail`, `detail.findings[2]`)
 */
export function readFinding(
  what: string,
  finding: unknown,
  path: string,
  read: (finding: Obj) => FindingOutcome,
): FindingOutcome {
  if (!isObj(finding))
    return { kind: 'rejected', message: `invalid ${what}: ${path}: expected an object`, subject: finding };
  const outer = collected;
  const errors: FieldError[] = [];
  collected = errors;
  try {
    const outcome = read(finding);
    if (errors.length === 0) return outcome;
  } catch (e) {
    // A placeholder may trip the reader further on: the fields already found bad are the reason.
    if (e instanceof FieldError) errors.push(e);
    else if (errors.length === 0) throw e;
  } finally {
    collected = outer;
  }
  // One line per field (a missing field and its failed check name the same field).
  const byField = new Map<string, string>();
  for (const e of errors) if (!byField.has(e.field)) byField.set(e.field, e.message);
  const messages = [...byField.values()];
  return { kind: 'rejected', message: `invalid ${what}: ${messages.join('; ')}`, subject: finding };
}
