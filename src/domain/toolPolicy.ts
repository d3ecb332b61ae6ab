import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import * as z from 'zod/mini';
import './zodSetup';
import { APPROVAL_TIERS, type ApprovalTier } from './tiers';
import { UPSTREAM_SECRET_NAME } from './upstreamCredentials';

/**
 * The tool governance layer's policy: which calls an agent makes to another
 * MCP server (an upstream) pass at once, wait for people, or are refused.
 * Pure. Rules are read in order, the first that matches decides; a call no
 * rule matches is refused (fail closed).
 */

/**
 * What a tool name may be, here and upstream: ASCII letters, digits, `_`, `-`
 * and `.` (MCP's recommended tool-name characters). Names are compared exactly
 * (case included) and never folded: a lookalike (another case, a Unicode
 * confusable, an invisible character) is another name, matches no rule
 * written for the real one, and, holding other characters, is refused unread.
 */
export const TOOL_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** An upstream server's name: lower-case, no `_`, so `<server>__<tool>` splits at the first `__`. */
const SERVER_NAME = /^[a-z][a-z0-9-]{0,30}$/;

/** Between the upstream's name and the tool's in the name the agent sees. */
export const PROXY_SEPARATOR = '__';

/** A rule's tool: an exact tool name, or a prefix of one ending in `*` (`*` alone: any tool). */
const TOOL_PATTERN = /^[A-Za-z0-9_.-]{0,64}\*?$/;

const compiles = (p: string): boolean => {
  try {
    new RegExp(p, 'u');
    return true;
  } catch {
    return false;
  }
};

/** One rule: which calls it matches, and what it decides. */
export const ToolRuleSchema = z.strictObject({
  /** The tool: an exact name (case-sensitive), or a prefix ending in `*`. */
  tool: z.string().check(z.regex(TOOL_PATTERN, 'an exact tool name, or a prefix ending in *'), z.minLength(1)),
  /**
   * Argument name → regular expression the argument's value must match whole
   * (strings as they are, numbers and booleans as JSON). A listed argument
   * that is missing, or an object or array, does not match.
   */
  arguments: z.optional(
    z.record(
      z.string().check(z.minLength(1), z.maxLength(64)),
      z.string().check(z.maxLength(500), z.refine(compiles, 'not a valid regular expression')),
    ),
  ),
  decision: z.enum(['allow', 'approve', 'refuse']),
  /** The tier people decide an `approve` at (required there, refused elsewhere). */
  tier: z.optional(z.enum(APPROVAL_TIERS)),
  /** A name for the rule, shown to the agent, on the card and in the ledger (default: `<server>#<index>`). */
  id: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_.#-]{1,64}$/))),
});

/** One upstream MCP server chainsec governs (Streamable HTTP). */
export const UpstreamSchema = z
  .strictObject({
    name: z.string().check(z.regex(SERVER_NAME, 'lower-case letters, digits and hyphens, up to 31 characters')),
    url: z.string().check(z.url({ protocol: /^https?$/ })),
    /**
     * The Secrets Manager secret (by name, `chainsec/<env>/mcp-upstreams/...`)
     * holding the headers chainsec sends this upstream, `{"headers": {...}}`
     * (src/domain/upstreamCredentials.ts). None: chainsec sends no credentials.
     */
    credentialsSecret: z.optional(
      z.string().check(z.regex(UPSTREAM_SECRET_NAME, 'a secret name under chainsec/<env>/mcp-upstreams/')),
    ),
    /** Milliseconds a forwarded call may take before it is reported as failed (never retried). */
    timeoutMs: z._default(z.number().check(z.int(), z.positive(), z.maximum(120_000)), 20_000),
    rules: z._default(z.array(ToolRuleSchema), []),
  })
  .check(
    z.refine(
      (u) => u.rules.every((r) => (r.decision === 'approve') === (r.tier !== undefined)),
      'rules: an approve rule needs a tier, and only an approve rule has one',
    ),
    z.refine(
      (u) => u.credentialsSecret === undefined || !URL.canParse(u.url) || sealedOrLocal(new URL(u.url)),
      'credentialsSecret: credentials go over https only (plain http only to this machine: localhost, 127.0.0.1, [::1])',
    ),
  );

