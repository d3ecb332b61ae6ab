/**
 * What every store and service on a message's way keeps exactly. A message
 * passes Step Functions and SNS as JSON, and its values are then stored in
 * DynamoDB items: numbers beyond ±2^53 are refused by the document client (or
 * come back rounded), numbers under 1e-130 by DynamoDB, an item nests at most
 * 32 levels, and a `__proto__` key is dropped (or worse) by a JavaScript
 * reader that copies by assignment, so a card would hide what a receipt's
 * `actionDigest` covers. A message with any of these is refused whole, loudly,
 * naming the field, rather than half stored or shown without it. Pure.
 */

/** Deepest nesting of objects and arrays anywhere in a message (DynamoDB's 32, less the levels a record adds). */
export const MAX_JSON_DEPTH = 16;

/** Keys a JavaScript reader drops, or reads as something other than data, when it copies an object. */
export const UNREADABLE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The smallest magnitude DynamoDB stores (a number nearer zero, other than zero, is refused). */
const SMALLEST_STORED = 1e-130;

/** Where a value stands, as the refusal names it (`proposedAction.parameters.scope`). */
function pathText(path: readonly (string | number)[]): string {
  return path.length === 0 ? '(root)' : path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.');
}

/** Why a number cannot be kept exactly, if it cannot. */
function numberProblem(n: number): string | undefined {
  if (!Number.isFinite(n)) return 'expected a finite number';
  const size = Math.abs(n);
  if (size > Number.MAX_SAFE_INTEGER)
    return `number ${n} is beyond what is kept exactly (at most ${Number.MAX_SAFE_INTEGER}); send it as text`;
  if (size !== 0 && size < SMALLEST_STORED) return `number ${n} is too near zero to be stored; send it as text`;
  return undefined;
}

/**
 * The first reason `value` (parsed JSON) cannot be carried and stored as it
 * is, naming its place, or `undefined` when it can: a number outside the safe
 * range, nesting deeper than {@link MAX_JSON_DEPTH}, or a key in
 * {@link UNREADABLE_KEYS}. Iterative (a hostile depth never overflows the stack).
 */
export function storableProblem(value: unknown): string | undefined {
  const stack: Array<{ value: unknown; path: (string | number)[] }> = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'number') {
      const problem = numberProblem(v);
      if (problem) return `${pathText(path)}: ${problem}`;
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    const depth = path.length + 1;
    if (depth > MAX_JSON_DEPTH)
      return `${pathText(path)}: nested deeper than ${MAX_JSON_DEPTH} levels (objects and arrays)`;
    if (Array.isArray(v)) {
      for (const [i, item] of v.entries()) stack.push({ value: item, path: [...path, i] });
      continue;
    }
    for (const key of Object.keys(v)) {
      if (UNREADABLE_KEYS.has(key))
        return `${pathText([...path, key])}: a key named ${JSON.stringify(key)} is refused (readers drop or misread it)`;
      stack.push({ value: (v as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return undefined;
}

/** Whether `value` (parsed JSON) nests objects and arrays deeper than `levels`. Iterative (a hostile depth never overflows the stack). */
export function nestedDeeperThan(value: unknown, levels: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > levels) return true;
    for (const item of Array.isArray(v) ? v : Object.values(v)) stack.push({ value: item, depth: depth + 1 });
  }
  return false;
}
