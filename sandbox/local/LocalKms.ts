import {
  createECDH,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  type KeyObject,
} from 'node:crypto';
import type { p256 as P256Curve } from '@noble/curves/nist.js';
import { AwsError, AwsJsonServer, epochSeconds, type AwsJsonInput, type AwsJsonOperation } from './AwsJsonServer';

/** Options of {@link LocalKms}. */
export interface LocalKmsOptions {
  port?: number;
  region?: string;
  accountId?: string;
  /** Key id (a UUID) of the first key; random by default. */
  keyId?: string;
  /** Alias pointing at the current key; default `alias/chainsec-decisions`. */
  alias?: string;
  /** PEM (PKCS#8 or SEC1) of a P-256 private key to use instead of a fresh one. */
  privateKeyPem?: string;
}

/** One asymmetric ECC_NIST_P256 / SIGN_VERIFY key. */
interface KmsKey {
  keyId: string;
  arn: string;
  /** The private scalar d. */
  d: bigint;
  /** Uncompressed public point (0x04 || x || y). */
  point: Uint8Array;
  /** DER SubjectPublicKeyInfo, what GetPublicKey returns. */
  spki: Buffer;
  publicKey: KeyObject;
  createdAt: Date;
}

const KEY_SPEC = 'ECC_NIST_P256';
const KEY_USAGE = 'SIGN_VERIFY';
const ALGORITHM = 'ECDSA_SHA_256';
/** Every algorithm name KMS knows: a known one that does not fit the key is a usage error, not a validation error. */
const KNOWN_ALGORITHMS = new Set([
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
  'ECDSA_SHA_256',
  'ECDSA_SHA_384',
  'ECDSA_SHA_512',
  'SM2DSA',
  'ML_DSA_SHAKE_256',
  'ED25519_SHA_512',
  'ED25519_PH_SHA_512',
]);
/** KMS refuses RAW messages over 4096 bytes. */
const MAX_RAW_MESSAGE_BYTES = 4096;

let curve: typeof P256Curve | undefined;

/**
 * @noble/curves v2 ships ESM only. Node >= 22.12 can `require()` ESM, but
 * Jest's own module registry cannot; Node's real loader, reached through
 * `process.getBuiltinModule` (which Jest does not wrap), works under Jest,
 * tsx and plain node alike.
 */
function p256(): typeof P256Curve {
  if (!curve) {
    const nodeModule = process.getBuiltinModule?.('node:module');
    const load = nodeModule ? nodeModule.createRequire(__filename) : require;
    try {
      curve = (load('@noble/curves/nist.js') as { p256: typeof P256Curve }).p256;
    } catch (e) {
      throw new Error(
        `LocalKms needs @noble/curves (ESM) loadable through require(), i.e. Node >= 22.12: ${(e as Error).message}`,
      );
    }
  }
  return curve;
}

