import type { Upstream } from '../domain/toolPolicy';
import type { McpApprovals } from '../services/McpApprovals';
import type { ToolCallLedger } from '../services/ToolCallLedger';
import type { UpstreamMcp } from '../services/UpstreamMcp';
import type { IngestDeps } from './ingestMessage';

/**
 * The ports of the MCP server's use cases (an agent's approvals, and the
 * governing proxy's calls): what ingesting a request needs, where agents'
 * requests live and, when upstream MCP servers are configured, the proxy's own.
 */
export interface AgentApprovalDeps {
  /** An agent's request is ingested like a workflow's: the same ports. */
  deps: IngestDeps;
  approvals: McpApprovals;
  /** Seconds an outcome stays readable after the decision window closes. */
  resultRetentionSeconds: number;
  /** The governing proxy, when upstream MCP servers are configured. */
  proxy?: ToolProxyDeps;
}

/** What the proxy needs beyond the MCP server's ports. */
export interface ToolProxyDeps {
  upstreams: Upstream[];
  upstreamMcp: UpstreamMcp;
  toolCalls: ToolCallLedger;
}
