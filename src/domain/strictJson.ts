/**
 * JSON that every reader reads the same way. `JSON.parse` keeps the last of two
 * equal keys, other readers keep the first or refuse: a signed line with an
 * extra `"actor":"U0EVIL"` in front would verify here and mean something else
 * there. A `__proto__` key is an own key to `JSON.parse` but sets the prototype
 * when copied by assignment (`Object.assign`, many JSON libraries), so it is
 * refused too. Pure; no I/O.
 */

/** The result of {@link parseStrictJson}. */
export type StrictJsonResult = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * Parses one JSON text, refusing duplicate keys (at any depth, compared after
 * unescaping, so `"actor"` and `"\u0061ctor"` are the same key) and `__proto__` keys.
 * @returns the value, or why the text is refused (the key named by its path)
 */
export function parseStrictJson(text: string): StrictJsonResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `not valid JSON (${(e as Error).message})` };
  }
  const problem = keyProblem(text);
  return problem === undefined ? { ok: true, value } : { ok: false, reason: problem };
}

interface ObjectFrame {
  kind: 'object';
  keys: Set<string>;
  /** The next string token is a key (after `{` or `,`). */
  expectKey: boolean;
  /** The key whose value is being read, for the path in messages. */
  key?: string;
}
type Frame = ObjectFrame | { kind: 'array' };

/**
 * Scans text that `JSON.parse` accepted for a duplicate or `__proto__` key.
 * Only the structure matters here: braces, brackets, commas and strings.
 */
function keyProblem(text: string): string | undefined {
  const stack: Frame[] = [];
  const path = (key: string): string =>
    [...stack.flatMap((f) => (f.kind === 'object' && f.key !== undefined ? [f.key] : [])), key]
      .map((k) => JSON.stringify(k))
      .join('.');
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') {
      stack.push({ kind: 'object', keys: new Set(), expectKey: true });
    } else if (c === '[') {
      stack.push({ kind: 'array' });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.kind === 'object') top.expectKey = true;
    } else if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top?.kind === 'object' && top.expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        top.expectKey = false;
        // The path names the enclosing keys, not this one yet.
        top.key = undefined;
        if (top.keys.has(key)) return `duplicate key ${path(key)}`;
        if (key === '__proto__') return `key ${path(key)} (JavaScript readers disagree on what it means)`;
        top.keys.add(key);
        top.key = key;
      }
      i = end;
    }
  }
  return undefined;
}
