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
  /**
   * A public key as PEM (SPKI): this signer's, or that of `keyId` (an older key
   * after a rotation, kept enabled for verification).
   */
  publicKeyPem(keyId?: string): Promise<string>;
}
