import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbLocal } from './local/DynamoDbLocal';
import { createTablesFromTemplate } from './local/tablesFromTemplate';
import { LocalKms } from './local/LocalKms';
import { LocalSlackApi } from './local/LocalSlackApi';
import type { RateLimiterOptions } from './local/RateLimiter';
import { LocalSns } from './local/LocalSns';
import type { Clock } from '../src/domain/clock';
import { LocalS3 } from './local/LocalS3';
import { LocalBedrock } from './local/LocalBedrock';
import { LocalSecretsManager } from './local/LocalSecretsManager';
import { SANDBOX_UPSTREAM_RULES, UpstreamEverything } from './local/UpstreamEverything';

/** The secret holding what chainsec sends the governed upstream (its bearer token). */
const UPSTREAM_SECRET = 'chainsec/sandbox/mcp-upstreams/everything';

/** The governed upstream's name: its tools are `everything__<tool>`. */
const SANDBOX_UPSTREAM = 'everything';
import { LocalStepFunctions } from './local/LocalStepFunctions';
import { stateMachineFromTemplate } from './local/stateMachineFromTemplate';
import { passesFilter, queuesFromTemplate } from './local/queuesFromTemplate';
import { routeEvent, rulesFromTemplate, type TemplateRule } from './local/rulesFromTemplate';
import { LocalQueue } from './LocalQueue';
import {
  APPROVALS_CHANNEL,
  APPROVERS,
  DEFAULT_SIGNING_SECRET,
  ONCALL_PRIMARY,
  ONCALL_SECONDARY,
  SANDBOX_AGENTS,
  TEAM_ID,
} from './identities';
import { tokenSha256 } from '../src/domain/agents';
import { eventBridgeEvent, httpApiEvent, lambdaContext, snsEvent } from './lambdaEvents';
import { parseJsonBody, readBody, sendJson, sendText } from './http';
import { checkWorkflow, WorkflowRefused } from './workflows';
import { handlePageRequest } from './web/pageRoutes';
import type { PageContext } from './web/PageContext';

