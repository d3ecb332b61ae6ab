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
  if (typeof v !== 'string' || v.trim() === '') throw new FieldError(`${prefix}${path}`, 'a non-empty string');
  return v.slice(0, max);
}

/** An optional string: absent is fine, any other type is an error. */
export function optStr(root: unknown, path: string, prefix: string, max = 2000): string | undefined {
  const v = at(root, path);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new FieldError(`${prefix}${path}`, 'a string');
  return v.slice(0, max);
}

/** A required finite number in `min..max`. */
export function num(root: unknown, path: string, prefix: string, min: number, max: number): number {
  const v = at(root, path);
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
    throw new FieldError(`${prefix}${path}`, `a number in ${min}..${max}`);
  return v;
}

/** An optional string or number, as text (ports, ids). */
export function optText(root: unknown, path: string, max = 200): string | undefined {
  const v = at(root, path);
  if (typeof v === 'string' && v.trim() !== '') return v.slice(0, max);
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/**
 * Reads one finding: `read` gets it as an object, and a field it fails on (a
 * {@link FieldError}) rejects the finding, naming the field.
 * @param what how the messages name the finding (`GuardDuty finding`)
 * @param path where the finding stands in the event (`detail`, `detail.findings[2]`)
 */
export function readFinding(
  what: string,
  finding: unknown,
  path: string,
  read: (finding: Obj) => FindingOutcome,
): FindingOutcome {
  if (!isObj(finding)) return { kind: 'rejected', message: `invalid ${what}: ${path}: expected an object` };
  try {
    return read(finding);
  } catch (e) {
    if (e instanceof FieldError) return { kind: 'rejected', message: `invalid ${what}: ${e.message}` };
    throw e;
  }
}
