import { createHash, createPublicKey, verify } from 'node:crypto';
import { DescribeKeyCommand, GetPublicKeyCommand, KMSClient, SignCommand, VerifyCommand } from '@aws-sdk/client-kms';
import { LocalKms } from '../../../sandbox/local/LocalKms';
import { localClientConfig, useLocalService } from '../../support/localAws';

describe('Class: LocalKms', () => {
  const kms = new LocalKms();
  const client = useLocalService(kms, (config) => new KMSClient(config));
  const message = Buffer.from('{"type":"vote","incidentId":"inc-1"}');
  const digest = createHash('sha256').update(message).digest();

  describe('Method: Sign', () => {
    it('signs a DIGEST so that node:crypto verifies it over the message', async () => {
      // Prepare
      const pem = kms.publicKeyPem();

      // Act
      const out = await client().send(
        new SignCommand({
          KeyId: kms.keyArn,
          Message: digest,
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      );

      // Assess
      expect(out.KeyId).toBe(kms.keyArn);
      expect(out.SigningAlgorithm).toBe('ECDSA_SHA_256');
      expect(verify('sha256', message, pem, Buffer.from(out.Signature!))).toBe(true);
    });

    it('signs many digests that node:crypto verifies, each with a fresh nonce', async () => {
      // Prepare: digests of all sizes of integer, including ones above the curve order
      const pem = kms.publicKeyPem();
      const messages = Array.from({ length: 120 }, (_, i) => Buffer.from(`entry ${i} ${'x'.repeat(i)}`));

      // Act
      const sigs = await Promise.all(
        messages.map((m) =>
          client().send(
            new SignCommand({
              KeyId: kms.keyArn,
              Message: createHash('sha256').update(m).digest(),
              MessageType: 'DIGEST',
              SigningAlgorithm: 'ECDSA_SHA_256',
            }),
          ),
        ),
      );

      // Assess
      for (const [i, { Signature }] of sigs.entries()) {
        expect(verify('sha256', messages[i]!, pem, Buffer.from(Signature!))).toBe(true);
      }
      // A repeated r would mean a repeated nonce, which leaks the private key.
      const rs = sigs.map(({ Signature }) =>
        Buffer.from(Signature!)
          .subarray(4, 4 + Buffer.from(Signature!)[3]!)
          .toString('hex'),
      );
      expect(new Set(rs).size).toBe(rs.length);
      // Signing the same digest twice gives two different signatures (random nonce, as KMS).
      const again = await client().send(
        new SignCommand({
          KeyId: kms.keyArn,
          Message: createHash('sha256').update(messages[0]!).digest(),
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      );
      expect(Buffer.from(again.Signature!).equals(Buffer.from(sigs[0]!.Signature!))).toBe(false);
      expect(verify('sha256', messages[0]!, pem, Buffer.from(again.Signature!))).toBe(true);
    });

    it('hashes a RAW message first, and accepts the key id and the alias', async () => {
      // Act
      const byId = await client().send(
        new SignCommand({ KeyId: kms.keyId, Message: message, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }),
      );
      const byAlias = await client().send(
        new SignCommand({ KeyId: 'alias/chainsec-decisions', Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }),
      );

      // Assess
      expect(verify('sha256', message, kms.publicKeyPem(), Buffer.from(byId.Signature!))).toBe(true);
      expect(verify('sha256', message, kms.publicKeyPem(), Buffer.from(byAlias.Signature!))).toBe(true);
    });

    it('produces low-S signatures', async () => {
      // Prepare
      const n = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

      // Act
      const sigs = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          client().send(
            new SignCommand({
              KeyId: kms.keyArn,
              Message: createHash('sha256').update(String(i)).digest(),
              MessageType: 'DIGEST',
              SigningAlgorithm: 'ECDSA_SHA_256',
            }),
          ),
        ),
      );

      // Assess
      for (const { Signature } of sigs) {
        const der = Buffer.from(Signature!);
        const rLen = der[3]!;
        const sLen = der[5 + rLen]!;
        const s = BigInt('0x' + der.subarray(6 + rLen, 6 + rLen + sLen).toString('hex'));
        expect(s <= n / 2n).toBe(true);
      }
    });

    it('answers NotFoundException for an unknown key', async () => {
      // Act
      const call = client().send(
        new SignCommand({
          KeyId: 'alias/nope',
          Message: digest,
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      );

      // Assess
      await expect(call).rejects.toMatchObject({ name: 'NotFoundException', $metadata: { httpStatusCode: 400 } });
    });

    it('answers InvalidKeyUsageException for an algorithm the key does not support', async () => {
      // Act
      const call = client().send(
        new SignCommand({
          KeyId: kms.keyArn,
          Message: digest,
          MessageType: 'DIGEST',
          SigningAlgorithm: 'RSASSA_PSS_SHA_256',
        }),
      );

      // Assess
      await expect(call).rejects.toMatchObject({ name: 'InvalidKeyUsageException' });
    });

    it('answers ValidationException for a digest that is not 32 bytes', async () => {
      // Act
      const call = client().send(
        new SignCommand({
          KeyId: kms.keyArn,
          Message: Buffer.alloc(31),
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      );

      // Assess
      await expect(call).rejects.toMatchObject({ name: 'ValidationException' });
    });

    it('fails as asked by the fault switch, then recovers', async () => {
      // Prepare
      kms.faults.set('Sign', { error: 'KMSInternalException', status: 500, times: 2 });
      const sign = () =>
        client().send(
          new SignCommand({
            KeyId: kms.keyArn,
            Message: digest,
            MessageType: 'DIGEST',
            SigningAlgorithm: 'ECDSA_SHA_256',
          }),
        );

      // Act
      const first = await sign().catch((e: Error) => e);
      const second = await sign().catch((e: Error) => e);
      const third = await sign();

      // Assess
      expect(first).toMatchObject({ name: 'KMSInternalException', $metadata: { httpStatusCode: 500 } });
      expect(second).toMatchObject({ name: 'KMSInternalException' });
      expect(third.Signature).toBeDefined();
      expect(kms.faults.triggered('Sign')).toBe(2);
    });

    it('is retried by the SDK through a transient 500', async () => {
      // Prepare
      kms.faults.set('Sign', { error: 'KMSInternalException', status: 500, times: 1 });
      const retrying = new KMSClient(localClientConfig(kms.url, 3));

      // Act
      const out = await retrying.send(
        new SignCommand({
          KeyId: kms.keyArn,
          Message: digest,
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      );

      // Assess
      expect(out.Signature).toBeDefined();
      retrying.destroy();
    });
  });

  describe('Method: GetPublicKey', () => {
    it('returns the DER SPKI public key, usable as PEM', async () => {
      // Act
      const out = await client().send(new GetPublicKeyCommand({ KeyId: kms.keyArn }));

      // Assess
      const key = createPublicKey({ key: Buffer.from(out.PublicKey!), format: 'der', type: 'spki' });
      expect(key.export({ type: 'spki', format: 'pem' })).toBe(kms.publicKeyPem());
      expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      expect(out).toMatchObject({
        KeyId: kms.keyArn,
        KeySpec: 'ECC_NIST_P256',
        KeyUsage: 'SIGN_VERIFY',
        SigningAlgorithms: ['ECDSA_SHA_256'],
      });
    });
  });

  describe('Method: Verify', () => {
    it('accepts its own signature and refuses a tampered digest', async () => {
      // Prepare
      const { Signature } = await client().send(
        new SignCommand({
          KeyId: kms.keyArn,
          Message: digest,
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      );
      const other = createHash('sha256').update('other').digest();

      // Act
      const ok = await client().send(
        new VerifyCommand({
          KeyId: kms.keyArn,
          Message: digest,
          MessageType: 'DIGEST',
          Signature,
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      );
      const bad = client().send(
        new VerifyCommand({
          KeyId: kms.keyArn,
          Message: other,
          MessageType: 'DIGEST',
          Signature,
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      );

      // Assess
      expect(ok).toMatchObject({ KeyId: kms.keyArn, SignatureValid: true, SigningAlgorithm: 'ECDSA_SHA_256' });
      await expect(bad).rejects.toMatchObject({ name: 'KMSInvalidSignatureException' });
    });
  });

  describe('Method: DescribeKey', () => {
    it('describes the key by alias ARN', async () => {
      // Act
      const out = await client().send(new DescribeKeyCommand({ KeyId: kms.aliasArn }));

      // Assess
      expect(out.KeyMetadata).toMatchObject({
        KeyId: kms.keyId,
        Arn: kms.keyArn,
        KeySpec: 'ECC_NIST_P256',
        KeyState: 'Enabled',
        Enabled: true,
      });
      expect(out.KeyMetadata?.CreationDate).toBeInstanceOf(Date);
    });
  });

  describe('Method: rotateKey', () => {
    it('points the alias at a new key while the old one still verifies', async () => {
      // Prepare
      const local = new LocalKms();
      await local.start();
      const c = new KMSClient(localClientConfig(local.url));
      const oldArn = local.keyArn;
      const oldPem = local.publicKeyPem();
      const { Signature: oldSig } = await c.send(
        new SignCommand({ KeyId: oldArn, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' }),
      );

      // Act
      const newArn = local.rotateKey();
      const viaAlias = await c.send(
        new SignCommand({
          KeyId: local.alias,
          Message: digest,
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      );
      const oldKey = await c.send(new GetPublicKeyCommand({ KeyId: oldArn }));

      // Assess
      expect(newArn).not.toBe(oldArn);
      expect(viaAlias.KeyId).toBe(newArn);
      expect(verify('sha256', message, local.publicKeyPem(), Buffer.from(viaAlias.Signature!))).toBe(true);
      expect(verify('sha256', message, oldPem, Buffer.from(oldSig!))).toBe(true);
      expect(
        createPublicKey({ key: Buffer.from(oldKey.PublicKey!), format: 'der', type: 'spki' }).export({
          type: 'spki',
          format: 'pem',
        }),
      ).toBe(oldPem);
      expect(local.keyArns()).toEqual([oldArn, newArn]);
      c.destroy();
      await local.stop();
    });
  });

  describe('Method: start', () => {
    it('listens on 127.0.0.1 only, on an ephemeral port', () => {
      // Assess
      expect(kms.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(kms.port).toBeGreaterThan(0);
    });
  });
});
