import type { IncomingMessage, ServerResponse } from 'node:http';

/** Request bodies the sandbox accepts are bounded (a storm is many requests, not big ones). */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

/**
 * Reads a request body as text.
 * @param maxBytes a tighter bound than the default, for endpoints whose bodies are small
 * @throws an error with `status: 413` past the bound
 */
export async function readBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw Object.assign(new Error('request body too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends JSON. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Sends text. */
export function sendText(
  res: ServerResponse,
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Parses a JSON body, answering 400 with a clear message when it is not JSON. */
export function parseJsonBody(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: text.length === 0 ? {} : JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: `body is not valid JSON: ${(e as Error).message}` };
  }
}
