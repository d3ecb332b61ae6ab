/**
 * Settings for AWS SDK v3 clients pointed at a local service: its endpoint,
 * a region, fake credentials (local services do not check signatures), and
 * no retries unless asked, so a test sees each answer as it is.
 */
export function localClientConfig(endpoint: string, maxAttempts = 1) {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts,
  };
}

/**
 * Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`: a generous
 * deadline by default, so a loaded machine is slower but never fails what a quiet one passes.
 */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20_000,
  everyMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
