/**
 * Shared settings for every AWS SDK client: a per-call timeout and bounded
 * retries (Lambda has seconds; Slack waits 3 of them). Endpoints are not set
 * here: the SDK reads `AWS_ENDPOINT_URL_<SERVICE>`, which is how the sandbox
 * points production code at local services.
 */
export function clientOptions(callTimeoutMs: number, maxAttempts = 3): {
  maxAttempts: number;
  requestHandler: { connectionTimeout: number; requestTimeout: number };
} {
  return {
    maxAttempts,
    requestHandler: { connectionTimeout: Math.min(1000, callTimeoutMs), requestTimeout: callTimeoutMs },
  };
}
