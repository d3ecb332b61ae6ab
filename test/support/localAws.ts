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

/** A local AWS stand-in of the sandbox (LocalKms, LocalSns, ...) as a test drives it. */
interface LocalService {
  start(): Promise<unknown>;
  stop(): Promise<unknown>;
  readonly url: string;
  readonly faults: { clear(): void };
}

/**
 * Runs `service` for the enclosing `describe` with an SDK client on its URL:
 * started before the tests, its faults cleared after each, the client
 * destroyed and the service stopped after them all.
 * @returns the client, once the tests run
 */
export function useLocalService<C extends { destroy(): void }>(
  service: LocalService,
  newClient: (config: ReturnType<typeof localClientConfig>) => C,
): () => C {
  let client: C | undefined;
  beforeAll(async () => {
    await service.start();
    client = newClient(localClientConfig(service.url));
  });
  afterAll(async () => {
    client?.destroy();
    await service.stop();
  });
  afterEach(() => service.faults.clear());
  return () => {
    if (!client) throw new Error('useLocalService: the client is used inside a test or hook, after beforeAll');
    return client;
  };
}
