import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { upstreamHeaders } from '../domain/upstreamCredentials';
import type { Upstream } from '../domain/toolPolicy';
import { UpstreamCredentialsError } from '../errors';
import { clientOptions } from './awsClients';

/** What chainsec sends an upstream MCP server to be let in. */
export interface UpstreamCredentials {
  /**
   * The headers for `upstream` (none when it has no `credentialsSecret`).
   * `fresh`: read the secret again (the upstream refused the ones held: rotated).
   * @throws UpstreamCredentialsError when the secret cannot be read or used
   */
  headersFor(upstream: Upstream, fresh?: boolean): Promise<Record<string, string>>;
}

/** Seconds a secret is kept before it is read again (a rotation is also picked up at the upstream's first 401). */
const SECRET_MAX_AGE_SECONDS = 300;

/**
 * {@link UpstreamCredentials} from Secrets Manager through Powertools
 * Parameters (cached, with a bounded client). Errors name the upstream and
 * what went wrong, never the secret's value.
 */
export class SecretsManagerUpstreamCredentials implements UpstreamCredentials {
  private secrets?: Promise<SecretsProvider>;

  /** @param client the Secrets Manager client (default: bounded by `callTimeoutMs`, endpoint from the environment) */
  public constructor(
    private readonly callTimeoutMs: number,
    private readonly client?: SecretsManagerClient,
  ) {}

  /** Loaded at the first upstream with a secret: a function with none never pays for the SDK client. */
  private provider(): Promise<SecretsProvider> {
    this.secrets ??= (async () => {
      const [{ SecretsProvider }, { SecretsManagerClient }] = await Promise.all([
        import('@aws-lambda-powertools/parameters/secrets'),
        import('@aws-sdk/client-secrets-manager'),
      ]);
      return new SecretsProvider({
        awsSdkV3Client: this.client ?? new SecretsManagerClient(clientOptions(this.callTimeoutMs)),
      });
    })();
    return this.secrets;
  }

  public async headersFor(upstream: Upstream, fresh = false): Promise<Record<string, string>> {
    if (!upstream.credentialsSecret) return {};
    const read = upstreamHeaders(await this.secretText(upstream, upstream.credentialsSecret, fresh));
    if ('headers' in read) return read.headers;
    // A secret kept from before may have been mended since: one fresh read before giving up.
    if (!fresh) return this.headersFor(upstream, true);
    throw new UpstreamCredentialsError(upstream.name, read.problem);
  }

  private async secretText(upstream: Upstream, name: string, fresh: boolean): Promise<string> {
    let secret: unknown;
    try {
      secret = await (await this.provider()).get(name, { maxAge: SECRET_MAX_AGE_SECONDS, forceFetch: fresh });
    } catch (e) {
      const cause = (e as Error).cause as Error | undefined;
      throw new UpstreamCredentialsError(upstream.name, `Secrets Manager: ${(cause ?? (e as Error)).name}`, {
        cause: e,
      });
    }
    if (typeof secret !== 'string')
      throw new UpstreamCredentialsError(upstream.name, 'the secret has no text (SecretString)');
    return secret;
  }
}
