import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { FetchFunction } from '@slack/web-api';

/**
 * The `fetch` option of `@slack/web-api`'s WebClient (its documented
 * `FetchFunction` extension point), on `node:http`/`node:https` with
 * keep-alive.
 *
 * Why not the global `fetch`: Node loads its fetch implementation (undici)
 * on first use, about 40 ms of CPU on every Lambda cold start that calls
 * Slack, while `node:http` is already loaded for the AWS SDK. This covers
 * exactly what WebClient sends for chainsec's calls: a string body (form or
 * JSON), `redirect: 'error'` and an abort signal (its timeout). Anything else
 * (a FormData upload, another redirect mode) goes to the global `fetch`.
 */
export function nodeHttpFetch(): FetchFunction {
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  return async (input, init = {}) => {
    if (
      (init.body !== undefined && typeof init.body !== 'string') ||
      (init.redirect !== undefined && init.redirect !== 'error')
    ) {
      // WebClient's own default; Node's Response satisfies FetchResponse at run time.
      return globalThis.fetch(input, init as RequestInit) as unknown as ReturnType<FetchFunction>;
    }
    const url = new URL(String(input));
    const body = init.body;
    const { signal } = init;
    signal?.throwIfAborted();
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : url.protocol === 'http:' ? httpRequest : undefined;
      if (!send) return reject(new TypeError(`unsupported protocol ${url.protocol}`));
      const req = send(url, {
        method: init.method ?? 'GET',
        headers: { ...init.headers, ...(body !== undefined && { 'content-length': String(Buffer.byteLength(body)) }) },
        agent: url.protocol === 'https:' ? agents.https : agents.http,
        ...(signal && { signal }),
      });
      req.once('response', resolve);
      // An abort surfaces here too, as an AbortError carrying the signal's reason.
      req.once('error', (e) => reject(signal?.aborted ? (signal.reason ?? e) : e));
      req.end(body);
    });
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400)
      throw new TypeError(`redirect to ${String(response.headers.location)} refused (redirect: 'error')`);
    return {
      ok: status >= 200 && status < 300,
      status,
      statusText: response.statusMessage ?? '',
      url: url.toString(),
      headers: fetchHeaders(response.headers),
      text: async () => bytes.toString('utf8'),
      json: async () => JSON.parse(bytes.toString('utf8')) as unknown,
      arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    };
  };
}

/** Node's header object seen through fetch's `get` (case-insensitive, repeats joined) and `entries`. */
function fetchHeaders(headers: IncomingHttpHeaders) {
  const value = (v: string | string[] | undefined): string | null =>
    v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
  return {
    get: (name: string) => value(headers[name.toLowerCase()]),
    entries: () =>
      Object.entries(headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, value(v)!] as [string, string]])),
  };
}
