import { type AgentPolicy, agentForPrincipal, agentForToken } from '../domain/agents';

/** What the API in front of the function says about the caller (API Gateway HTTP API `requestContext.authorizer`). */
export interface AuthorizerContext {
  /** A JWT authorizer (OAuth 2.1 access token, MCP's authorization spec): the token's claims. */
  jwt?: { claims?: Record<string, unknown> };
  /** IAM (SigV4) authorization: the caller's principal. */
  iam?: { userArn?: string };
}

/**
 * The agent a request comes from, or undefined (then HTTP 401, nothing done).
 * Where an authorizer in front of the function vouched for the caller, its
 * principal (the JWT's `client_id`, else `sub`; the IAM caller's ARN) names
 * the agent; otherwise the bearer token does, compared by hash. Nothing the
 * request body says is read here.
 */
export function authenticate(
  agents: readonly AgentPolicy[],
  headers: Readonly<Record<string, string | undefined>>,
  authorizer: AuthorizerContext | undefined,
): AgentPolicy | undefined {
  const claims = authorizer?.jwt?.claims;
  if (claims) {
    const principal = claims.client_id ?? claims.sub;
    return typeof principal === 'string' ? agentForPrincipal(agents, principal) : undefined;
  }
  const arn = authorizer?.iam?.userArn;
  if (arn) return agentForPrincipal(agents, arn);
  const header = headers.authorization ?? headers.Authorization;
  const m = header === undefined ? null : /^Bearer +([\x21-\x7e]+)$/i.exec(header);
  return agentForToken(agents, m?.[1]);
}
