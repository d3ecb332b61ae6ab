import { randomUUID } from 'node:crypto';
import { AwsError, type AwsJsonOperation, AwsJsonServer } from './AwsJsonServer';

interface StoredSecret {
  name: string;
  arn: string;
  value: string;
  versionId: string;
  createdAt: number;
}

/**
 * A local stand-in for AWS Secrets Manager, speaking the AWS JSON 1.1
 * protocol (`X-Amz-Target: secretsmanager.<Op>`) for the one operation
 * chainsec uses: `GetSecretValue` (text secrets, by name or ARN). Secrets are
 * put by the sandbox ({@link put}), as an operator would with the CLI.
 */
export class LocalSecretsManager extends AwsJsonServer {
  private readonly byName = new Map<string, StoredSecret>();

  public constructor(
    private readonly region = 'us-east-1',
    private readonly accountId = '000000000000',
    port?: number,
  ) {
    super('secretsmanager', 'application/x-amz-json-1.1', port);
  }

  /** Creates the secret, or stores a new current version of it. */
  public put(name: string, value: string): void {
    const existing = this.byName.get(name);
    const arn =
      existing?.arn ??
      `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${name}-${randomUUID().slice(0, 6)}`;
    this.byName.set(name, { name, arn, value, versionId: randomUUID(), createdAt: Date.now() / 1000 });
  }

  protected override operations(): Record<string, AwsJsonOperation> {
    return {
      GetSecretValue: (input) => {
        const id = input.string('SecretId');
        const secret = this.byName.get(id) ?? [...this.byName.values()].find((s) => s.arn === id);
        if (!secret)
          throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
        return {
          ARN: secret.arn,
          Name: secret.name,
          VersionId: secret.versionId,
          SecretString: secret.value,
          VersionStages: ['AWSCURRENT'],
          CreatedDate: secret.createdAt,
        };
      },
    };
  }
}
