import { getConfig, type Config } from '../../config';
import { systemClock } from '../../domain/clock';
import type { AppDeps } from '../../app/deps';
import type { Telemetry } from '../../app/telemetry';
import { DynamoDbFullTextStore } from '../../services/DynamoDbFullTextStore';
import { DynamoDbIncidentStore } from '../../services/DynamoDbIncidentStore';
import { FallbackSummarizer } from '../../services/FallbackSummarizer';
import { KmsSigner } from '../../services/KmsSigner';
import { PowertoolsTelemetry } from '../../services/PowertoolsTelemetry';
import { loadSlackSecrets, type SlackSecrets } from '../../services/slackSecrets';
import { StepFunctionsWorkflowGateway } from '../../services/StepFunctionsWorkflowGateway';
import { buildWebClient, WebApiSlackGateway } from '../../services/WebApiSlackGateway';
import type { Summarizer } from '../../services/Summarizer';
import type { Notifier } from '../../services/Notifier';

/** Everything a handler needs, built once per container (outside the handler function). */
export interface Container {
  config: Config;
  secrets: SlackSecrets;
  deps: AppDeps;
  telemetry: PowertoolsTelemetry;
}

/** Options of {@link buildContainer}. */
export interface ContainerOptions {
  /** Slack retries: few on the click path (Slack waits 3 s), more where a queue waits. */
  slackRetries: number;
  /** Load the summariser (Bedrock) only where it is used: keeps the click path small. */
  summarizer?: (config: Config, telemetry: Telemetry) => Promise<Summarizer>;
  notifier?: (config: Config) => Promise<Notifier | undefined>;
}

/** Builds the ports from configuration. Clients reach local services through endpoint settings only. */
export async function buildContainer(options: ContainerOptions): Promise<Container> {
  const config = getConfig();
  const secrets = await loadSlackSecrets(config);
  const telemetry = new PowertoolsTelemetry();
  const slackClient = buildWebClient(secrets.botToken, { timeoutMs: config.callTimeoutMs, retries: options.slackRetries, ...(config.slack.apiUrl && { slackApiUrl: config.slack.apiUrl }) });
  const notifier = options.notifier ? await options.notifier(config) : undefined;
  const deps: AppDeps = {
    config,
    store: new DynamoDbIncidentStore({ incidentsTable: config.incidentsTable, ledgerTable: config.ledgerTable, callTimeoutMs: config.callTimeoutMs }),
    fullText: new DynamoDbFullTextStore({ incidentsTable: config.incidentsTable, callTimeoutMs: config.callTimeoutMs }),
    signer: new KmsSigner({ keyId: config.signingKeyId, callTimeoutMs: config.callTimeoutMs }),
    workflow: new StepFunctionsWorkflowGateway({ callTimeoutMs: config.callTimeoutMs }),
    slack: new WebApiSlackGateway({ client: slackClient, timeoutMs: config.callTimeoutMs, retries: options.slackRetries }),
    summarizer: options.summarizer ? await options.summarizer(config, telemetry) : new FallbackSummarizer(),
    ...(notifier && { notifier }),
    clock: systemClock,
    telemetry,
  };
  return { config, secrets, deps, telemetry };
}
