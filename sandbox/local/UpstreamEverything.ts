import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** One `tools/call` the upstream received, as sent over the wire. */
export interface UpstreamCall {
  name: string;
  arguments: unknown;
}

const ROOT = path.resolve(__dirname, '../..');
const ENTRY = path.join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');

/** A free TCP port on the loopback interface (asked of the OS). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * The sandbox's governed upstream: the reference MCP server
 * `@modelcontextprotocol/server-everything` (written by the MCP project, not
 * here), run as a child process over Streamable HTTP, behind a small front
 * that lets in only requests bearing its token (as a real upstream trusts
 * chainsec, not the agents) and records which calls reached the server.
 */
export class UpstreamEverything {
  /** Every `tools/call` that reached the upstream, in order. */
  public readonly calls: UpstreamCall[] = [];
  /** Requests the front refused for want of the token. */
  public refused = 0;
  /** The bearer token the front lets in (chainsec holds it in a secret); {@link rotateToken} changes it. */
  public token = randomBytes(18).toString('base64url');
  private child?: ChildProcess;
  private front?: Server;

  /** The MCP endpoint chainsec forwards to (the recorder in front of the server). */
  public get url(): string {
    const address = this.front?.address() as AddressInfo | null;
    if (!address) throw new Error('upstream not started');
    return `http://127.0.0.1:${address.port}/mcp`;
  }

  public async start(): Promise<void> {
    const port = await freePort();
    this.child = spawn(process.execPath, [ENTRY, 'streamableHttp'], {
      env: { ...process.env, PORT: String(port) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`server-everything did not start: ${seen.slice(-500)}`)), 60_000);
      this.child!.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server-everything exited (${code}): ${seen.slice(-500)}`));
      });
      this.child!.stderr!.on('data', (d: Buffer) => {
        seen += d.toString('utf8');
        if (/listening on port/i.test(seen)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    this.front = createServer((req, res) => {
      if (!this.bearsToken(req.headers.authorization)) {
        this.refused += 1;
        req.resume();
        res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
        res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Unauthorized' }, id: null }));
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        this.record(body);
        const out = httpRequest(
          { host: '127.0.0.1', port, path: req.url, method: req.method, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        out.on('error', () => {
          res.writeHead(502).end();
        });
        out.end(body);
      });
    });
    await new Promise<void>((resolve) => this.front!.listen(0, '127.0.0.1', resolve));
  }

  /** Headers that let a client in (a test or bench talking to the upstream itself). */
  public get headers(): Record<string, string> {
    return { authorization: `Bearer ${this.token}` };
  }

  /** A new token: the old one is refused from now on (an operator rotating the upstream's credentials). */
  public rotateToken(): string {
    this.token = randomBytes(18).toString('base64url');
    return this.token;
  }

  private bearsToken(authorization: string | undefined): boolean {
    const given = Buffer.from(authorization ?? '');
    const wanted = Buffer.from(`Bearer ${this.token}`);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  }

  public async stop(): Promise<void> {
    // Open streams (a client's kept session) would hold the server open: cut them.
    const closed = new Promise<void>((resolve) =>
      this.front?.listening ? this.front.close(() => resolve()) : resolve(),
    );
    this.front?.closeAllConnections();
    await closed;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
  }

  private record(body: Buffer): void {
    try {
      const parsed = JSON.parse(body.toString('utf8')) as unknown;
      for (const m of Array.isArray(parsed) ? parsed : [parsed]) {
        const msg = m as { method?: string; params?: { name?: string; arguments?: unknown } };
        if (msg.method === 'tools/call')
          this.calls.push({ name: String(msg.params?.name), arguments: msg.params?.arguments });
      }
    } catch {
      // Not JSON (a GET for a stream): nothing to record.
    }
  }
}

/** The sandbox's tool policy for the upstream (docs/MCP.md shows it). */
export const SANDBOX_UPSTREAM_RULES = [
  // A plain short echo passes at once; anything else echoed waits for a person.
  { id: 'echo-plain', tool: 'echo', arguments: { message: '[A-Za-z0-9 .,:!?-]{0,200}' }, decision: 'allow' },
  { id: 'echo-other', tool: 'echo', decision: 'approve', tier: 'high' },
  { id: 'sum-needs-approval', tool: 'get-sum', decision: 'approve', tier: 'high' },
  // The server's environment holds secrets: never.
  { id: 'env-never', tool: 'get-env', decision: 'refuse' },
  { id: 'tiny-image', tool: 'get-tiny-image', decision: 'allow' },
] as const;
