/**
 * EventBridge event pattern matching, as the sandbox needs it to route an event the way
 * template.yaml's rules do: exact values, `prefix`, `suffix`, `numeric` ranges, `anything-but`
 * (values, or `{prefix}`), `exists`, and the array semantics (a field whose value is an array
 * matches when any element matches).
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */

type Matcher = unknown;

/**
 * Whether `event` matches the EventBridge `pattern`.
 * @param pattern an event pattern (object of field → list of matchers, nested)
 * @param event the event as delivered
 */
export function eventMatches(pattern: unknown, event: unknown): boolean {
  if (pattern === null || typeof pattern !== 'object' || Array.isArray(pattern)) return false;
  return Object.entries(pattern as Record<string, unknown>).every(([key, sub]) => {
    const value = isObject(event) ? event[key] : undefined;
    if (Array.isArray(sub)) return fieldMatches(sub, value);
    if (sub !== null && typeof sub === 'object') {
      // Nested pattern: over an array of objects, any element may match.
      if (Array.isArray(value)) return value.some((v) => eventMatches(sub, v));
      return eventMatches(sub, value);
    }
    return false;
  });
}

function fieldMatches(matchers: readonly Matcher[], value: unknown): boolean {
  return matchers.some((m) => {
    if (isObject(m) && 'exists' in m) return (value !== undefined) === m.exists;
    if (value === undefined) return false;
    const values = Array.isArray(value) ? value : [value];
    return values.some((v) => leafMatches(m, v));
  });
}

function leafMatches(m: Matcher, v: unknown): boolean {
  if (!isObject(m)) return m === v;
  if ('prefix' in m) return typeof v === 'string' && typeof m.prefix === 'string' && v.startsWith(m.prefix);
  if ('suffix' in m) return typeof v === 'string' && typeof m.suffix === 'string' && v.endsWith(m.suffix);
  if ('numeric' in m) return typeof v === 'number' && Array.isArray(m.numeric) && numericMatches(m.numeric, v);
  if ('anything-but' in m) {
    const but = m['anything-but'];
    if (isObject(but) && 'prefix' in but) return typeof v === 'string' && !v.startsWith(String(but.prefix));
    const list = Array.isArray(but) ? but : [but];
    return !list.includes(v);
  }
  throw new Error(`event pattern operator not supported by the sandbox: ${JSON.stringify(m)}`);
}

function numericMatches(spec: readonly unknown[], v: number): boolean {
  for (let i = 0; i + 1 < spec.length; i += 2) {
    const op = spec[i];
    const n = Number(spec[i + 1]);
    if (!Number.isFinite(n)) return false;
    const ok =
      op === '>'
        ? v > n
        : op === '>='
          ? v >= n
          : op === '<'
            ? v < n
            : op === '<='
              ? v <= n
              : op === '='
                ? v === n
                : null;
    if (ok === null) throw new Error(`numeric operator not supported: ${String(op)}`);
    if (!ok) return false;
  }
  return true;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}
