import * as z from 'zod/mini';
import './zodSetup';

/**
 * What chainsec sends an upstream MCP server to be let in: HTTP headers (a
 * bearer token, an API key) kept in a secret, never in configuration. Pure:
 * the secret's text in, the headers out, or why not, in words that never
 * quote the secret (a JSON parser's message would).
 */

/**
 * The secret's name: under `chainsec/<env>/mcp-upstreams/`, the only secrets
 * the MCP function may read (template.yaml).
 */
export const UPSTREAM_SECRET_NAME = /^chainsec\/[a-z0-9-]{1,32}\/mcp-upstreams\/[A-Za-z0-9/_+=.@-]{1,200}$/;

/** Headers a secret may not set: the protocol's own, and those of the connection. */
const RESERVED = new Set([
  'accept',
  'connection',
  'content-length',
  'content-type',
  'host',
  'keep-alive',
  'last-event-id',
  'mcp-protocol-version',
  'mcp-session-id',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;
/** Visible ASCII and spaces only: no line breaks to split a request with. */
const HEADER_VALUE = /^[\x20-\x7E]{1,8192}$/;
const MAX_HEADERS = 10;

const SecretSchema = z.strictObject({ headers: z.record(z.string(), z.string()) });

/** The secret's text as headers, or why it cannot be used (never quoting a value). */
export function upstreamHeaders(secret: string): { headers: Record<string, string> } | { problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secret);
  } catch {
    return { problem: 'the secret is not JSON {"headers": {"<name>": "<value>"}}' };
  }
  const shaped = SecretSchema.safeParse(parsed);
  if (!shaped.success) return { problem: 'the secret is not JSON {"headers": {"<name>": "<value>"}}' };
  const entries = Object.entries(shaped.data.headers);
  if (entries.length === 0 || entries.length > MAX_HEADERS)
    return { problem: `the secret must set 1 to ${MAX_HEADERS} headers, not ${entries.length}` };
  const headers: Record<string, string> = {};
  for (const [name, given] of entries) {
    // As sent: fetch strips a value's surrounding whitespace, and what is redacted must be what the upstream got.
    const value = given.trim();
    if (!HEADER_NAME.test(name)) return { problem: 'a header name is not an HTTP token' };
    const lower = name.toLowerCase();
    if (RESERVED.has(lower) || lower.startsWith('proxy-'))
      return { problem: `the header "${lower}" is the protocol's own and may not be set` };
    if (!HEADER_VALUE.test(value))
      return { problem: `the value of "${lower}" must be 1 to 8192 visible ASCII characters or spaces` };
    if (lower in headers) return { problem: `the header "${lower}" is set twice` };
    headers[lower] = value;
  }
  return { headers };
}

/** What stands for a credential an upstream quoted back. */
export const REDACTED = '[redacted by chainsec]';

/**
 * The strings to take out of anything an upstream answers: each header value
 * and, for a value with a scheme (`Bearer <token>`), each part of 8
 * characters or more; each also as a URL carries it (percent-encoded: an
 * upstream that quotes a URL it built with the key, `?api_key=ab%2Bcd`).
 * Longest first, so a value goes before its parts.
 */
export function credentialStrings(headers: Record<string, string>): string[] {
  const found = new Set<string>();
  for (const value of Object.values(headers)) {
    found.add(value);
    for (const part of value.split(/\s+/)) if (part.length >= 8) found.add(part);
  }
  for (const s of [...found]) found.add(encodeURIComponent(s));
  return [...found].sort((a, b) => b.length - a.length);
}

/** `text` with every credential string in it replaced by {@link REDACTED}. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

/** A JSON value with every string (keys included) redacted as {@link redactText} does; the same value when nothing was found. */
export function redactJson<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const text = JSON.stringify(value);
  if (text === undefined || !secrets.some((s) => text.includes(JSON.stringify(s).slice(1, -1)))) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactText(v, secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [redactText(k, secrets), walk(x)]));
    return v;
  };
  return walk(value) as T;
}
