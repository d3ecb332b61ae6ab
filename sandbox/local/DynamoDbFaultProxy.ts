import { Agent, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { delay } from './FaultSwitch';
import { LocalServer, send } from './LocalServer';

/**
 * A fault-injecting front for a DynamoDB endpoint on 127.0.0.1. Requests are
 * forwarded as they are; `faults.set('TransactWriteItems', { error:
 * 'ProvisionedThroughputExceededException', status: 400, times: 2 })` answers
 * the next two with DynamoDB's own error shape instead, so the real SDK
 * client's retry settings are what a test exercises. A fault keyed
 * `<Operation>@<TableName>` (e.g. `PutItem@chainsec-ledger`) applies to that
 * table only (a transaction's table is its first item's), and wins over one
 * keyed by the operation alone.
 */
export class DynamoDbFaultProxy extends LocalServer {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });

  /**
   * @param upstream the DynamoDB endpoint to front (e.g. the run's shared DynamoDB Local)
   * @param port this front's port (0: a free one)
   */
  public constructor(
    private readonly upstream?: string,
    port = 0,
  ) {
    super(port);
  }

  /** Where requests go; {@link DynamoDbLocal} overrides it with its Java process. */
  protected upstreamAddress(): { host: string; port: number } {
    if (!this.upstream) throw new Error('no upstream DynamoDB endpoint');
    const u = new URL(this.upstream);
    return { host: u.hostname, port: Number(u.port) };
  }

  public override async stop(): Promise<void> {
    await super.stop();
    this.agent.destroy();
  }

  protected override async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const body = await readBody(req);
    const fault = this.faults.take(operation, `${operation}@${tableOf(body)}`);
    await delay(fault?.delayMs);
    // A lost answer: the upstream did the work, the caller hears the error.
    if (fault?.afterForward && (fault.error || fault.status)) await this.forward(req, body, undefined);
    if (fault?.error || fault?.status) {
      const code = fault.error ?? 'InternalServerError';
      const body = JSON.stringify({
        __type: `com.amazonaws.dynamodb.v20120810#${code}`,
        message: fault.message ?? `injected fault: ${code}`,
      });
      send(res, fault.status ?? 500, body, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': randomUUID(),
      });
      return;
    }
    await this.forward(req, body, res);
  }

  /** Sends the request upstream and pipes its answer to `res` (or drops it, when there is none). */
  private forward(req: IncomingMessage, body: Buffer, res: ServerResponse | undefined): Promise<void> {
    const { host, port } = this.upstreamAddress();
    return new Promise<void>((resolve) => {
      const upstream = request(
        { host, port, method: req.method, path: req.url, headers: req.headers, agent: this.agent },
        (answer) => {
          if (!res) {
            answer.resume();
            answer.once('end', resolve);
            answer.once('error', () => resolve());
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.once('end', resolve);
          answer.once('error', () => {
            res.destroy();
            resolve();
          });
        },
      );
      upstream.once('error', (e) => {
        if (!res) resolve();
        else if (!res.headersSent)
          send(
            res,
            502,
            JSON.stringify({ __type: 'InternalServerError', message: `DynamoDB unreachable: ${e.message}` }),
            { 'content-type': 'application/x-amz-json-1.0' },
          );
        else res.destroy();
        resolve();
      });
      upstream.end(body);
    });
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** The request's `TableName` ('' when it has none, e.g. a transaction). */
/** The table a request names: its `TableName`, or for a transaction the table of its first item. */
function tableOf(body: Buffer): string {
  try {
    const { TableName, TransactItems } = JSON.parse(body.toString('utf8')) as {
      TableName?: unknown;
      TransactItems?: Array<Record<string, { TableName?: unknown }>>;
    };
    const first = Array.isArray(TransactItems) ? Object.values(TransactItems[0] ?? {})[0]?.TableName : undefined;
    const table = TableName ?? first;
    return typeof table === 'string' ? table : '';
  } catch {
    return '';
  }
}
