import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient, WebClientEvent, ErrorCode as SlackErrorCode, type WebAPIHTTPError } from '@slack/web-api';
import { nodeHttpFetch } from '../../src/services/nodeHttpFetch';

/** A local HTTP server whose answer each test sets. */
function server(
  handler: (req: IncomingMessage, body: string, res: ServerResponse) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const s: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, body, res));
  });
  return new Promise((resolve) =>
    s.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
        close: () => new Promise<void>((r) => s.close(() => r())).finally(() => s.closeAllConnections()),
      }),
    ),
  );
}

describe('Function: nodeHttpFetch (the Slack transport, against a local HTTP server)', () => {
  const fetch = nodeHttpFetch();

  it('sends method, headers and body, and reads status, headers and JSON', async () => {
    // Prepare
    let seen: { method?: string; type?: string; length?: string; body?: string } = {};
    const srv = await server((req, body, res) => {
      seen = { method: req.method, type: req.headers['content-type'], length: req.headers['content-length'], body };
      res.writeHead(200, { 'content-type': 'application/json', 'x-oauth-scopes': 'chat:write, commands' });
      res.end('{"ok":true,"ts":"1.2"}');
    });

    // Act
    const res = await fetch(`${srv.url}/api/chat.postMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'text=h%C3%A9',
    });
    const json = await res.json();
    await srv.close();

    // Assess
    expect(seen).toEqual({
      method: 'POST',
      type: 'application/x-www-form-urlencoded',
      length: '12',
      body: 'text=h%C3%A9',
    });
    expect(res.ok).toBe(true);
    expect(res.status).toBe(200);
    expect(res.headers.get('X-OAuth-Scopes')).toBe('chat:write, commands');
    expect(res.headers.get('missing')).toBeNull();
    expect(Object.fromEntries(res.headers.entries())['content-type']).toBe('application/json');
    expect(json).toEqual({ ok: true, ts: '1.2' });
  });

  it('refuses a redirect when asked to (redirect: error)', async () => {
    // Prepare
    const srv = await server((_req, _body, res) => {
      res.writeHead(302, { location: 'http://evil.example/' });
      res.end();
    });

    // Act
    const attempt = fetch(`${srv.url}/api/x`, { method: 'POST', body: '', redirect: 'error' });

    // Assess
    await expect(attempt).rejects.toThrow(/redirect to http:\/\/evil\.example\/ refused/);
    await srv.close();
  });

  it('aborts on its signal (a timeout) with the signal reason', async () => {
    // Prepare
    const srv = await server(() => undefined); // never answers

    // Act
    const attempt = fetch(`${srv.url}/api/x`, { method: 'POST', body: 'a=1', signal: AbortSignal.timeout(100) });

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'TimeoutError' });
    await srv.close();
  });

  it('drives a WebClient: 429 with Retry-After is waited out, then the call succeeds; a 500 is an HTTP error', async () => {
    // Prepare
    let calls = 0;
    const srv = await server((req, _body, res) => {
      calls++;
      if (req.url?.endsWith('/chat.update')) {
        if (calls === 1) {
          res.writeHead(429, { 'retry-after': '1' });
          return res.end('{"ok":false,"error":"ratelimited"}');
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end('{"ok":true}');
      }
      res.writeHead(500);
      res.end('boom');
    });
    const client = new WebClient('xoxb-test', {
      slackApiUrl: `${srv.url}/api/`,
      fetch,
      retryConfig: { retries: 1, minTimeout: 10, maxTimeout: 10 },
      rejectRateLimitedCalls: false,
    });
    let rateLimited = 0;
    client.on(WebClientEvent.RATE_LIMITED, () => rateLimited++);

    // Act
    const updated = await client.chat.update({ channel: 'C1', ts: '1.1', text: 'x' });
    const failed = await client.chat
      .postMessage({ channel: 'C1', text: 'x' })
      .catch((e: unknown) => e as WebAPIHTTPError);
    await srv.close();

    // Assess
    expect(updated.ok).toBe(true);
    expect(rateLimited).toBe(1);
    expect(failed).toMatchObject({ code: SlackErrorCode.HTTPError, statusCode: 500 });
  }, 10_000);
});