const toBigInt = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).toString('hex')}`);

/**
 * ECDSA P-256 over a 32-byte digest, as KMS signs a `DIGEST`: low-S (what
 * OpenSSL and node:crypto verify, and not malleable), DER.
 *
 * node:crypto signs messages only (it hashes them itself), so it cannot sign
 * a digest; @noble/curves can, but its RFC 6979 nonce runs HMAC-SHA-256 and
 * the scalar multiplication in JS, ~1 ms per signature on the event loop the
 * handlers share with this server. Here the nonce comes from a native ECDH
 * key pair instead: OpenSSL draws k uniformly from [1, n-1] and computes k·G
 * in constant time. What is left is s = k⁻¹(z + r·d) mod n in the curve's
 * scalar field, ~0.1 ms in all. Tests verify the result with node:crypto.
 */
function signDigest(digest: Uint8Array, d: bigint): Uint8Array {
  const { Point, Signature } = p256();
  const { Fn } = Point;
  const z = Fn.create(toBigInt(digest));
  for (;;) {
    const nonce = createECDH('prime256v1');
    const kG = nonce.generateKeys(); // 0x04 || x || y
    const k = toBigInt(nonce.getPrivateKey());
    const r = Fn.create(toBigInt(kG.subarray(1, 33)));
    if (r === 0n) continue;
    let s = Fn.mul(Fn.inv(k), Fn.add(z, Fn.mul(r, d)));
    if (s === 0n) continue;
    if (s > Fn.ORDER >> 1n) s = Fn.neg(s);
    return new Signature(r, s).toBytes('der');
  }
}

/**
 * A local stand-in for AWS KMS, speaking the AWS JSON 1.1 protocol
 * (`X-Amz-Target: TrentService.<Op>`) for the subset the ledger uses:
 * `Sign`, `Verify`, `GetPublicKey`, `DescribeKey`, on one ECC_NIST_P256
 * SIGN_VERIFY key (plus older keys after {@link rotateKey}). Keys are
 * accepted by id, key ARN, alias name or alias ARN.
 *
 * Signatures are ECDSA over the 32-byte digest, DER, low-S, so
 * `crypto.verify('sha256', message, publicKey, signature)` accepts them
 * whenever sha256(message) is the digest that was signed.
 */
export class LocalKms extends AwsJsonServer {
  public readonly region: string;
  public readonly accountId: string;
  /** The alias name, e.g. `alias/chainsec-decisions`. */
  public readonly alias: string;
  private readonly keysById = new Map<string, KmsKey>();
  private current: KmsKey;

  public constructor(options: LocalKmsOptions = {}) {
    super('TrentService', 'application/x-amz-json-1.1', options.port);
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
    this.alias = options.alias ?? 'alias/chainsec-decisions';
    if (!this.alias.startsWith('alias/')) throw new Error(`alias must start with "alias/", got "${this.alias}"`);
    // Generated here, not in start(): the sandbox hands the key ARN to the handlers before they run.
    this.current = this.addKey(options.keyId ?? randomUUID(), options.privateKeyPem);
  }

  /** Id (UUID) of the current key. */
  public get keyId(): string {
    return this.current.keyId;
  }

  /** ARN of the current key, e.g. `arn:aws:kms:us-east-1:000000000000:key/<uuid>`. */
  public get keyArn(): string {
    return this.current.arn;
  }

  /** ARN of the alias. */
  public get aliasArn(): string {
    return `arn:aws:kms:${this.region}:${this.accountId}:${this.alias}`;
  }

  /** ARNs of every key, oldest first. */
  public keyArns(): string[] {
    return [...this.keysById.values()].map((k) => k.arn);
  }

  /** PEM (SPKI) of a key's public key; the current key by default. */
  public publicKeyPem(keyId?: string): string {
    const key = keyId === undefined ? this.current : this.resolve(keyId);
    return key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  /**
   * Adds a new key and points the alias at it (key rotation). Older keys
   * stay usable by id or ARN, so entries they signed still verify.
   * @returns the new key's ARN.
   */
  public rotateKey(keyId: string = randomUUID()): string {
    this.current = this.addKey(keyId);
    return this.current.arn;
  }

  protected override operations(): Record<string, AwsJsonOperation> {
    return {
      Sign: (input) => this.sign(input),
      Verify: (input) => this.verify(input),
      GetPublicKey: (input) => this.getPublicKey(input),
      DescribeKey: (input) => this.describeKey(input),
    };
  }

  private addKey(keyId: string, privateKeyPem?: string): KmsKey {
    if (this.keysById.has(keyId)) throw new Error(`key ${keyId} already exists`);
    const privateKey = privateKeyPem
      ? createPrivateKey(privateKeyPem)
      : generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new Error('LocalKms keys must be EC P-256 (prime256v1)');
    }
    const publicKey = createPublicKey(privateKey);
    const jwk = privateKey.export({ format: 'jwk' });
    const key: KmsKey = {
      keyId,
      arn: `arn:aws:kms:${this.region}:${this.accountId}:key/${keyId}`,
      d: toBigInt(Buffer.from(jwk.d!, 'base64url')),
      point: Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]),
      spki: publicKey.export({ type: 'spki', format: 'der' }),
      publicKey,
      createdAt: new Date(),
    };
    this.keysById.set(keyId, key);
    return key;
  }

  /** Finds a key by id, key ARN, alias or alias ARN, as KMS does; NotFoundException otherwise. */
  private resolve(ref: string): KmsKey {
    const prefix = `arn:aws:kms:${this.region}:${this.accountId}:`;
    const local = ref.startsWith(prefix) ? ref.slice(prefix.length) : ref;
    if (local === this.alias) return this.current;
    if (local.startsWith('alias/')) throw new AwsError('NotFoundException', `Alias ${prefix}${local} is not found.`);
    const id = local.startsWith('key/') ? local.slice('key/'.length) : local;
    const key = this.keysById.get(id);
    if (!key || (ref.startsWith('arn:') && !ref.startsWith(prefix))) {
      throw new AwsError(
        'NotFoundException',
        `Key '${ref.startsWith('arn:') ? ref : prefix + 'key/' + ref}' does not exist`,
      );
    }
    return key;
  }

  /** The 32-byte digest to sign or verify, from Message/MessageType, with KMS's checks. */
  private digestOf(input: AwsJsonInput): Buffer {
    const message = Buffer.from(input.string('Message'), 'base64');
    const messageType = input.optionalString('MessageType') ?? 'RAW';
    const algorithm = input.string('SigningAlgorithm');
    if (algorithm !== ALGORITHM) {
      if (KNOWN_ALGORITHMS.has(algorithm)) {
        throw new AwsError(
          'InvalidKeyUsageException',
          `Signing algorithm ${algorithm} is not supported for key spec ${KEY_SPEC}; use ${ALGORITHM}.`,
        );
      }
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value '${algorithm}' at 'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [${[...KNOWN_ALGORITHMS].join(', ')}]`,
      );
    }
    if (messageType === 'DIGEST') {
      if (message.length !== 32)
        throw new AwsError(
          'ValidationException',
          `Digest is invalid length for algorithm ${ALGORITHM}: expected 32 bytes, got ${message.length}.`,
        );
      return message;
    }
    if (messageType === 'RAW') {
      if (message.length > MAX_RAW_MESSAGE_BYTES)
        throw new AwsError(
          'ValidationException',
          `Message is longer than ${MAX_RAW_MESSAGE_BYTES} bytes; send a DIGEST instead.`,
        );
      return createHash('sha256').update(message).digest();
    }
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value '${messageType}' at 'messageType' failed to satisfy constraint: Member must satisfy enum value set: [RAW, DIGEST]`,
    );
  }

  private sign(input: AwsJsonInput): object {
    const key = this.resolve(input.string('KeyId'));
    const digest = this.digestOf(input);
    const signature = signDigest(digest, key.d);
    return { KeyId: key.arn, Signature: Buffer.from(signature).toString('base64'), SigningAlgorithm: ALGORITHM };
  }

  private verify(input: AwsJsonInput): object {
    const key = this.resolve(input.string('KeyId'));
    const digest = this.digestOf(input);
    const signature = Buffer.from(input.string('Signature'), 'base64');
    let valid = false;
    try {
      valid = p256().verify(signature, digest, key.point, { prehash: false, lowS: false, format: 'der' });
    } catch {
      valid = false; // not DER: invalid, as KMS says
    }
    // KMS answers an invalid signature with an error, never SignatureValid: false.
    if (!valid)
      throw new AwsError('KMSInvalidSignatureException', 'The signature is not valid for this message and key.');
    return { KeyId: key.arn, SignatureValid: true, SigningAlgorithm: ALGORITHM };
  }

  private getPublicKey(input: AwsJsonInput): object {
    const key = this.resolve(input.string('KeyId'));
    return {
      KeyId: key.arn,
      PublicKey: key.spki.toString('base64'),
      CustomerMasterKeySpec: KEY_SPEC,
      KeySpec: KEY_SPEC,
      KeyUsage: KEY_USAGE,
      SigningAlgorithms: [ALGORITHM],
    };
  }

  private describeKey(input: AwsJsonInput): object {
    const key = this.resolve(input.string('KeyId'));
    return {
      KeyMetadata: {
        AWSAccountId: this.accountId,
        KeyId: key.keyId,
        Arn: key.arn,
        CreationDate: epochSeconds(key.createdAt),
        Enabled: true,
        Description: 'chainsec decision ledger signing key (local)',
        KeyUsage: KEY_USAGE,
        KeyState: 'Enabled',
        Origin: 'AWS_KMS',
        KeyManager: 'CUSTOMER',
        CustomerMasterKeySpec: KEY_SPEC,
        KeySpec: KEY_SPEC,
        SigningAlgorithms: [ALGORITHM],
        MultiRegion: false,
      },
    };
  }
}