/** Whether what is sent to `url` is out of reach of the network between: TLS, or a loopback address (a local test). */
function sealedOrLocal(url: URL): boolean {
  return (
    url.protocol === 'https:' ||
    url.hostname === 'localhost' ||
    url.hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname)
  );
}
export type Upstream = z.infer<typeof UpstreamSchema>;

/** Every upstream; names are unique. */
export const UpstreamsSchema = z
  .array(UpstreamSchema)
  .check(z.refine((us) => new Set(us.map((u) => u.name)).size === us.length, 'upstream names must be unique'));

/** What the policy decided about one call, and the rule that decided it. */
export type ToolVerdict =
  | { decision: 'allow' | 'refuse'; rule: string }
  | { decision: 'approve'; tier: ApprovalTier; rule: string };

/** The rule id of the refusal of a call no rule matches. */
export const DEFAULT_RULE = 'default-refuse';

const ruleId = (upstream: Upstream, i: number): string => upstream.rules[i]?.id ?? `${upstream.name}#${i + 1}`;

function toolMatches(pattern: string, tool: string): boolean {
  return pattern.endsWith('*') ? tool.startsWith(pattern.slice(0, -1)) : pattern === tool;
}

/** Whether some `approve` rule of `upstream` can match calls to `tool` (then a call may be made as a task). */
export function mayBeHeld(upstream: Upstream, tool: string): boolean {
  return upstream.rules.some((r) => r.decision === 'approve' && toolMatches(r.tool, tool));
}

function argumentMatches(pattern: string, value: unknown): boolean {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = JSON.stringify(value);
  else return false;
  return new RegExp(`^(?:${pattern})$`, 'u').test(text);
}

/**
 * The verdict on calling `tool` of `upstream` with `args`: the first rule
 * whose tool and every listed argument match decides; none: refused. A tool
 * name outside {@link TOOL_NAME} is refused whatever the rules say.
 */
export function decideToolCall(upstream: Upstream, tool: string, args: Record<string, unknown>): ToolVerdict {
  if (!TOOL_NAME.test(tool)) return { decision: 'refuse', rule: DEFAULT_RULE };
  for (const [i, r] of upstream.rules.entries()) {
    if (!toolMatches(r.tool, tool)) continue;
    const listed = Object.entries(r.arguments ?? {});
    if (!listed.every(([name, p]) => Object.hasOwn(args, name) && argumentMatches(p, args[name]))) continue;
    const rule = ruleId(upstream, i);
    return r.decision === 'approve' ? { decision: 'approve', tier: r.tier!, rule } : { decision: r.decision, rule };
  }
  return { decision: 'refuse', rule: DEFAULT_RULE };
}

/** The name the agent sees for `tool` of `server`: `<server>__<tool>`. */
export const proxiedName = (server: string, tool: string): string => `${server}${PROXY_SEPARATOR}${tool}`;

/**
 * The upstream and tool a name the agent called stands for, or undefined when
 * it names no configured upstream. The tool part is returned as given (the
 * policy refuses what is not a plain tool name).
 */
export function splitProxiedName(
  upstreams: readonly Upstream[],
  name: string,
): { upstream: Upstream; tool: string } | undefined {
  const at = name.indexOf(PROXY_SEPARATOR);
  if (at <= 0) return undefined;
  const upstream = upstreams.find((u) => u.name === name.slice(0, at));
  return upstream ? { upstream, tool: name.slice(at + PROXY_SEPARATOR.length) } : undefined;
}

/** Lower-case hex SHA-256 of the RFC 8785 canonical JSON of a call's arguments (what the ledger names). */
export function argumentsDigest(args: Record<string, unknown>): string {
  return createHash('sha256')
    .update(canonicalize(args) ?? '{}', 'utf8')
    .digest('hex');
}

/** The action type of a proxied call awaiting people (an agent's `actionTypes` must allow it). */
export const TOOL_CALL_ACTION_TYPE = 'mcp_tool_call';

/** A proxied call as the proposed action people approve: its digest binds the approval to server, tool and arguments. */
export function toolCallAction(server: string, tool: string, args: Record<string, unknown>) {
  return {
    type: TOOL_CALL_ACTION_TYPE,
    target: proxiedName(server, tool),
    parameters: { server, tool, arguments: args },
    reversible: false,
  };
}
