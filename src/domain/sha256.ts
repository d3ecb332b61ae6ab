import { createHash } from 'node:crypto';

/** Lowercase hex SHA-256 of a text's UTF-8 bytes: what the ledger records of a text, and how side documents key one. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
