import { createHash } from 'node:crypto';

/**
 * Incident ids and the small formatting every source module shares. Kept
 * apart from `./incident` so that source modules (`./sources/*`) and the
 * union's home import them without a cycle.
 */

/** What an incident id looks like (`INC-` + 10 Crockford base32 characters). */
export const INCIDENT_ID = /^INC-[0-9A-Z]{10}$/;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Crockford base32 of the first bytes of a digest: short, unambiguous, typable. */
function base32(bytes: Buffer, chars: number): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length >= chars) break;
  }
  return out;
}

/** The incident id of a natural key (`onchain:<chain>:<tx>`, `waf:<id>`, `guardduty:<account>:<region>:<id>`, ...). */
export function incidentIdForKey(key: string): string {
  const digest = createHash('sha256').update(key).digest();
  return `INC-${base32(digest, 10)}`;
}

/**
 * A finding's natural key: the source's name and the parts that together name
 * one finding (account, region, product, id, ...). The parts are JSON-encoded
 * so that no value, whatever colons or quotes it holds, can pass for another
 * split of the parts.
 */
export function findingKey(source: string, parts: readonly string[]): string {
  return `${source}:${JSON.stringify(parts)}`;
}

/** An event's timestamp as ISO 8601 when it parses, else `fallback` (when chainsec first saw it). */
export function validTimestamp(value: string | undefined, fallback: Date): string {
  if (value) {
    const d = new Date(value);
    if (!Number.isNaN(d.getTime())) return d.toISOString();
  }
  return fallback.toISOString();
}

/**
 * Formats a dollar amount the way cards show it: `$1,234,568` (whole dollars,
 * half up, exactly as en-US currency formatting does). Written out rather than
 * with `Intl.NumberFormat`, whose first construction costs ~20 ms of every
 * cold start.
 */
export function formatUsd(amount: number): string {
  if (!Number.isFinite(amount)) return `$${amount}`;
  const sign = amount < 0 || Object.is(amount, -0) ? '-' : '';
  const whole = plainDigits(Math.round(Math.abs(amount))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}$${whole}`;
}

/** A whole number's shortest decimal digits, without exponent notation (1e+25 -> "1000..."). */
function plainDigits(n: number): string {
  const text = String(n);
  const exponent = text.indexOf('e+');
  if (exponent < 0) return text;
  const [int = '', frac = ''] = text.slice(0, exponent).split('.');
  return int + frac + '0'.repeat(Number(text.slice(exponent + 2)) - frac.length);
}
