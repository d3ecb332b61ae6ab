/**
 * What a handler builds once per container (Lambda reuses a container across
 * invocations): `init` runs on the first call and its result is kept. A build
 * that failed is forgotten, so the next invocation tries again instead of the
 * container failing for the rest of its life.
 */
export function perContainer<T>(init: () => Promise<T>): () => Promise<T> {
  let ready: Promise<T> | undefined;
  return () => {
    ready ??= init().catch((e: unknown) => {
      ready = undefined;
      throw e;
    });
    return ready;
  };
}
