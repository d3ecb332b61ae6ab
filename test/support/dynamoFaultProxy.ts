import { Agent, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { delay } from '../../sandbox/local/FaultSwitch';
import { LocalServer, send } from '../../sandbox/local/LocalServer';

/**
 * A fault-injecting front for a DynamoDB endpoint (the run's shared DynamoDB
 * Local, whose own fault switch lives in the Jest parent process). Requests
 * are forwarded as they are; `faults.set('TransactWriteItems', { error:
 * 'ProvisionedThroughputExceededException', status: 400, times: 2 })` answers
 * the next two with DynamoDB's error shape instead.
 */
export class DynamoFaultProxy extends LocalServer {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly target: URL;

  public constructor(target: string) {
    super(0);
    this.target = new URL(target);
  }

  public override async stop(): Promise<void> {
    await super.stop();
    this.agent.destroy();
  }

  protected override async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const fault = this.faults.take(operation);
    await delay(fault?.delayMs);
    if (fault?.error || fault?.status) {
      const code = fault.error ?? 'InternalServerError';
      req.resume();
      send(res, fault.status ?? 500, JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${code}`, message: fault.message ?? `injected fault: ${code}` }), {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': randomUUID(),
      });
      return;
    }
    await new Promise<void>((resolve) => {
      const upstream = request(
        { host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers: req.headers, agent: this.agent },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          up.once('end', () => resolve());
          up.once('error', () => resolve());
        },
      );
      upstream.once('error', (e) => {
        if (!res.headersSent) send(res, 502, JSON.stringify({ __type: 'ProxyError', message: e.message }), { 'content-type': 'application/json' });
        resolve();
      });
      req.pipe(upstream);
    });
  }
}
