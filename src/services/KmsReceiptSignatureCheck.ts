import { KMSClient, KMSInvalidSignatureException, VerifyCommand } from '@aws-sdk/client-kms';
import type { SignatureCheck } from '../receipts/verifyReceipt';
import { clientOptions } from './awsClients';

/**
 * A receipt {@link SignatureCheck} by KMS `Verify` (`MessageType: DIGEST`,
 * `ECDSA_SHA_256`), for an executor that holds `kms:Verify` on the ledger key
 * instead of its public key. A signature KMS finds invalid is `false`; any
 * other KMS failure throws (the executor then refuses, and can retry).
 */
export function kmsReceiptSignatureCheck(options: { callTimeoutMs: number; client?: KMSClient }): SignatureCheck {
  const client = options.client ?? new KMSClient(clientOptions(options.callTimeoutMs, 2));
  return async (digest, signatureDer, keyId) => {
    try {
      const out = await client.send(
        new VerifyCommand({
          KeyId: keyId,
          Message: digest,
          MessageType: 'DIGEST',
          Signature: signatureDer,
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      );
      return out.SignatureValid === true;
    } catch (e) {
      if (e instanceof KMSInvalidSignatureException || (e as Error).name === 'KMSInvalidSignatureException')
        return false;
      throw e;
    }
  };
}
