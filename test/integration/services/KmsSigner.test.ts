import { createHash, verify } from 'node:crypto';
import { KMSClient } from '@aws-sdk/client-kms';
import { LocalKms } from '../../../sandbox/local/LocalKms';
import { SigningFailedError } from '../../../src/errors';
import { KmsSigner } from '../../../src/services/KmsSigner';
import { useLocalService } from '../../support/localAws';

/** KmsSigner against the sandbox's local KMS (the KMS JSON protocol, ECC_NIST_P256 keys). */
describe('Class: KmsSigner (local KMS)', () => {
  const kms = new LocalKms();
  const client = useLocalService(kms, (config) => new KMSClient(config));
  const message = Buffer.from('{"type":"vote","incidentId":"INC-0000000001"}');
  const digest = createHash('sha256').update(message).digest();
  const signer = (keyId = kms.keyArn) => new KmsSigner({ keyId, callTimeoutMs: 10_000, client: client() });

  describe('Method: signDigest', () => {
    it('signs the 32-byte digest so that the public key verifies it over the message', async () => {
      // Act
      const signature = await signer().signDigest(digest);

      // Assess
      expect(verify('sha256', message, kms.publicKeyPem(), Buffer.from(signature, 'base64'))).toBe(true);
    });

    it('refuses a digest that is not 32 bytes without asking KMS', async () => {
      // Prepare: a Sign call would meet this fault.
      kms.faults.set('Sign', { error: 'KMSInternalException', status: 500 });

      // Act
      const call = signer().signDigest(Buffer.from(message));

      // Assess
      await expect(call).rejects.toBeInstanceOf(SigningFailedError);
      await expect(call).rejects.toThrow(/digest must be 32 bytes/);
      expect(kms.faults.triggered('Sign')).toBe(0);
    });

    it('fails with SigningFailedError, naming the KMS error, when KMS refuses', async () => {
      // Prepare
      kms.faults.set('Sign', { error: 'KMSInternalException', status: 500, times: 1 });

      // Act
      const error = await signer()
        .signDigest(digest)
        .catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(SigningFailedError);
      expect((error as Error).message).toMatch(/KMSInternalException/);
    });
  });

  describe('Method: publicKeyPem', () => {
    it("answers the key's public key as PEM, fetched once per key", async () => {
      // Prepare
      const s = signer();
      const first = await s.publicKeyPem();
      kms.faults.set('GetPublicKey', { error: 'KMSInternalException', status: 500 });

      // Act
      const again = await s.publicKeyPem();

      // Assess
      expect(first).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+\n-----END PUBLIC KEY-----\n$/);
      expect(first.split('\n').every((line) => line.length <= 64)).toBe(true);
      expect(first.replace(/\s/g, '')).toBe(kms.publicKeyPem().replace(/\s/g, ''));
      expect(again).toBe(first);
      expect(kms.faults.triggered('GetPublicKey')).toBe(0);
    });

    it('asks KMS again after a failed fetch (a failure is not remembered)', async () => {
      // Prepare
      const s = signer();
      kms.faults.set('GetPublicKey', { error: 'KMSInternalException', status: 500, times: 1 });

      // Act
      const failed = await s.publicKeyPem().catch((e: unknown) => e);
      const fetched = await s.publicKeyPem();

      // Assess
      expect(failed).toMatchObject({ name: 'KMSInternalException' });
      expect(fetched.replace(/\s/g, '')).toBe(kms.publicKeyPem().replace(/\s/g, ''));
    });

    it('answers the public key of another key id, e.g. the key before a rotation', async () => {
      // Prepare
      const before = kms.keyArn;
      const s = signer(kms.aliasArn);
      kms.rotateKey();

      // Act
      const old = await s.publicKeyPem(before);
      const current = await s.publicKeyPem(kms.keyArn);

      // Assess
      expect(old.replace(/\s/g, '')).toBe(kms.publicKeyPem(before).replace(/\s/g, ''));
      expect(current.replace(/\s/g, '')).toBe(kms.publicKeyPem().replace(/\s/g, ''));
      expect(old).not.toBe(current);
    });
  });
});
