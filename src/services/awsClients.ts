import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

/** The SDK's logger interface (the same for every client). */
type Logger = NonNullable<DynamoDBClientConfig['logger']>;

/**
 * The SDK's logger: silent like its default `NoOpLogger`, but without an
 * `info` method. Before every call's `logger.info(...)`, even a no-op one,
 * the SDK's logger middleware builds a copy of the request and the response
 * with sensitive fields filtered (~0.5 ms of CPU per call with our records);
 * it skips that when there is no `info` to call. Errors still reach `error`.
 */
const quietSdkLogger = { debug: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;

/**
 * Shared settings for every AWS SDK client: a per-call timeout and bounded
 * retries (Lambda has seconds; Slack waits 3 of them). Endpoints are not set
 * here: the SDK reads `AWS_ENDPOINT_URL_<SERVICE>`, which is how the sandbox
 * points production code at local services.
 */
export function clientOptions(
  callTimeoutMs: number,
  maxAttempts = 3,
): {
  maxAttempts: number;
  requestHandler: { connectionTimeout: number; requestTimeout: number };
  logger: Logger;
} {
  return {
    maxAttempts,
    requestHandler: { connectionTimeout: Math.min(1000, callTimeoutMs), requestTimeout: callTimeoutMs },
    logger: quietSdkLogger,
  };
}
