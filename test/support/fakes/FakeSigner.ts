import { SigningFailedError } from '../../../src/errors';
import type { Signer } from '../../../src/services/Signer';
import { otherCallersFirst } from './Faults';

/**
 * A {@link Signer} that signs nothing for real: a signature is
 * `base64("fake:" + hex digest)`, so a test can tell which digest was
 * signed. `failing` makes every call throw SigningFailedError, as KmsSigner
 * does when KMS cannot sign.
 */
export class FakeSigner implements Signer {
  public readonly keyId: string;
  /** Digests signed, hex, in order. */
  public readonly signed: string[] = [];
  /** While true, signing fails. */
  public failing = false;

  public constructor(keyId = 'arn:aws:kms:us-east-1:000000000000:key/fake') {
    this.keyId = keyId;
  }

  public async signDigest(digest: Buffer): Promise<string> {
    await otherCallersFirst();
    if (this.failing) throw new SigningFailedError('fake signer told to fail');
    this.signed.push(digest.toString('hex'));
    return Buffer.from(`fake:${digest.toString('hex')}`).toString('base64');
  }

  public async publicKeyPem(keyId = this.keyId): Promise<string> {
    return `-----BEGIN PUBLIC KEY-----\n(fake key ${keyId})\n-----END PUBLIC KEY-----\n`;
  }
}
