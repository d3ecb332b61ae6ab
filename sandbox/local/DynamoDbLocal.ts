import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDbFaultProxy } from './DynamoDbFaultProxy';

/** Options of {@link DynamoDbLocal}. */
export interface DynamoDbLocalOptions {
  /** Port of the fault-injecting front (what clients use); 0 (default) picks a free one. */
  port?: number;
  /** Port of the Java process; a free one by default. */
  javaPort?: number;
  /** The java executable; default `$JAVA_HOME/bin/java` when JAVA_HOME is set, else `java` on PATH. */
  javaPath?: string;
  /** Extra JVM options (before `-jar`). */
  jvmArgs?: string[];
  /** How long to wait for DynamoDB Local to answer; default 60 s (a loaded 2-core CI box is slow to start a JVM). */
  startTimeoutMs?: number;
}

/** How to get Java, said whenever it is missing. */
export const JAVA_INSTALL_HINT =
  'DynamoDB Local needs a Java runtime (17 or later) and none was found. Install one with `apt-get install -y openjdk-17-jre-headless` ' +
  '(Debian/Ubuntu), or set JAVA_HOME to an installed JDK/JRE.';

/** Where amplify-dynamodb-simulator ships DynamoDBLocal.jar and its native libraries. */
export function emulatorDir(): string {
  return path.join(path.dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The real DynamoDB engine (DynamoDB Local, Java), in memory, for the
 * sandbox and the tests. Clients use {@link url}: a thin proxy on
 * 127.0.0.1 that forwards to the Java process and can inject faults per
 * operation (`faults.set('PutItem', { error: 'ProvisionedThroughputExceededException', status: 400 })`).
 * {@link directUrl} reaches Java without the proxy.
 *
 * DynamoDB Local itself has no option to bind one interface; it listens on
 * every interface of this machine, on a random port.
 */
export class DynamoDbLocal extends DynamoDbFaultProxy {
  private child?: ChildProcess;
  private javaPortInUse?: number;
  private output = '';
  private readonly killOnExit = () => this.killGroup('SIGKILL');

  public constructor(private readonly options: DynamoDbLocalOptions = {}) {
    super(undefined, options.port);
  }

  /** The endpoint clients use (same as {@link url}). */
  public get endpoint(): string {
    return this.url;
  }

  /** The Java process's own endpoint (no fault injection). */
  public get directUrl(): string {
    if (!this.javaPortInUse) throw new Error('DynamoDbLocal is not started: call start() first');
    return `http://127.0.0.1:${this.javaPortInUse}`;
  }

  /** A DynamoDB client for this instance (fake credentials, as any will do). */
  public client(): DynamoDBClient {
    return new DynamoDBClient({
      endpoint: this.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }

  /** Launches Java, waits until it answers ListTables, then opens the front. */
  public override async start(): Promise<void> {
    if (this.child) return;
    const cwd = emulatorDir();
    if (!existsSync(path.join(cwd, 'DynamoDBLocal.jar')))
      throw new Error(`DynamoDBLocal.jar not found in ${cwd}: is amplify-dynamodb-simulator installed?`);
    const java =
      this.options.javaPath ?? (process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java');
    const port = this.options.javaPort ?? (await freePort());
    const args = [
      ...(this.options.jvmArgs ?? []),
      '-Djava.library.path=DynamoDBLocal_lib',
      '-jar',
      'DynamoDBLocal.jar',
      '-inMemory',
      // One database whatever the credentials and region: the sandbox's clients differ in both.
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(port),
    ];
    // detached: its own process group, so stop() ends the JVM and anything it started.
    const child = spawn(java, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.javaPortInUse = port;
    this.output = '';
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-4000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    process.once('exit', this.killOnExit);

    try {
      await this.waitReady(child, port);
      await super.start();
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  /** Closes the front and ends the Java process group (SIGTERM, then SIGKILL after 3 s). */
  public override async stop(): Promise<void> {
    await super.stop();
    const child = this.child;
    this.child = undefined;
    this.javaPortInUse = undefined;
    process.off('exit', this.killOnExit);
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.signal(child, 'SIGTERM');
    const timer = setTimeout(() => this.signal(child, 'SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }

  /** The Java process behind the front. */
  protected override upstreamAddress(): { host: string; port: number } {
    if (!this.javaPortInUse) throw new Error('DynamoDbLocal is not started: call start() first');
    return { host: '127.0.0.1', port: this.javaPortInUse };
  }

  /** Polls ListTables until it answers; fails early, with Java's output, if the process dies. */
  private async waitReady(child: ChildProcess, port: number): Promise<void> {
    const timeoutMs = this.options.startTimeoutMs ?? 60_000;
    let failure: Error | undefined;
    child.once('error', (e: NodeJS.ErrnoException) => {
      failure = e.code === 'ENOENT' ? new Error(JAVA_INSTALL_HINT) : new Error(`could not start java: ${e.message}`);
    });
    child.once('exit', (code, signal) => {
      failure ??= new Error(
        `DynamoDB Local exited (${signal ?? `code ${code}`}) before it was ready. Its output:\n${this.output.trim()}`,
      );
    });
    const probe = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    const deadline = Date.now() + timeoutMs;
    try {
      for (;;) {
        if (failure) throw failure;
        try {
          await probe.send(new ListTablesCommand({ Limit: 1 }));
          return;
        } catch {
          // not listening yet
        }
        if (failure) throw failure;
        if (Date.now() > deadline)
          throw new Error(
            `DynamoDB Local did not answer on port ${port} within ${timeoutMs} ms. Its output:\n${this.output.trim()}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      probe.destroy();
    }
  }

  private signal(child: ChildProcess, signal: NodeJS.Signals): void {
    try {
      process.kill(-child.pid!, signal); // the whole group
    } catch {
      try {
        child.kill(signal);
      } catch {
        // already gone
      }
    }
  }

  private killGroup(signal: NodeJS.Signals): void {
    if (this.child?.pid) this.signal(this.child, signal);
  }
}
