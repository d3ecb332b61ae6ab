/** Signs 32-byte digests with the decision-signing key (KMS in AWS). */
export interface Signer {
  /** The key id recorded in each ledger entry. */
  readonly keyId: string;
  /**
   * Signs a SHA-256 digest (ECDSA P-256, `MessageType: DIGEST`).
   * @returns the DER signature, base64
   * @throws SigningFailedError when the key cannot sign; callers must fail closed
   */
  signDigest(digest: Buffer): Promise<string>;
  /** The public key as PEM (SPKI). */
  publicKeyPem(): Promise<string>;
}
