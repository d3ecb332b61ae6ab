import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { SigningFailedError } from '../errors';
import { clientOptions } from './awsClients';
import type { Signer } from './Signer';

/** The KMS client {@link KmsSigner} builds when given none: two attempts, within the call timeout. */
export function kmsClient(callTimeoutMs: number): KMSClient {
  return new KMSClient(clientOptions(callTimeoutMs, 2));
}

/** Options of {@link KmsSigner}. */
export interface KmsSignerOptions {
  keyId: string;
  callTimeoutMs: number;
  client?: KMSClient;
}

/**
 * {@link Signer} backed by an asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY).
 * The private key never leaves KMS; we send only the 32-byte digest.
 */
export class KmsSigner implements Signer {
  public readonly keyId: string;
  private readonly client: KMSClient;
  /** Public keys by key id; they never change, so they are fetched once per container. */
  private readonly pems = new Map<string, Promise<string>>();

  public constructor(options: KmsSignerOptions) {
    this.keyId = options.keyId;
    this.client = options.client ?? kmsClient(options.callTimeoutMs);
  }

  public async signDigest(digest: Buffer): Promise<string> {
    if (digest.length !== 32) throw new SigningFailedError(`digest must be 32 bytes, got ${digest.length}`);
    try {
      const out = await this.client.send(
        new SignCommand({
          KeyId: this.keyId,
          Message: digest,
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      );
      if (!out.Signature) throw new Error('KMS returned no signature');
      return Buffer.from(out.Signature).toString('base64');
    } catch (e) {
      throw new SigningFailedError(`KMS could not sign: ${(e as Error).name}: ${(e as Error).message}`, { cause: e });
    }
  }

  public publicKeyPem(keyId: string = this.keyId): Promise<string> {
    let pem = this.pems.get(keyId);
    if (!pem) {
      pem = this.client.send(new GetPublicKeyCommand({ KeyId: keyId })).then((out) => {
        if (!out.PublicKey) throw new Error('KMS returned no public key');
        const b64 = Buffer.from(out.PublicKey).toString('base64');
        return `-----BEGIN PUBLIC KEY-----\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PUBLIC KEY-----\n`;
      });
      // A failed fetch is not remembered: the next call asks KMS again.
      pem.catch(() => this.pems.delete(keyId));
      this.pems.set(keyId, pem);
    }
    return pem;
  }
}
