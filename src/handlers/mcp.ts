import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { AgentApprovalDeps } from '../app/mcpDeps';
import type { AgentPolicy } from '../domain/agents';
import type { AuthorizerContext } from '../mcp/authenticate';
import { mcpHttpExchange } from '../mcp/mcpHttpExchange';
import { DynamoDbToolCallLedger } from '../services/dynamodb/DynamoDbToolCallLedger';
import { buildDocumentClient } from '../services/dynamodb/documentClient';
import { loadSummarizer } from './support/loadSummarizer';
import { SecretsManagerUpstreamCredentials } from '../services/UpstreamCredentials';
import { StreamableHttpUpstreamMcp } from '../services/UpstreamMcp';
import { buildContainer, type Container } from './support/container';
import { perContainer } from './support/perContainer';

/**
 * `POST /mcp`: chainsec's MCP server (Streamable HTTP, stateless) behind API
 * Gateway or a function URL. Agents ask for approvals here; each request
 * becomes an incident like any other (card, policy, votes, escalation, expiry,
 * ledger, receipt), and its decision is stored in DynamoDB for the agent.
 */
interface Ready {
  container: Container;
  ctx: AgentApprovalDeps;
  agents: AgentPolicy[];
}

/** The container and what this handler adds to it, built on the first invocation. */
const ready = perContainer(init);

async function init(): Promise<Ready> {
  const container = await buildContainer({
    slackRetries: 3,
    paced: true,
    summarizer: loadSummarizer,
  });
  const { config, deps, mcpApprovals } = container;
  const { upstreams } = config.mcp;
  return {
    container,
    ctx: {
      deps,
      approvals: mcpApprovals,
      resultRetentionSeconds: config.mcp.resultRetentionSeconds,
      // The governing proxy, when MCP servers to govern are configured.
      ...(upstreams.length > 0 && {
        proxy: {
          upstreams,
          upstreamMcp: new StreamableHttpUpstreamMcp(new SecretsManagerUpstreamCredentials(config.callTimeoutMs)),
          toolCalls: new DynamoDbToolCallLedger(buildDocumentClient(config.callTimeoutMs), config.ledgerTable),
        },
      }),
    },
    agents: config.mcp.agents,
  };
}

/** The Lambda entry point (API Gateway HTTP API payload 2.0, or a function URL: the same shape). */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const { container, ctx, agents } = await ready();
  try {
    const body = event.body ?? '';
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(event.headers ?? {})) headers[k.toLowerCase()] = v;
    const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
    return await mcpHttpExchange(ctx, agents, {
      method: event.requestContext.http.method,
      url: `https://${event.requestContext.domainName}${event.rawPath}${query}`,
      headers,
      body: event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body,
      authorizer: (event.requestContext as { authorizer?: AuthorizerContext }).authorizer,
    });
  } finally {
    container.telemetry.flush();
  }
}