const ROOT = path.resolve(__dirname, '..');
const REGION = 'us-east-1';
/** IngestFunction's Timeout in template.yaml: what Powertools idempotency sizes its in-progress lock by. */
const INGEST_TIMEOUT_MS = 60_000;
const ACCOUNT = '000000000000';
const topicArn = (name: string) => `arn:aws:sns:${REGION}:${ACCOUNT}:chainsec-${name}`;
/** The anchors' bucket (template.yaml `AnchorBucket`, with Object Lock there). */
const ANCHOR_BUCKET = 'chainsec-anchors';
/** Other workflows' definitions and inputs are smaller than a storm's requests: Step Functions' own quotas. */
const MAX_DEFINITION_BYTES = 1024 * 1024;
const MAX_EXECUTION_BODY_BYTES = 300 * 1024;
const TOPICS = {
  /** The stack's own workflow's topic (template.yaml `WorkflowTopic`): only its state machine publishes here. */
  workflow: topicArn('workflow'),
  /** The public topics: other workflows' approval requests, agents' notifications. */
  approvals: topicArn('approval-requests'),
  notifications: topicArn('notifications'),
  actions: topicArn('actions'),
};
/** The stack's Security Hub custom action ("Send to chainsec", template.yaml `SendToChainsecAction`). */
const CUSTOM_ACTION_ARN = `arn:aws:securityhub:${REGION}:${ACCOUNT}:action/custom/chainsecsandbox`;
/** The approval request function other workflows invoke (template.yaml `ApprovalRequestFunction`). */
const APPROVAL_REQUEST_FUNCTION = 'chainsec-approval-request';
const APPROVAL_REQUEST_FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${APPROVAL_REQUEST_FUNCTION}`;

/** Options of {@link Sandbox}. */
export interface SandboxOptions {
  /** Port of the sandbox (0: any free port). */
  port?: number;
  signingSecret?: string;
  /** Reuse a running DynamoDB Local (tests share one) instead of starting one. */
  dynamoDbEndpoint?: string;
  dryRun?: boolean;
  /** Extra environment for the handlers (policy overrides, summaries...). */
  env?: Record<string, string>;
  /** Logs of the handlers (Powertools level). */
  logLevel?: string;
  /**
   * The local Slack API's `chat.postMessage` limit per channel (default: 1 per
   * second, as Slack). `false` turns it off: benchmarks that need hundreds of
   * cards quickly, never the contract's sandbox.
   */
  slackRateLimit?: RateLimiterOptions | false;
  /** Summaries by the local Bedrock stand-in (`sandbox.bedrock`, whose `mode` tests switch). Off by default, as in AWS. */
  summaries?: { enabled: boolean; guardrailId?: string };
  /** Run the sweep on a timer, as the EventBridge schedule does in AWS (`npm start`: every minute). Off in tests, which tick explicitly. */
  sweepEveryMs?: number;
  /**
   * Start the governed upstream MCP server (`server-everything`) and configure
   * chainsec's governing proxy in front of it (`npm start`: on). Off by default
   * in tests, which each start a sandbox: the proxy's tests turn it on.
   */
  governedUpstream?: boolean;
  /**
   * More upstreams, each with its name, rules and secret if any; at the
   * governed upstream's own URL unless `url` says another (a test's own MCP
   * server): one server configured twice with two credentials (a read-only
   * token and an admin one), as an operator may. Needs
   * {@link governedUpstream}; the test puts each secret ({@link Sandbox.secrets}).
   */
  moreUpstreams?: Array<{ name: string; url?: string; credentialsSecret?: string; rules: unknown[] }>;
}

type Handler<E, R> = (event: E, context: ReturnType<typeof lambdaContext>) => Promise<R>;

interface Handlers {
  slackEvents: Handler<
    ReturnType<typeof httpApiEvent>,
    { statusCode: number; headers?: Record<string, unknown>; body: string }
  >;
  ingest: Handler<unknown, unknown>;
  /** One sweep as of `now` (the real time when not given). */
  sweep: (now?: Date) => Promise<unknown>;
  classify: (event: unknown) => Promise<unknown>;
  actions: (event: unknown) => Promise<unknown>;
  mcp: Handler<
    ReturnType<typeof httpApiEvent>,
    { statusCode?: number; headers?: Record<string, unknown>; body?: string }
  >;
  approvalRequest: (event: unknown) => Promise<unknown>;
  exportLedger: () => Promise<string>;
  anchors: () => Promise<string>;
  publicKeyPem: () => Promise<string>;
}

/**
 * The local sandbox: the production handlers, unchanged, pointed at local
 * services through endpoint settings only (DynamoDB Local, a KMS-compatible
 * signer, a Step Functions interpreter running the project's ASL, SNS, an SQS
 * stand-in, and a recording Slack Web API). docs/SANDBOX.md.
 *
 * One sandbox per process (or jest test file): the handlers keep per-container
 * state (parsed config, SDK clients) exactly as they do on Lambda.
 */
export class Sandbox {
  public readonly signingSecret: string;
  public readonly slack: LocalSlackApi;
  public readonly kms: LocalKms;
  public readonly sns: LocalSns;
  public readonly bedrock: LocalBedrock;
  /** The local S3 API holding anchors. */
  public readonly s3: LocalS3;
  /** The governed upstream MCP server, when {@link SandboxOptions.governedUpstream} is on. */
  public upstream?: UpstreamEverything;
  /** The local Secrets Manager: the upstream's token, under {@link UPSTREAM_SECRET}. */
  public readonly secrets: LocalSecretsManager;
  public sfn!: LocalStepFunctions;
  /** IngestQueue: every approval request and notification (tests may send to it directly). */
  public ingestQueue!: LocalQueue;
  /** Every queue the ingest function consumes (IngestQueue and the critical lane). */
  public ingestQueues: LocalQueue[] = [];
  private dynamo?: DynamoDbLocal;
  private server?: Server;
  private handlers!: Handlers;
  private sweepTimer?: NodeJS.Timeout;
  /** The instant `POST /sandbox/tick` sweeps as of, while that sweep runs (see {@link sweepAsOf}). */
  private sweepTime: Date | undefined;
  /** The sandbox's own clock for its sweep function: the real time unless a tick names one. */
  private readonly sweepClock: Clock = { now: () => new Date((this.sweepTime ?? new Date()).getTime()) };
  /** The sweep in progress, so that sweeps run one at a time. */
  private sweeps: Promise<unknown> = Promise.resolve();
  private readonly responseTargets = new Map<string, { channel?: string; user?: string }>();
  /** template.yaml's EventBridge rules, read on the first `POST /sandbox/events`. */
  private rules: TemplateRule[] | undefined;
  /** What `GET /sandbox/info` answers (docs/SANDBOX.md): topics, endpoints, tables, signing key. */
  private info: Record<string, unknown> | undefined;
  /** Workflows given to POST /sandbox/state-machines: ARN → definition (JSON text). */
  private readonly workflows = new Map<string, string>();

  public constructor(private readonly options: SandboxOptions = {}) {
    this.signingSecret = options.signingSecret ?? process.env.SLACK_SIGNING_SECRET ?? DEFAULT_SIGNING_SECRET;
    this.slack = new LocalSlackApi(options.slackRateLimit === undefined ? {} : { rateLimit: options.slackRateLimit });
    this.kms = new LocalKms();
    this.sns = new LocalSns();
    this.bedrock = new LocalBedrock();
    this.secrets = new LocalSecretsManager();
    this.s3 = new LocalS3({
      buckets: [ANCHOR_BUCKET],
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }

  /** The sandbox's base URL. */
  public get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('sandbox not started');
    return `http://localhost:${address.port}`;
  }

  /** Starts every local service, then the handlers, then accepts requests. */
  public async start(): Promise<void> {
    this.server = createServer((req, res) => void this.route(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port ?? 3000, '127.0.0.1', () => resolve());
    });
    let dynamoEndpoint = this.options.dynamoDbEndpoint;
    if (!dynamoEndpoint) {
      this.dynamo = new DynamoDbLocal();
      await this.dynamo.start();
      dynamoEndpoint = this.dynamo.endpoint;
    }
    if (this.options.governedUpstream) this.upstream = new UpstreamEverything();
    await Promise.all(this.localServices().map((s) => s.start()));
    // chainsec reaches the upstream with the token an operator would keep in Secrets Manager.
    if (this.upstream) this.putUpstreamToken();

    const suffix = randomBytes(4).toString('hex');
    const tables = {
      IncidentsTable: `chainsec-incidents-${suffix}`,
      LedgerTable: `chainsec-ledger-${suffix}`,
      RedemptionsTable: `chainsec-redemptions-${suffix}`,
      PacerTable: `chainsec-pacer-${suffix}`,
    };
    await createTablesFromTemplate(
      new DynamoDBClient({
        endpoint: dynamoEndpoint,
        region: REGION,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
      path.join(ROOT, 'template.yaml'),
      tables,
    );

    // The SFN server must listen before the handlers read their endpoints. Its
    // definition is the template's, substitutions resolved from the same
    // environment the handlers get (decision windows -> approval timeouts).
    const { definition } = stateMachineFromTemplate({
      templatePath: path.join(ROOT, 'template.yaml'),
      logicalId: 'IncidentStateMachine',
      env: { ...process.env, ...this.options.env },
      resourceArns: {
        ClassifyFunction: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:chainsec-classify`,
        ActionsFunction: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:chainsec-actions`,
        WorkflowTopic: TOPICS.workflow,
      },
    });
    this.sfn = new LocalStepFunctions({
      definition,
      stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:chainsec-incident-response`,
      taskHandlers: this.taskHandlers(),
    });
    await this.sfn.start();

    this.info = {
      approvalRequestsTopicArn: TOPICS.approvals,
      notificationsTopicArn: TOPICS.notifications,
      actionsTopicArn: TOPICS.actions,
      region: REGION,
      endpoints: {
        dynamodb: dynamoEndpoint,
        kms: this.kms.url,
        stepfunctions: this.sfn.url,
        sns: this.sns.url,
        s3: this.s3.url,
        bedrock: this.bedrock.url,
        secretsmanager: this.secrets.url,
      },
      tables: { incidents: tables.IncidentsTable, ledger: tables.LedgerTable, redemptions: tables.RedemptionsTable },
      signingKeyId: this.kms.keyArn,
      mcp: {
        url: `${this.url}/mcp`,
        agents: SANDBOX_AGENTS.map(({ name, token }) => ({ name, token })),
        // The MCP servers chainsec governs: their tools are listed as `<name>__<tool>`.
        upstreams: this.upstream
          ? [{ name: SANDBOX_UPSTREAM, url: this.upstream.url, rules: SANDBOX_UPSTREAM_RULES }]
          : [],
      },
      // Other workflows ask through it with arn:aws:states:::lambda:invoke.waitForTaskToken.
      approvalRequestFunction: APPROVAL_REQUEST_FUNCTION,
      approvalRequestFunctionArn: APPROVAL_REQUEST_FUNCTION_ARN,
      // `Security Hub Findings - Custom Action` events name it in `resources` (the stack's rule matches on it).
      customActionArn: CUSTOM_ACTION_ARN,
    };
    Object.assign(process.env, {
      CHAINSEC_ENV: 'sandbox',
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
      AWS_ENDPOINT_URL_KMS: this.kms.url,
      AWS_ENDPOINT_URL_SFN: this.sfn.url,
      AWS_ENDPOINT_URL_SNS: this.sns.url,
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: this.bedrock.url,
      AWS_ENDPOINT_URL_S3: this.s3.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: this.secrets.url,
      S3_FORCE_PATH_STYLE: 'true',
      ANCHOR_BUCKET,
      INCIDENTS_TABLE: tables.IncidentsTable,
      LEDGER_TABLE: tables.LedgerTable,
      // The example executor's (examples/executor/handler.ts); chainsec's own handlers do not read it.
      REDEMPTIONS_TABLE: tables.RedemptionsTable,
      // Pacing is for Slack's rate limits: a sandbox started without the local limit (the click bench) posts unpaced.
      ...(this.options.slackRateLimit !== false && { PACER_TABLE: tables.PacerTable }),
      SIGNING_KEY_ID: this.kms.keyArn,
      APPROVALS_CHANNEL: APPROVALS_CHANNEL,
      APPROVER_USER_IDS: APPROVERS.join(','),
      ONCALL_SCHEDULE: JSON.stringify([
        { start: '2020-01-01T00:00:00Z', primary: ONCALL_PRIMARY, secondary: ONCALL_SECONDARY },
      ]),
      SLACK_SIGNING_SECRET: this.signingSecret,
      SLACK_TEAM_ID: TEAM_ID,
      SLACK_BOT_TOKEN: 'xoxb-sandbox',
      SLACK_API_URL: `${this.url}/api/`,
      ACTIONS_TOPIC_ARN: TOPICS.actions,
      APPROVAL_REQUESTS_TOPIC_ARN: TOPICS.approvals,
      WORKFLOW_TOPIC_ARN: TOPICS.workflow,
      DRY_RUN: this.options.dryRun ? 'true' : 'false',
      SUMMARIES_ENABLED: this.options.summaries?.enabled ? 'true' : 'false',
      ...(this.options.summaries?.guardrailId !== undefined && {
        BEDROCK_GUARDRAIL_ID: this.options.summaries.guardrailId,
      }),
      // The MCP server's agents, by token hash (the tokens are in GET /sandbox/info).
      MCP_AGENTS: JSON.stringify(
        SANDBOX_AGENTS.map((a) => ({ name: a.name, tokenSha256: [tokenSha256(a.token)], mayRequest: a.mayRequest })),
      ),
      MCP_UPSTREAMS: JSON.stringify(
        this.upstream
          ? [
              {
                name: SANDBOX_UPSTREAM,
                url: this.upstream.url,
                credentialsSecret: UPSTREAM_SECRET,
                timeoutMs: 10_000,
                rules: SANDBOX_UPSTREAM_RULES,
              },
              ...(this.options.moreUpstreams ?? []).map((more) => ({
                url: this.upstream!.url,
                timeoutMs: 10_000,
                ...more,
              })),
            ]
          : [],
      ),
      POWERTOOLS_SERVICE_NAME: 'chainsec',
      POWERTOOLS_LOG_LEVEL: this.options.logLevel ?? process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
      ...this.options.env,
    });

    this.handlers = await this.loadHandlers();
    // SNS → SQS → ingest, as in AWS (SNS envelope, not raw delivery), lane by
    // lane as template.yaml wires them: IngestQueue gets every message, the
    // critical lane a filtered copy; each queue with its batch size and concurrency.
    const wiring = queuesFromTemplate(path.join(ROOT, 'template.yaml'));
    const topicArns: Record<string, string> = {
      WorkflowTopic: TOPICS.workflow,
      ApprovalRequestsTopic: TOPICS.approvals,
      NotificationsTopic: TOPICS.notifications,
    };
    const queues = new Map<string, LocalQueue>();
    for (const source of wiring.sources.filter((s) => s.target === 'IngestFunction')) {
      queues.set(
        source.queue,
        new LocalQueue({
          name: `chainsec-${source.queue}`,
          consumer: (event) =>
            this.handlers.ingest(event, lambdaContext('chainsec-ingest', INGEST_TIMEOUT_MS)) as never,
          batchSize: source.batchSize,
          maxConcurrency: source.maximumConcurrency,
          visibilityTimeoutMs: 1000,
          maxReceiveCount: 5,
        }),
      );
    }
    const main = queues.get('IngestQueue');
    if (!main) throw new Error('template.yaml: IngestFunction does not consume IngestQueue');
    this.ingestQueue = main;
    this.ingestQueues = [...queues.values()];
    for (const subscription of wiring.subscriptions) {
      const topicArn = topicArns[subscription.topic];
      const queue = queues.get(subscription.queue);
      if (!topicArn || !queue) continue;
      this.sns.subscribe(topicArn, async (m) => {
        if (!passesFilter(subscription, m.Message)) return;
        queue.send(
          JSON.stringify({
            Type: 'Notification',
            MessageId: m.MessageId,
            TopicArn: m.TopicArn,
            Message: m.Message,
            Timestamp: m.Timestamp,
          }),
        );
      });
    }
    for (const queue of this.ingestQueues) queue.start();
    if (this.options.sweepEveryMs) {
      this.sweepTimer = setInterval(() => {
        this.handlers
          .sweep()
          .catch((e: unknown) => process.stderr.write(`scheduled sweep failed: ${(e as Error).message}\n`));
      }, this.options.sweepEveryMs);
      this.sweepTimer.unref();
    }
  }

  /** The ingest lanes' counts added up (the storm benchmark, `GET /sandbox/queue`). */
  public ingestStats(): ReturnType<LocalQueue['stats']> {
    const total = { waiting: 0, inFlight: 0, delivered: 0, deadLettered: 0 };
    for (const q of this.ingestQueues)
      for (const [key, n] of Object.entries(q.stats())) total[key as keyof typeof total] += n;
    return total;
  }

  /** Every ingest lane's dead letters. */
  public ingestDeadLetters(): ReturnType<LocalQueue['deadLetters']> {
    return this.ingestQueues.flatMap((q) => q.deadLetters());
  }

  /** Resolves once no ingest lane has a message waiting or in flight. */
  public async ingestDrained(timeoutMs = 60_000): Promise<void> {
    await Promise.all(this.ingestQueues.map((q) => q.drained(timeoutMs)));
    // A lane's batch can leave work for another (a retried record): check once more.
    const { waiting, inFlight } = this.ingestStats();
    if (waiting + inFlight > 0) await this.ingestDrained(timeoutMs);
  }

  /**
   * Stores the upstream's current token in the local Secrets Manager, as an
   * operator does after rotating it (chainsec reads it again at the
   * upstream's next 401).
   */
  public putUpstreamToken(): void {
    if (!this.upstream) throw new Error('no governed upstream: start the sandbox with governedUpstream');
    this.secrets.put(UPSTREAM_SECRET, JSON.stringify({ headers: { Authorization: `Bearer ${this.upstream.token}` } }));
  }

  /** The local stand-ins started and stopped together (DynamoDB, Step Functions and the queues have their own order). */
  private localServices(): Array<{ start(): Promise<void>; stop(): Promise<void> }> {
    return [this.kms, this.sns, this.bedrock, this.s3, this.secrets, ...(this.upstream ? [this.upstream] : [])];
  }

  /** Stops everything it started, children included. */
  public async stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await Promise.all(this.ingestQueues.map((q) => q.stop()));
    await this.sfn?.stop();
    await Promise.all(this.localServices().map((s) => s.stop()));
    await this.dynamo?.stop();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }

  /** Imports the production handlers once the environment points at local services. */
  private async loadHandlers(): Promise<Handlers> {
    const [slackEvents, ingest, sweep, classify, actions, approvalRequest, container, exportMod, s3, mcp] =
      await Promise.all([
        import('../src/handlers/slackEvents'),
        import('../src/handlers/ingest'),
        import('../src/handlers/sweep'),
        import('../src/handlers/classify'),
        import('../src/handlers/actions'),
        import('../src/handlers/approvalRequest'),
        import('../src/handlers/support/container'),
        import('../src/app/exportLedger'),
        import('../src/services/S3AnchorStore'),
        import('../src/handlers/mcp'),
      ]);
    // Anchors are read back through the S3 API, as `chainsec verify --anchors s3://...` reads them.
    const anchorsClient = s3.s3Client(5000, true);
    const exportContainer = container.buildContainer({ slackRetries: 0 });
    return {
      slackEvents: slackEvents.handler as unknown as Handlers['slackEvents'],
      mcp: (event) => mcp.handler(event as never),
      ingest: ingest.handler as Handlers['ingest'],
      sweep: this.sweepAsOf(sweep.sweepHandler({ clock: this.sweepClock })),
      classify: (event) => classify.handler(event as never),
      actions: (event) => actions.handler(event),
      approvalRequest: (event) => approvalRequest.handler(event),
      exportLedger: async () => exportMod.exportLedger((await exportContainer).deps),
      anchors: () => s3.readAnchorObjects(anchorsClient, ANCHOR_BUCKET, s3.DEFAULT_ANCHOR_PREFIX),
      publicKeyPem: async () => (await exportContainer).deps.signer.publicKeyPem(),
    };
  }

  /** The state machine's Task states, run by the project's own handlers. */
  private taskHandlers() {
    const publish = (topic: string) => async (input: unknown) => {
      const params = input as { TopicArn?: string; Message: unknown };
      const message = typeof params.Message === 'string' ? params.Message : JSON.stringify(params.Message);
      // The workflow publishes through the real SNS API, as Step Functions does.
      const messageId = await this.sns.publishLocal(params.TopicArn ?? topic, message);
      return { MessageId: messageId };
    };
    return {
      Classify: (input: unknown) => this.handlers.classify(input),
      ReportRefused: (input: unknown) => this.handlers.actions(input),
      AutoContain: (input: unknown) => this.handlers.actions(input),
      ContainCritical: (input: unknown) => this.handlers.actions(input),
      ExecuteAction: (input: unknown) => this.handlers.actions(input),
      RollbackContainment: (input: unknown) => this.handlers.actions(input),
      Close: (input: unknown) => this.handlers.actions(input),
      ApprovalFailedFailClosed: (input: unknown) => this.handlers.actions(input),
      NotifyAutoHandled: publish(TOPICS.workflow),
      NotifyOnly: publish(TOPICS.workflow),
      RequestApprovalHigh: publish(TOPICS.workflow),
      RequestApprovalCritical: publish(TOPICS.workflow),
      RequestApprovalCriticalUncontained: publish(TOPICS.workflow),
      // Custom-action findings: one new execution of this state machine per finding, as Step Functions starts it.
      StartFindingWorkflow: async (input: unknown) => {
        const { StateMachineArn, Input } = input as { StateMachineArn: string; Input: unknown };
        const { executionArn, startDate } = this.sfn.startExecution(Input, undefined, StateMachineArn);
        return { ExecutionArn: executionArn, StartDate: startDate.toISOString() };
      },
    };
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const p = url.pathname;
      if (req.method === 'POST' && p === '/slack/events') return await this.slackEvents(req, res);
      if (p === '/mcp') return await this.mcp(req, res);
      if (req.method === 'POST' && p.startsWith('/api/')) return this.slack.handle(req, res, p.slice('/api/'.length));
      if (req.method === 'POST' && p === '/sandbox/incidents') return await this.startIncident(req, res);
      if (req.method === 'POST' && p === '/sandbox/notifications') return await this.notification(req, res);
      if (req.method === 'POST' && p === '/sandbox/events') return await this.routeEvent(req, res);
      if (req.method === 'POST' && p === '/sandbox/state-machines') return await this.createStateMachine(req, res);
      if (req.method === 'POST' && p === '/sandbox/executions') return await this.startWorkflow(req, res);
      if (req.method === 'GET' && p === '/sandbox/info') return sendJson(res, 200, this.info ?? {});
      if (req.method === 'GET' && p.startsWith('/sandbox/executions/'))
        return this.execution(res, decodeURIComponent(p.slice('/sandbox/executions/'.length)));
      if (req.method === 'GET' && p === '/sandbox/messages') return sendJson(res, 200, this.slack.messages.all());
      if (req.method === 'GET' && p === '/sandbox/views') return sendJson(res, 200, this.slack.openedViews);
      if (req.method === 'POST' && p.startsWith('/sandbox/response/'))
        return await this.responseUrl(req, res, p.slice('/sandbox/response/'.length));
      if (req.method === 'GET' && p === '/sandbox/ledger')
        return sendText(res, 200, await this.handlers.exportLedger(), 'application/x-ndjson; charset=utf-8');
      if (req.method === 'GET' && p === '/sandbox/anchors')
        return sendText(res, 200, await this.handlers.anchors(), 'application/x-ndjson; charset=utf-8');
      if (req.method === 'GET' && p === '/sandbox/public-key')
        return sendText(res, 200, await this.handlers.publicKeyPem(), 'application/x-pem-file');
      if (req.method === 'POST' && p === '/sandbox/tick') return await this.tick(req, res);
      if (req.method === 'GET' && p === '/sandbox/queue')
        return sendJson(res, 200, { ...this.ingestStats(), deadLetters: this.ingestDeadLetters() });
      if (req.method === 'GET' && p === '/sandbox/actions')
        return sendJson(res, 200, this.sns.published(TOPICS.actions));
      if (await handlePageRequest(this.pageContext(), req, res, p)) return;
      return sendJson(res, 404, { error: 'not_found', path: p });
    } catch (e) {
      const status = (e as { status?: number }).status ?? 500;
      if (!res.headersSent) sendJson(res, status, { error: (e as Error).message });
    }
  }

  private async slackEvents(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const out = await this.handlers.slackEvents(httpApiEvent(req, body), lambdaContext('chainsec-slack-events'));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(out.headers ?? {})) headers[k] = String(v);
    res.writeHead(out.statusCode, headers);
    res.end(out.body ?? '');
  }

  /** The MCP endpoint, through the production handler as API Gateway would call it. */
  private async mcp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const out = await this.handlers.mcp(httpApiEvent(req, body), lambdaContext('chainsec-mcp'));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(out.headers ?? {})) headers[k] = String(v);
    res.writeHead(out.statusCode ?? 200, headers);
    res.end(out.body ?? '');
  }

  private async startIncident(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = parseJsonBody(await readBody(req));
    if (!parsed.ok) return sendJson(res, 400, { error: parsed.error });
    const { executionArn } = await this.sfn.startExecution(parsed.value);
    sendJson(res, 202, { executionArn });
  }

  /** One EventBridge event, routed as template.yaml's rules route it (docs/SANDBOX.md, docs/SOURCES.md). */
  private async routeEvent(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = parseJsonBody(await readBody(req));
    if (!parsed.ok) return sendJson(res, 400, { error: parsed.error });
    const e = parsed.value as { source?: unknown; 'detail-type'?: unknown } | null;
    if (typeof e !== 'object' || e === null || typeof e.source !== 'string' || typeof e['detail-type'] !== 'string')
      return sendJson(res, 400, { error: 'an EventBridge event needs a string source and detail-type' });
    this.rules ??= rulesFromTemplate(path.join(ROOT, 'template.yaml'), { SendToChainsecAction: CUSTOM_ACTION_ARN });
    const executionArns: string[] = [];
    for (const { rule, input } of routeEvent(this.rules, parsed.value)) {
      if (rule.target === 'IncidentStateMachine') {
        executionArns.push((await this.sfn.startExecution(input)).executionArn);
      } else if (rule.target === 'IngestFunction') {
        await this.handlers.ingest(
          input as ReturnType<typeof eventBridgeEvent>,
          lambdaContext('chainsec-ingest', INGEST_TIMEOUT_MS),
        );
      }
      // Other targets (the sweep's schedule) take no events from outside.
    }
    sendJson(res, 202, { executionArns });
  }

  /** Another team's workflow, run by the local interpreter beside chainsec's (docs/INTERFACES.md#approval-requests-from-any-workflow). */
  private async createStateMachine(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = parseJsonBody(await readBody(req, MAX_DEFINITION_BYTES));
    if (!parsed.ok) return sendJson(res, 400, { error: 'sandbox_invalid_definition', message: parsed.error });
    const body = (parsed.value ?? {}) as { name?: unknown; definition?: unknown };
    const topics = [TOPICS.approvals, TOPICS.notifications];
    let definition: object;
    try {
      definition = checkWorkflow(body.name, body.definition, topics, [
        APPROVAL_REQUEST_FUNCTION,
        APPROVAL_REQUEST_FUNCTION_ARN,
      ]);
    } catch (e) {
      if (e instanceof WorkflowRefused) return sendJson(res, e.status, e.toJSON());
      throw e;
    }
    const stateMachineArn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${body.name as string}`;
    const existing = this.workflows.get(stateMachineArn);
    if (existing !== undefined || this.sfn.hasStateMachine(stateMachineArn)) {
      // As CreateStateMachine: the same definition again is the same machine; another is a conflict.
      if (existing === JSON.stringify(definition)) return sendJson(res, 201, { stateMachineArn });
      return sendJson(res, 409, {
        error: 'StateMachineAlreadyExists',
        message: `a state machine named ${body.name as string} exists with another definition`,
      });
    }
    const publish = async (input: unknown) => {
      const params = (input ?? {}) as { TopicArn?: unknown; Message?: unknown };
      if (typeof params.TopicArn !== 'string' || !topics.includes(params.TopicArn))
        throw Object.assign(new Error(`Topic does not exist: ${String(params.TopicArn)}`), {
          name: 'SNS.NotFoundException',
        });
      const message = typeof params.Message === 'string' ? params.Message : JSON.stringify(params.Message);
      return { MessageId: await this.sns.publishLocal(params.TopicArn, message) };
    };
    // lambda:invoke(.waitForTaskToken) reaches the approval request function only, with its Payload as the event.
    const invoke = async (input: unknown) => {
      const params = (input ?? {}) as { FunctionName?: unknown; Payload?: unknown };
      if (params.FunctionName !== APPROVAL_REQUEST_FUNCTION && params.FunctionName !== APPROVAL_REQUEST_FUNCTION_ARN)
        throw Object.assign(new Error(`Function not found: ${String(params.FunctionName)}`), {
          name: 'Lambda.ResourceNotFoundException',
        });
      const payload = typeof params.Payload === 'string' ? JSON.parse(params.Payload) : params.Payload;
      return { StatusCode: 200, Payload: await this.handlers.approvalRequest(payload ?? {}) };
    };
    this.sfn.addStateMachine({
      stateMachineArn,
      definition,
      taskHandlers: {
        ...Object.fromEntries(
          ['arn:aws:states:::sns:publish', 'arn:aws:states:::sns:publish.waitForTaskToken'].map((r) => [r, publish]),
        ),
        ...Object.fromEntries(
          ['arn:aws:states:::lambda:invoke', 'arn:aws:states:::lambda:invoke.waitForTaskToken'].map((r) => [r, invoke]),
        ),
      },
    });
    this.workflows.set(stateMachineArn, JSON.stringify(definition));
    sendJson(res, 201, { stateMachineArn });
  }

  /** Starts an execution of a workflow given to POST /sandbox/state-machines. */
  private async startWorkflow(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = parseJsonBody(await readBody(req, MAX_EXECUTION_BODY_BYTES));
    if (!parsed.ok) return sendJson(res, 400, { error: 'sandbox_invalid_input', message: parsed.error });
    const body = (parsed.value ?? {}) as { stateMachineArn?: unknown; input?: unknown };
    if (typeof body.stateMachineArn !== 'string' || !this.workflows.has(body.stateMachineArn))
      return sendJson(res, 404, { error: 'StateMachineDoesNotExist', stateMachineArn: body.stateMachineArn ?? null });
    const input = typeof body.input === 'string' ? parseJsonBody(body.input) : { ok: true as const, value: body.input };
    if (!input.ok) return sendJson(res, 400, { error: 'sandbox_invalid_input', message: input.error });
    const { executionArn } = this.sfn.startExecution(input.value ?? {}, undefined, body.stateMachineArn);
    sendJson(res, 202, { executionArn });
  }

  private async notification(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = parseJsonBody(await readBody(req));
    if (!parsed.ok) return sendJson(res, 400, { error: parsed.error });
    const body = parsed.value as { source?: string; message?: unknown };
    if (body.source !== 'sns' && body.source !== 'eventbridge')
      return sendJson(res, 400, { error: 'source must be "sns" or "eventbridge"' });
    if (body.message === undefined) return sendJson(res, 400, { error: 'message is required' });
    const event =
      body.source === 'sns'
        ? snsEvent(TOPICS.notifications, typeof body.message === 'string' ? body.message : JSON.stringify(body.message))
        : eventBridgeEvent(body.message);
    try {
      await this.handlers.ingest(event, lambdaContext('chainsec-ingest', INGEST_TIMEOUT_MS));
      sendJson(res, 202, { delivered: true });
    } catch (e) {
      sendJson(res, 502, { delivered: false, error: (e as Error).message });
    }
  }

  private execution(res: ServerResponse, executionArn: string): void {
    const d = this.sfn.describe(executionArn);
    if (!d) {
      sendJson(res, 404, { error: 'ExecutionDoesNotExist', executionArn });
      return;
    }
    sendJson(res, 200, {
      executionArn: d.executionArn,
      stateMachineArn: d.stateMachineArn,
      status: d.status,
      input: d.input,
      output: d.output ?? null,
      error: d.error ?? null,
      cause: d.cause ?? null,
      startDate: d.startDate.toISOString(),
      ...(d.stopDate && { stopDate: d.stopDate.toISOString() }),
    });
  }

  private async responseUrl(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const parsed = parseJsonBody(await readBody(req));
    if (!parsed.ok) return sendJson(res, 400, { ok: false, error: parsed.error });
    const target = this.responseTargets.get(id) ?? {};
    const body = parsed.value as { text?: string; blocks?: unknown[] };
    this.slack.messages.recordResponseUrl({ ...target, text: body.text ?? '', blocks: body.blocks ?? [] });
    sendJson(res, 200, { ok: true });
  }

  private async tick(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = parseJsonBody(await readBody(req));
    if (!parsed.ok) return sendJson(res, 400, { error: parsed.error });
    const now = (parsed.value as { now?: unknown }).now;
    if (now !== undefined && (typeof now !== 'string' || Number.isNaN(Date.parse(now))))
      return sendJson(res, 400, { error: 'now must be an ISO-8601 time' });
    sendJson(res, 200, await this.handlers.sweep(now ? new Date(now) : undefined));
  }

  /**
   * Runs `handler` once with {@link sweepClock} showing `now` (the real time
   * when not given), one sweep at a time so that a tick's time never leaks
   * into a scheduled sweep. The sweep function itself reads time only from its
   * clock: an event naming a time changes nothing.
   */
  private sweepAsOf(
    handler: (event: Record<string, never>, context: ReturnType<typeof lambdaContext>) => Promise<unknown>,
  ): Handlers['sweep'] {
    return (now) => {
      const run = this.sweeps.then(async () => {
        this.sweepTime = now;
        try {
          return await handler({}, lambdaContext('chainsec-sweep'));
        } finally {
          this.sweepTime = undefined;
        }
      });
      this.sweeps = run.catch(() => undefined);
      return run;
    };
  }

  /** Remembers who a `response_url` belongs to, for requests the sandbox page signs. */
  public responseUrlFor(target: { channel?: string; user?: string }): string {
    const id = randomBytes(8).toString('hex');
    this.responseTargets.set(id, target);
    return `${this.url}/sandbox/response/${id}`;
  }

  private pageContext(): PageContext {
    return {
      url: this.url,
      signingSecret: this.signingSecret,
      responseUrlFor: (target) => this.responseUrlFor(target),
      postToSlackEvents: async (body, headers) => {
        const fake = { method: 'POST', url: '/slack/events', headers } as unknown as IncomingMessage;
        const out = await this.handlers.slackEvents(httpApiEvent(fake, body), lambdaContext('chainsec-slack-events'));
        return { status: out.statusCode, body: out.body ?? '' };
      },
      homeView: (user) => this.slack.homeViews?.[user],
      message: (channel, ts) => this.slack.messages.find(channel, ts),
      openedViews: () => this.slack.openedViews,
    };
  }
}
