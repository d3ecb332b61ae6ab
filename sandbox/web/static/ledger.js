// The decision ledger, verified in the browser with WebCrypto: the same checks
// as `chainsec verify` (docs/INTERFACES.md#the-decision-ledger). Nothing here trusts the server.

const GENESIS = '0'.repeat(64);
const REQUIRED = ['type', 'incidentId', 'seq', 'actor', 'at', 'prevHash', 'keyId', 'hash', 'signature'];

/** Sort order of RFC 8785: object keys by UTF-16 code units. */
const byCodeUnits = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * RFC 8785 canonical JSON (JCS): keys sorted by UTF-16 code units, no
 * whitespace, strings and numbers as ECMAScript's JSON.stringify writes them.
 */
export function canonicalJson(value) {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('non-finite number cannot be canonicalised');
    return JSON.stringify(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort(byCodeUnits);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  throw new Error(`cannot canonicalise a ${typeof value}`);
}

/** The bytes that are hashed and signed: the entry without `hash` and `signature`. */
export function canonicalBytes(entry) {
  const { hash: _h, signature: _s, ...body } = entry;
  return new TextEncoder().encode(canonicalJson(body));
}

const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');

function base64ToBytes(b64) {
  const bin = atob(String(b64).replace(/\s+/g, ''));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** An SPKI PEM public key as a WebCrypto ECDSA P-256 verification key. */
export async function importPublicKey(pem) {
  const match = /-----BEGIN PUBLIC KEY-----([\s\S]+?)-----END PUBLIC KEY-----/.exec(pem);
  if (!match) throw new Error('the public key is not an SPKI PEM');
  return crypto.subtle.importKey('spki', base64ToBytes(match[1]), { name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'verify',
  ]);
}

/** A DER ECDSA signature (SEQUENCE of two INTEGERs) as WebCrypto's raw r||s (64 bytes for P-256). */
export function derToRaw(der, size = 32) {
  let i = 0;
  const fail = () => {
    throw new Error('signature is not DER');
  };
  const readLength = () => {
    let len = der[i++];
    if (len === undefined) fail();
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n < 1 || n > 2) fail();
      len = 0;
      for (let k = 0; k < n; k++) len = (len << 8) | der[i++];
    }
    return len;
  };
  if (der[i++] !== 0x30) fail();
  const seqLen = readLength();
  if (i + seqLen !== der.length) fail();
  const readInt = () => {
    if (der[i++] !== 0x02) fail();
    const len = readLength();
    if (len < 1 || i + len > der.length) fail();
    let bytes = der.slice(i, i + len);
    i += len;
    while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.slice(1);
    if (bytes.length > size) fail();
    const out = new Uint8Array(size);
    out.set(bytes, size - bytes.length);
    return out;
  };
  const r = readInt();
  const s = readInt();
  if (i !== der.length) fail();
  const raw = new Uint8Array(size * 2);
  raw.set(r, 0);
  raw.set(s, size);
  return raw;
}

/** Parses JSON Lines, remembering each entry's line number. */
export function parseJsonLines(text) {
  const entries = [];
  const rows = String(text)
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/);
  for (let i = 0; i < rows.length; i++) {
    if (rows[i].trim() === '') continue;
    let value;
    try {
      value = JSON.parse(rows[i]);
    } catch (e) {
      return { ok: false, line: i + 1, reason: `not valid JSON (${e.message})` };
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return { ok: false, line: i + 1, reason: 'not a JSON object' };
    entries.push({ line: i + 1, entry: value });
  }
  return { ok: true, entries };
}

/**
 * Verifies every entry in export order: its hash, its signature, its chain
 * (seq from 1, prevHash = previous hash, 64 zeros first) and, when present,
 * the checkpoint naming every chain's head.
 * @returns {{ok: true, entries: number, chains: number, checkpoint: boolean, rows: object[]} | {ok: false, line: number, incidentId: string, seq: number|null, reason: string, rows: object[]}}
 */
export async function verifyLedger(jsonl, pem) {
  const parsed = parseJsonLines(jsonl);
  if (!parsed.ok) return { ...parsed, incidentId: '?', seq: null, rows: [] };
  const key = await importPublicKey(pem);
  const rows = [];
  const heads = new Map();
  let checkpoint;
  for (const { line, entry: e } of parsed.entries) {
    const row = { line, entry: e, ok: false, reason: '' };
    rows.push(row);
    const fail = (reason) => {
      row.reason = reason;
      return {
        ok: false,
        line,
        incidentId: typeof e.incidentId === 'string' ? e.incidentId : '?',
        seq: typeof e.seq === 'number' ? e.seq : null,
        reason,
        rows,
      };
    };
    for (const k of REQUIRED) if (e[k] === undefined || e[k] === null) return fail(`missing field ${k}`);
    let bytes;
    try {
      bytes = canonicalBytes(e);
    } catch (err) {
      return fail(err.message);
    }
    const digest = hex(await crypto.subtle.digest('SHA-256', bytes));
    if (digest !== e.hash) return fail('hash does not match the entry content');
    let raw;
    try {
      raw = derToRaw(base64ToBytes(e.signature));
    } catch {
      return fail('signature is not valid base64 DER');
    }
    // ECDSA with SHA-256 over the canonical bytes = a signature over their digest (KMS MessageType DIGEST).
    const valid = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, raw, bytes);
    if (!valid) return fail('signature is not valid for this entry');
    if (e.type === 'ledger_checkpoint') {
      if (checkpoint) return fail('more than one checkpoint');
      checkpoint = { entry: e, line };
      row.ok = true;
      continue;
    }
    if (checkpoint) return fail('entry after the checkpoint');
    const head = heads.get(e.incidentId);
    const expectedSeq = head ? head.seq + 1 : 1;
    if (e.seq !== expectedSeq) return fail(`expected seq ${expectedSeq} in this chain, found ${e.seq}`);
    if (e.prevHash !== (head ? head.hash : GENESIS))
      return fail('prevHash does not match the previous entry of this chain');
    heads.set(e.incidentId, { seq: e.seq, hash: e.hash });
    row.ok = true;
  }
  if (checkpoint) {
    const named = checkpoint.entry.heads;
    const fail = (reason, incidentId = '*') => ({
      ok: false,
      line: checkpoint.line,
      incidentId,
      seq: null,
      reason,
      rows,
    });
    if (typeof named !== 'object' || named === null || Array.isArray(named)) return fail('checkpoint has no heads');
    for (const [incidentId, head] of heads) {
      const h = named[incidentId];
      if (!h) return fail(`checkpoint does not list chain ${incidentId}`);
      if (h.seq !== head.seq || h.hash !== head.hash)
        return fail(`chain ends at seq ${head.seq} but the checkpoint says seq ${String(h.seq)}`, incidentId);
    }
    for (const incidentId of Object.keys(named))
      if (!heads.has(incidentId)) return fail(`chain ${incidentId} named by the checkpoint is missing`);
  }
  return { ok: true, entries: parsed.entries.length, chains: heads.size, checkpoint: Boolean(checkpoint), rows };
}
