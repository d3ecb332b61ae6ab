import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { LocalSecretsManager } from '../../../sandbox/local/LocalSecretsManager';
import { UpstreamSchema } from '../../../src/domain/toolPolicy';
import { ErrorCode, UpstreamCredentialsError } from '../../../src/errors';
import { SecretsManagerUpstreamCredentials } from '../../../src/services/UpstreamCredentials';
import { useLocalService } from '../../support/localAws';

/** SecretsManagerUpstreamCredentials against the sandbox's local Secrets Manager (the AWS JSON protocol). */
describe('Class: SecretsManagerUpstreamCredentials (local Secrets Manager)', () => {
  const secrets = new LocalSecretsManager();
  const client = useLocalService(secrets, (config) => new SecretsManagerClient(config));
  let n = 0;
  /** An upstream with a secret of its own (a fresh name per test: the provider caches by name). */
  const upstream = (value?: string) => {
    const credentialsSecret = `chainsec/test/mcp-upstreams/files-${++n}`;
    if (value !== undefined) secrets.put(credentialsSecret, value);
    return UpstreamSchema.parse({ name: 'files', url: 'https://files.example.com/mcp', credentialsSecret });
  };
  const bearer = (token: string) => JSON.stringify({ headers: { Authorization: `Bearer ${token}` } });
  const credentials = () => new SecretsManagerUpstreamCredentials(5_000, client());

  describe('Method: headersFor', () => {
    it("answers the secret's headers, names in lower case; an upstream without a secret gets none", async () => {
      // Act
      const headers = await credentials().headersFor(upstream(bearer('t0k3n')));
      const none = await credentials().headersFor(
        UpstreamSchema.parse({ name: 'open', url: 'https://o.example.com/mcp' }),
      );

      // Assess
      expect(headers).toEqual({ authorization: 'Bearer t0k3n' });
      expect(none).toEqual({});
    });

    it('keeps what it read, and reads again when asked for fresh headers (a rotation)', async () => {
      // Prepare
      const u = upstream(bearer('old'));
      const c = credentials();
      await c.headersFor(u);
      secrets.put(u.credentialsSecret!, bearer('new'));

      // Act
      const kept = await c.headersFor(u);
      const fresh = await c.headersFor(u, true);

      // Assess
      expect(kept).toEqual({ authorization: 'Bearer old' });
      expect(fresh).toEqual({ authorization: 'Bearer new' });
    });

    it('reads a malformed secret once more before it gives up, so a mended one is used at once', async () => {
      // Prepare
      const u = upstream('Bearer s3cr3t');
      const c = credentials();
      await expect(c.headersFor(u)).rejects.toBeInstanceOf(UpstreamCredentialsError);
      secrets.put(u.credentialsSecret!, bearer('mended'));

      // Act
      const headers = await c.headersFor(u);

      // Assess
      expect(headers).toEqual({ authorization: 'Bearer mended' });
    });

    it.each([
      ['a secret that does not exist', undefined, 'ResourceNotFoundException'],
      ['a secret that is not JSON', 'Bearer s3cr3t', 'not JSON'],
      [
        'a header with a line break',
        JSON.stringify({ headers: { 'x-api-key': 's3cr3t\r\nx-admin: 1' } }),
        'visible ASCII',
      ],
    ])('%s: a coded error naming the upstream and why, never the value', async (_name, value, why) => {
      // Act
      const read = credentials().headersFor(upstream(value));

      // Assess
      const error = (await read.catch((e: unknown) => e)) as UpstreamCredentialsError;
      expect(error).toBeInstanceOf(UpstreamCredentialsError);
      expect(error.code).toBe(ErrorCode.UpstreamCredentialsUnavailable);
      expect(error.message).toContain('"files"');
      expect(error.message).toContain(why);
      expect(error.message).not.toContain('s3cr3t');
    });

    it('a Secrets Manager failure is a coded error too', async () => {
      // Prepare
      const u = upstream(bearer('t'));
      secrets.faults.set('GetSecretValue', { error: 'AccessDeniedException', status: 400 });

      // Act
      const read = credentials().headersFor(u);

      // Assess
      await expect(read).rejects.toMatchObject({
        code: ErrorCode.UpstreamCredentialsUnavailable,
        message: expect.stringContaining('AccessDeniedException'),
      });
    });
  });
});
