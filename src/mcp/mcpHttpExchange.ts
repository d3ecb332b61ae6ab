import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { AgentApprovalDeps } from '../app/mcpDeps';
import type { AgentPolicy } from '../domain/agents';
import { type AuthorizerContext, authenticate } from './authenticate';
import { chainsecMcpServer } from './chainsecMcpServer';

/** One HTTP request to the MCP endpoint, as API Gateway (HTTP API, payload 2.0) or a function URL gives it. */
export interface McpHttpRequest {
  method: string;
  url: string;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  body: string;
  authorizer?: AuthorizerContext;
}

/** The HTTP answer. */
export interface McpHttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** MCP requests are small JSON: an approval request is bounded at 256 KB, so the envelope is too. */
const MAX_BODY_BYTES = 512 * 1024;

const jsonRpcError = (statusCode: number, code: number, message: string, headers: Record<string, string> = {}) => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }),
});

/**
 * Answers one request to the MCP endpoint: authenticates the agent (401 and
 * nothing done otherwise), then runs a fresh server and Streamable HTTP
 * transport for this request alone, without a session (stateless: JSON
 * answers, every state in DynamoDB), so any instance answers any request.
 */
export async function mcpHttpExchange(
  ctx: AgentApprovalDeps,
  agents: readonly AgentPolicy[],
  request: McpHttpRequest,
): Promise<McpHttpResponse> {
  const agent = authenticate(agents, request.headers, request.authorizer);
  if (!agent)
    return jsonRpcError(401, -32001, 'Unauthorized: a valid bearer token is required', {
      'www-authenticate': 'Bearer realm="chainsec"',
    });
  // Stateless: no stream to resume (GET) and no session to end (DELETE).
  if (request.method !== 'POST') return jsonRpcError(405, -32000, 'Method not allowed', { allow: 'POST' });
  if (Buffer.byteLength(request.body, 'utf8') > MAX_BODY_BYTES)
    return jsonRpcError(413, -32600, `request body over ${MAX_BODY_BYTES} bytes`);

  const server = chainsecMcpServer(ctx, agent);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  await server.connect(transport);
  try {
    const headers = new Headers();
    for (const [k, v] of Object.entries(request.headers)) if (v !== undefined) headers.set(k, v);
    const response = await transport.handleRequest(
      new Request(request.url, { method: 'POST', headers, body: request.body }),
      { authInfo: { token: '', clientId: agent.name, scopes: [] } },
    );
    const out: Record<string, string> = {};
    response.headers.forEach((v, k) => {
      out[k] = v;
    });
    return { statusCode: response.status, headers: out, body: await response.text() };
  } finally {
    await server.close();
  }
}
