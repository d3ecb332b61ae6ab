/**
 * The one written form of a ledger entry's or a receipt's signature: standard
 * base64 (padded, nothing else) of a DER ECDSA signature, as KMS `Sign` returns
 * it. `Buffer.from(text, 'base64')` reads far more than that (spaces, `-`/`_`,
 * missing padding, anything after `=`), so without this check the stored text
 * of a signature could be changed, or carry any words after its padding, and
 * still verify. Pure; no I/O.
 */

/**
 * Whether `der` is an ECDSA signature: SEQUENCE { INTEGER r, INTEGER s }, DER,
 * each integer positive and at most 32 bytes (P-256) once its sign byte is off.
 */
function isEcdsaDer(der: Buffer): boolean {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) return false;
  let at = 2;
  for (let i = 0; i < 2; i++) {
    if (der[at] !== 0x02) return false;
    const len = der[at + 1] ?? 0;
    const body = der.subarray(at + 2, at + 2 + len);
    if (len === 0 || body.length !== len || len > 33 || (body[0]! & 0x80) !== 0) return false;
    if (len > 1 && body[0] === 0 && (body[1]! & 0x80) === 0) return false;
    if (len === 33 && body[0] !== 0) return false;
    at += 2 + len;
  }
  return at === der.length;
}

/**
 * The DER bytes of a signature written in its one form (see the module's comment).
 * @returns undefined when `text` is not standard base64 of a DER ECDSA signature
 */
export function ecdsaSignatureBytes(text: unknown): Buffer | undefined {
  if (typeof text !== 'string') return undefined;
  const der = Buffer.from(text, 'base64');
  return der.toString('base64') === text && isEcdsaDer(der) ? der : undefined;
}
