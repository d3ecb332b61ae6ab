import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Server, Socket } from 'node:net';
import { FaultSwitch } from './FaultSwitch';

/** Local services bound their request bodies; AWS and Slack limits are far below this. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Thrown when a request body is over the limit the local services accept. */
export class BodyTooLargeError extends Error {
  public constructor() {
    super(`request body over ${MAX_BODY_BYTES} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Base of the local services: an HTTP server on 127.0.0.1 only (never on
 * other interfaces: the sandbox must not be reachable from the network),
 * an ephemeral or given port, a fault switch, and a stop that also closes
 * kept-alive connections so tests and `npm start` exit promptly.
 */
export abstract class LocalServer {
  /** Fault injection for this service's operations. */
  public readonly faults = new FaultSwitch();
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  protected constructor(private readonly listenPort = 0) {}

  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  public get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The bound port. */
  public get port(): number {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error(`${this.constructor.name} is not started: call start() first`);
    return address.port;
  }

  /** Whether the server is listening. */
  public get listening(): boolean {
    return this.server?.listening ?? false;
  }

  /** Starts listening on 127.0.0.1. */
  public async start(): Promise<void> {
    if (this.server?.listening) return;
    const server = this.createListener((req, res) => {
      this.route(req, res).catch((e: unknown) => this.internalError(res, e));
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listenPort, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
  }

  /** Stops listening and closes every open connection. */
  public async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  /**
   * The server that accepts connections and hands each request to `handler`:
   * HTTP/1.1 here. A service whose SDK client speaks another protocol
   * overrides it (LocalBedrock: HTTP/2 as well). Listening, the 127.0.0.1
   * binding and closing connections on stop stay with this class.
   */
  protected createListener(handler: (req: IncomingMessage, res: ServerResponse) => void): Server {
    const server = createServer(handler);
    server.keepAliveTimeout = 5000;
    return server;
  }

  /** Answers one request; errors it throws become a 500. */
  protected abstract route(req: IncomingMessage, res: ServerResponse): Promise<void>;

  /** A 500 for a bug in a local service, readable by whoever is debugging it. */
  protected internalError(res: ServerResponse, e: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const text = JSON.stringify({ error: 'local_service_error', message: (e as Error)?.message ?? String(e) });
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(text);
  }
}

/** Reads a request body as UTF-8 text, bounded. */
export async function readRequestBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Writes a complete response. */
export function send(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}
