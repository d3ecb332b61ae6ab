import { WebClient, type WebClientOptions } from '@slack/web-api';
import { getConfig, type Config } from '../../config';
import { systemClock, type Clock } from '../../domain/clock';
import type { AppDeps } from '../../app/deps';
import type { Telemetry } from '../../app/telemetry';
import { DynamoDbFullTextStore } from '../../services/DynamoDbFullTextStore';
import { createDynamoDbPorts } from '../../services/dynamodb/createDynamoDbPorts';
import { FallbackSummarizer } from '../../services/FallbackSummarizer';
import { buildDocumentClient } from '../../services/dynamodb/documentClient';
import { KmsSigner, kmsClient } from '../../services/KmsSigner';
import { PowertoolsTelemetry } from '../../services/PowertoolsTelemetry';
import type { PowertoolsTracing } from '../../services/PowertoolsTracing';
import { loadSlackSecrets, type SlackSecrets } from '../../services/slackSecrets';
import { StepFunctionsWorkflowGateway, sfnClient } from '../../services/StepFunctionsWorkflowGateway';
import { DynamoDbSlackPacer } from '../../services/dynamodb/DynamoDbSlackPacer';
import { slackClientOptions, WebApiSlackGateway } from '../../services/WebApiSlackGateway';
import type { Summarizer } from '../../services/Summarizer';
import type { Notifier } from '../../services/Notifier';
import type { AnchorStore } from '../../services/AnchorStore';
import { DynamoDbMcpApprovals } from '../../services/dynamodb/DynamoDbMcpApprovals';
import type { McpApprovals } from '../../services/McpApprovals';
import { McpWorkflowGateway } from '../../services/McpWorkflowGateway';

/** Everything a handler needs, built once per container (outside the handler function). */
export interface Container {
  config: Config;
  secrets: SlackSecrets;
  deps: AppDeps;
  telemetry: PowertoolsTelemetry;
  /** Agents' approval requests over MCP, where their decisions are delivered (`deps.workflow` writes them). */
  mcpApprovals: McpApprovals;
}

/** Options of {@link buildContainer}. */
export interface ContainerOptions {
  /** Slack retries: few on the click path (Slack waits 3 s), more where a queue waits. */
  slackRetries: number;
  /** Load the summariser (Bedrock) only where it is used: keeps the click path small. */
  summarizer?: (config: Config, telemetry: Telemetry) => Promise<Summarizer>;
  notifier?: (config: Config) => Promise<Notifier | undefined>;
  /**
   * Write-once anchor storage, loaded only by the handler that writes anchors
   * (the sweep): S3's SDK client is the heaviest one to require, and a click
   * never needs it. `capture` wraps the client for X-Ray where tracing is on.
   */
  anchors?: (config: Config, capture: <C>(client: C) => C) => Promise<AnchorStore | undefined>;
  /**
   * The one WebClient of this Lambda when the handler already has it (Bolt's
   * `app.client`, built with {@link slackClientSettings}); built here otherwise.
   */
  slackClient?: WebClient;
  /**
   * Pace chat.postMessage / chat.update through the pacer's table (the
   * functions that post in bulk: ingest, sweep, actions); only when PACER_TABLE is set, and
   * not with `slackClient` (the pacer retries 429s itself, so it builds its client to reject them).
   */
  paced?: boolean;
  /** X-Ray, where the handler loaded it (`loadTracing`): the SDK clients are captured, and use cases get spans. */
  tracing?: PowertoolsTracing;
  /**
   * Where time comes from (the real clock unless given). Set only by code that
   * builds a handler itself, such as the sandbox, never from what a handler is invoked with.
   */
  clock?: Clock;
}

/**
 * The settings of a handler's Slack client: {@link slackClientOptions} from the configuration.
 * `paced`: the gateway has a pacer and retries 429s through it, so the client rejects them.
 */
export function slackClientSettings(
  config: Config,
  secrets: SlackSecrets,
  retries: number,
  paced = false,
): WebClientOptions {
  const apiUrl = config.slack.apiUrl;
  const options = {
    timeoutMs: config.callTimeoutMs,
    retries,
    ...(apiUrl && { slackApiUrl: apiUrl }),
    ...(paced && { rejectRateLimitedCalls: true }),
  };
  return slackClientOptions(secrets.botToken, options);
}

/** Builds the ports from configuration. Clients reach local services through endpoint settings only. */
export async function buildContainer(options: ContainerOptions): Promise<Container> {
  const config = getConfig();
  const secrets = await loadSlackSecrets(config);
  const telemetry = new PowertoolsTelemetry();
  const notifier = options.notifier ? await options.notifier(config) : undefined;
  const { tracing } = options;
  const ms = config.callTimeoutMs;
  const capture = <C>(client: C): C => (tracing ? tracing.captureClient(client) : client);
  // One DynamoDB client for the container: the incident store and the full-text store share it.
  const dynamo = capture(buildDocumentClient(ms));
  const pacer =
    options.paced && config.pacerTable !== undefined && !options.slackClient
      ? new DynamoDbSlackPacer({ tableName: config.pacerTable, callTimeoutMs: ms, client: dynamo, telemetry })
      : undefined;
  const slackClient =
    options.slackClient ??
    new WebClient(secrets.botToken, slackClientSettings(config, secrets, options.slackRetries, pacer !== undefined));
  const anchors = options.anchors ? await options.anchors(config, capture) : undefined;
  const mcpApprovals = new DynamoDbMcpApprovals(dynamo, config.incidentsTable);
  const deps: AppDeps = {
    config,
    ...createDynamoDbPorts({
      incidentsTable: config.incidentsTable,
      ledgerTable: config.ledgerTable,
      callTimeoutMs: ms,
      client: dynamo,
    }),
    fullText: new DynamoDbFullTextStore({ incidentsTable: config.incidentsTable, callTimeoutMs: ms, client: dynamo }),
    signer: new KmsSigner({ keyId: config.signingKeyId, callTimeoutMs: ms, client: capture(kmsClient(ms)) }),
    // Decisions on agents' MCP requests are stored for them; every other request resumes its workflow.
    workflow: new McpWorkflowGateway(
      new StepFunctionsWorkflowGateway({ callTimeoutMs: ms, client: capture(sfnClient(ms)) }),
      mcpApprovals,
    ),
    slack: new WebApiSlackGateway({
      client: slackClient,
      timeoutMs: config.callTimeoutMs,
      retries: options.slackRetries,
      ...(pacer && { pacer }),
    }),
    summarizer: options.summarizer ? await options.summarizer(config, telemetry) : new FallbackSummarizer(),
    ...(notifier && { notifier }),
    ...(anchors && { anchors }),
    clock: options.clock ?? systemClock,
    telemetry,
    ...(tracing && { tracing }),
  };
  return { config, secrets, deps, telemetry, mcpApprovals };
}
