import * as z from 'zod/mini';
import './domain/zodSetup';
import { ConfigInvalidError } from './errors';
import {
  DECISION_WINDOW_CHOICES_SECONDS,
  defaultApprovalPolicy,
  MAX_RECEIPT_TTL_SECONDS,
  isDecisionWindowChoice,
  type ApprovalPolicy,
  type TierPolicy,
} from './domain/policy';
import { DEFAULT_RISK_THRESHOLDS, type RiskThresholds } from './domain/risk';
import { DEFAULT_FINDING_RESPONSES, type FindingResponse } from './domain/sources/actions';
import type { OnCallShift } from './domain/escalation';
import { parseRoutes, type Route } from './domain/routes';
import { AgentPoliciesSchema, type AgentPolicy } from './domain/agents';
import { type Upstream, UpstreamsSchema } from './domain/toolPolicy';

/**
 * The one typed configuration module. Everything comes from the environment,
 * is parsed once per container with zod, and fails fast with a clear message.
 * AWS endpoints are not here: the SDK reads `AWS_ENDPOINT_URL_<SERVICE>` itself.
 */

/** A string of at least one character. */
const nonEmpty = () => z.string().check(z.minLength(1));

/** A comma-separated list; the default applies before the split, as with classic `.default().transform()`. */
const csv = z.pipe(
  z._default(z.string(), ''),
  z.transform((s: string) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  ),
);

/** `true`/`1` or `false`/`0`/empty; unset means false. */
const bool = z.pipe(
  z._default(z.enum(['true', 'false', '1', '0', '']), 'false'),
  z.transform((v) => v === 'true' || v === '1'),
);

const OnCallShiftSchema = z.object({
  start: z.string().check(z.refine((s) => !Number.isNaN(Date.parse(s)), 'start must be an ISO-8601 instant')),
  primary: nonEmpty(),
  secondary: nonEmpty(),
});

/**
 * One tier's overrides. Every field is checked (and unknown keys refused) so a
 * typo or `approvalsNeeded: 0` fails at start instead of weakening the policy.
 * The decision window is not among them: the state machine's timeout is
 * deployed from it, so it has its own variables ({@link DECISION_WINDOW_VARIABLES}).
 */
const TierOverrideSchema = z.partial(
  z.strictObject({
    approvalsNeeded: z.int().check(z.gte(1)),
    approverUserIds: z.array(nonEmpty()),
    approverUsergroupId: nonEmpty(),
    decisionChannels: z.array(nonEmpty()).check(z.minLength(1)),
    allowAppHome: z.boolean(),
    ackSlaSeconds: z.int().check(z.positive()),
    dmPrimaryImmediately: z.boolean(),
    onTimeout: z.enum(['deny', 'rollback']),
    receiptTtlSeconds: z.int().check(z.positive(), z.lte(MAX_RECEIPT_TTL_SECONDS)),
  }),
);

/**
 * The variable holding each tier's decision window. template.yaml sets them from
 * the parameters that also give the state machine's approval states their
 * `TimeoutSeconds` (one source); unset, the default policy's window applies.
 */
export const DECISION_WINDOW_VARIABLES = {
  high: 'HIGH_DECISION_WINDOW_SECONDS',
  critical: 'CRITICAL_DECISION_WINDOW_SECONDS',
} as const;

/** A decision window the state machine can be deployed with. */
const decisionWindow = z.optional(
  z.coerce
    .number()
    .check(z.refine(isDecisionWindowChoice, `must be one of ${DECISION_WINDOW_CHOICES_SECONDS.join(', ')} (seconds)`)),
);

const patterns = () => z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(300))).check(z.minLength(1)));

/**
 * One operator entry of the findings' response catalogue, checked strictly
 * (unknown keys refused): a typo fails at start rather than matching nothing.
 * An irreversible entry must say why in `undo`, like the defaults.
 */
const FindingResponseSchema = z.strictObject({
  name: z.string().check(z.minLength(1), z.maxLength(100)),
  when: z.strictObject({
    source: patterns(),
    type: patterns(),
    control: patterns(),
    generator: patterns(),
    ocsfClass: patterns(),
    family: patterns(),
    bucketPublic: z.optional(z.boolean()),
  }),
  action: z.string().check(z.minLength(1), z.maxLength(100)),
  target: z.enum(['resource', 'host', 'remote_ip', 'finding']),
  reversible: z.boolean(),
  undo: z.string().check(z.minLength(1), z.maxLength(300)),
});

/**
 * The findings' response catalogue: FINDING_RESPONSES entries (JSON list),
 * tried before the defaults (first match wins).
 * @throws ConfigInvalidError naming the bad entry and field
 */
function findingResponses(text: string | undefined): readonly FindingResponse[] {
  if (!text) return DEFAULT_FINDING_RESPONSES;
  const parsed = z.array(FindingResponseSchema).safeParse(parseJson('FINDING_RESPONSES', text));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigInvalidError(`FINDING_RESPONSES: ${problems.join('; ')}`, { problems });
  }
  return [...(parsed.data as FindingResponse[]), ...DEFAULT_FINDING_RESPONSES];
}

const PolicyOverrideSchema = z.strictObject({
  high: z.optional(TierOverrideSchema),
  critical: z.optional(TierOverrideSchema),
});

const EnvSchema = z.object({
  CHAINSEC_ENV: z._default(z.string(), 'dev'),
  AWS_REGION: z._default(z.string(), 'us-east-1'),
  INCIDENTS_TABLE: z.string().check(z.minLength(3)),
  LEDGER_TABLE: z.string().check(z.minLength(3)),
  /** The Slack pacer's table (docs/ROUTING.md#pacing); set on the functions that post in bulk (ingest, sweep, actions) only. */
  PACER_TABLE: z.optional(z.string().check(z.minLength(3))),
  SIGNING_KEY_ID: nonEmpty(),
  /** Comma-separated ARNs of the stack's earlier signing keys (before a rotation): `/chainsec verify` trusts them too. */
  PREVIOUS_SIGNING_KEY_IDS: csv,
  APPROVALS_CHANNEL: nonEmpty(),
  APPROVER_USER_IDS: csv,
  APPROVER_USERGROUP_ID: z.optional(z.string()),
  /** JSON list of shifts `[{"start","primary","secondary"}]`, hand-offs in UTC. */
  ONCALL_SCHEDULE: z._default(z.string(), '[]'),
  /** JSON `{ "high": {...}, "critical": {...} }` merged over the default policy. */
  POLICY_OVERRIDES: z.optional(z.string()),
  /** JSON list of response catalogue entries tried before the defaults (src/domain/sources/actions.ts). */
  FINDING_RESPONSES: z.optional(z.string()),
  /** Ordered routes (src/domain/routes.ts); empty: one channel. */
  ROUTES: z.optional(z.string()),
  /** Seconds to decide a high request ({@link DECISION_WINDOW_VARIABLES}). */
  HIGH_DECISION_WINDOW_SECONDS: decisionWindow,
  /** Seconds to decide a critical request. */
  CRITICAL_DECISION_WINDOW_SECONDS: decisionWindow,
  DRY_RUN: bool,
  SLACK_API_URL: z.optional(z.url()),
  /** Sandbox / local: secrets straight from the environment. */
  SLACK_SIGNING_SECRET: z.optional(z.string()),
  SLACK_BOT_TOKEN: z.optional(z.string()),
  /** The Slack workspace (team id, T…) chainsec serves: requests from any other are refused. */
  SLACK_TEAM_ID: z.optional(z.string().check(z.regex(/^[TE][A-Z0-9]{2,}$/, 'must be a Slack team id (T…)'))),
  /** AWS: a Secrets Manager secret holding `{"signingSecret","botToken"}`. */
  SLACK_SECRET_ARN: z.optional(z.string()),
  ACTIONS_TOPIC_ARN: z.optional(z.string()),
  /** Where the approval request function forwards other workflows' requests (that function only). */
  APPROVAL_REQUESTS_TOPIC_ARN: z.optional(z.string()),
  /** The topic only the stack's own workflow publishes to: what arrives from it is the stack's own. */
  WORKFLOW_TOPIC_ARN: z.optional(z.string()),
  /** The S3 bucket (Object Lock) the sweep writes anchors to; none written when unset. */
  ANCHOR_BUCKET: z.optional(z.string().check(z.minLength(3))),
  /** Key prefix of anchors in ANCHOR_BUCKET. */
  ANCHOR_PREFIX: z._default(z.string(), 'anchors/'),
  /** Path-style S3 requests: for a local S3 server at AWS_ENDPOINT_URL_S3 (AWS needs none). */
  S3_FORCE_PATH_STYLE: bool,
  SUMMARIES_ENABLED: bool,
  BEDROCK_MODEL_ID: z._default(z.string(), 'amazon.nova-micro-v1:0'),
  BEDROCK_GUARDRAIL_ID: z.optional(z.string()),
  BEDROCK_GUARDRAIL_VERSION: z._default(z.string(), 'DRAFT'),
  // zod/mini has no coerced int: `z.int()` serves as a check here, which is what classic `.int()` did.
  /** Milliseconds any single outside call may take before it is abandoned. */
  CALL_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.positive()), 2500),
  /** JSON list of the agents that may call the MCP server (src/domain/agents.ts); token hashes only. */
  MCP_AGENTS: z._default(z.string(), '[]'),
  /** Seconds an agent can still read a request's outcome after its decision window closes (7 days). */
  MCP_RESULT_RETENTION_SECONDS: z._default(z.coerce.number().check(z.int(), z.positive()), 604800),
  /** JSON list of the MCP servers chainsec governs, each with its tool policy (src/domain/toolPolicy.ts). */
  MCP_UPSTREAMS: z._default(z.string(), '[]'),
});

/** The parsed configuration. */
export interface Config {
  env: string;
  region: string;
  incidentsTable: string;
  ledgerTable: string;
  /** The Slack pacer's table; absent: Slack calls are not paced (only `Retry-After` is honoured). */
  pacerTable?: string;
  signingKeyId: string;
  /**
   * The stack's earlier signing keys: with {@link signingKeyId}, the only keys
   * an entry checked in the app may be signed with (an entry names its key; the
   * stack, not the entry, says which keys count).
   */
  previousSigningKeyIds: string[];
  approvalsChannel: string;
  policy: ApprovalPolicy;
  risk: RiskThresholds;
  onCall: OnCallShift[];
  /** Ordered routes, first match wins; none: everything goes to `approvalsChannel`. */
  routes: Route[];
  dryRun: boolean;
  slack: { apiUrl?: string; signingSecret?: string; botToken?: string; secretArn?: string; teamId?: string };
  actionsTopicArn?: string;
  /** The approval requests topic: the approval request function forwards other workflows' requests to it. */
  approvalRequestsTopicArn?: string;
  /**
   * The stack's own workflow topic (template.yaml `WorkflowTopic`): only the
   * stack's state machine may publish to it, so what arrives through it is the
   * stack's own. Unset: nothing is (every message is read as public).
   */
  workflowTopicArn?: string;
  /** Where anchors go (src/domain/anchor.ts); undefined: none are written. */
  anchors?: { bucket: string; prefix: string };
  s3ForcePathStyle: boolean;
  summaries: { enabled: boolean; modelId: string; guardrailId?: string; guardrailVersion: string };
  callTimeoutMs: number;
  /** The agents of the MCP server, and how long a request's outcome stays readable after its window. */
  mcp: { agents: AgentPolicy[]; resultRetentionSeconds: number; upstreams: Upstream[] };
}

function parseJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigInvalidError(`${name} is not valid JSON`, { name }, { cause: e });
  }
}

/**
 * A decision window in POLICY_OVERRIDES would be a policy the state machine does
 * not keep (its timeout is deployed from the window variables): refused, naming
 * the field and where the window is set instead.
 * @throws ConfigInvalidError with `details.field`
 */
function refuseWindowOverrides(json: unknown): void {
  if (json === null || typeof json !== 'object') return;
  for (const tier of ['high', 'critical'] as const) {
    const o = (json as Record<string, unknown>)[tier];
    if (o !== null && typeof o === 'object' && 'decisionWindowSeconds' in o) {
      const field = `${tier}.decisionWindowSeconds`;
      throw new ConfigInvalidError(
        `POLICY_OVERRIDES: ${field} cannot be overridden here; set ${DECISION_WINDOW_VARIABLES[tier]} ` +
          '(template parameter ' +
          `${tier === 'high' ? 'High' : 'Critical'}DecisionWindowSeconds), which the state machine's timeout follows`,
        { field },
      );
    }
  }
}

/**
 * Parses configuration from an environment map.
 * @throws ConfigInvalidError naming every missing or malformed variable
 */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigInvalidError(`invalid configuration: ${problems.join('; ')}`, { problems });
  }
  const e = parsed.data;
  if (!e.SLACK_SECRET_ARN && !(e.SLACK_SIGNING_SECRET && e.SLACK_BOT_TOKEN)) {
    throw new ConfigInvalidError('set SLACK_SECRET_ARN, or both SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN');
  }
  const shifts = z.array(OnCallShiftSchema).safeParse(parseJson('ONCALL_SCHEDULE', e.ONCALL_SCHEDULE));
  if (!shifts.success) throw new ConfigInvalidError(`ONCALL_SCHEDULE: ${shifts.error.issues[0]?.message ?? 'invalid'}`);

  const routes = parseRoutes(e.ROUTES);
  const agents = AgentPoliciesSchema.safeParse(parseJson('MCP_AGENTS', e.MCP_AGENTS));
  if (!agents.success) {
    const problems = agents.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigInvalidError(`MCP_AGENTS: ${problems.join('; ')}`, { problems });
  }
  const upstreams = UpstreamsSchema.safeParse(parseJson('MCP_UPSTREAMS', e.MCP_UPSTREAMS));
  if (!upstreams.success) {
    const problems = upstreams.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigInvalidError(`MCP_UPSTREAMS: ${problems.join('; ')}`, { problems });
  }
  // The function may read only this stack's upstream secrets: say so now, not at the first forwarded call.
  const ownSecrets = `chainsec/${e.CHAINSEC_ENV}/mcp-upstreams/`;
  const foreign = upstreams.data.find((u) => u.credentialsSecret && !u.credentialsSecret.startsWith(ownSecrets));
  if (foreign)
    throw new ConfigInvalidError(`MCP_UPSTREAMS: ${foreign.name}: credentialsSecret must be under ${ownSecrets}`);

  const policy = defaultApprovalPolicy({
    approverUserIds: e.APPROVER_USER_IDS,
    ...(e.APPROVER_USERGROUP_ID !== undefined && { approverUsergroupId: e.APPROVER_USERGROUP_ID }),
    approvalsChannel: e.APPROVALS_CHANNEL,
  });
  for (const tier of ['high', 'critical'] as const) {
    const window = e[DECISION_WINDOW_VARIABLES[tier]];
    if (window !== undefined) policy[tier] = { ...policy[tier], decisionWindowSeconds: window };
  }
  if (e.POLICY_OVERRIDES) {
    const json = parseJson('POLICY_OVERRIDES', e.POLICY_OVERRIDES);
    refuseWindowOverrides(json);
    const overrides = PolicyOverrideSchema.safeParse(json);
    if (!overrides.success) {
      const problems = overrides.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      throw new ConfigInvalidError(`POLICY_OVERRIDES: ${problems.join('; ')}`, { problems });
    }
    for (const tier of ['high', 'critical'] as const) {
      const o = overrides.data[tier];
      if (o) policy[tier] = { ...policy[tier], ...(o as Partial<TierPolicy>) };
    }
  }
  for (const tier of ['high', 'critical'] as const) {
    if (policy[tier].approverUserIds.length === 0 && !policy[tier].approverUsergroupId) {
      throw new ConfigInvalidError(`no approvers for ${tier}: set APPROVER_USER_IDS or APPROVER_USERGROUP_ID`);
    }
  }

  return {
    env: e.CHAINSEC_ENV,
    region: e.AWS_REGION,
    incidentsTable: e.INCIDENTS_TABLE,
    ledgerTable: e.LEDGER_TABLE,
    ...(e.PACER_TABLE !== undefined && { pacerTable: e.PACER_TABLE }),
    signingKeyId: e.SIGNING_KEY_ID,
    previousSigningKeyIds: e.PREVIOUS_SIGNING_KEY_IDS,
    approvalsChannel: e.APPROVALS_CHANNEL,
    policy,
    risk: { ...DEFAULT_RISK_THRESHOLDS, findingResponses: findingResponses(e.FINDING_RESPONSES) },
    onCall: shifts.data,
    routes,
    dryRun: e.DRY_RUN,
    slack: {
      ...(e.SLACK_API_URL !== undefined && { apiUrl: e.SLACK_API_URL }),
      ...(e.SLACK_SIGNING_SECRET !== undefined && { signingSecret: e.SLACK_SIGNING_SECRET }),
      ...(e.SLACK_BOT_TOKEN !== undefined && { botToken: e.SLACK_BOT_TOKEN }),
      ...(e.SLACK_SECRET_ARN !== undefined && { secretArn: e.SLACK_SECRET_ARN }),
      ...(e.SLACK_TEAM_ID !== undefined && e.SLACK_TEAM_ID !== '' && { teamId: e.SLACK_TEAM_ID }),
    },
    ...(e.ACTIONS_TOPIC_ARN !== undefined && { actionsTopicArn: e.ACTIONS_TOPIC_ARN }),
    ...(e.APPROVAL_REQUESTS_TOPIC_ARN !== undefined && { approvalRequestsTopicArn: e.APPROVAL_REQUESTS_TOPIC_ARN }),
    ...(e.WORKFLOW_TOPIC_ARN !== undefined && { workflowTopicArn: e.WORKFLOW_TOPIC_ARN }),
    ...(e.ANCHOR_BUCKET !== undefined && { anchors: { bucket: e.ANCHOR_BUCKET, prefix: e.ANCHOR_PREFIX } }),
    s3ForcePathStyle: e.S3_FORCE_PATH_STYLE,
    summaries: {
      enabled: e.SUMMARIES_ENABLED,
      modelId: e.BEDROCK_MODEL_ID,
      ...(e.BEDROCK_GUARDRAIL_ID !== undefined && { guardrailId: e.BEDROCK_GUARDRAIL_ID }),
      guardrailVersion: e.BEDROCK_GUARDRAIL_VERSION,
    },
    callTimeoutMs: e.CALL_TIMEOUT_MS,
    mcp: {
      agents: agents.data,
      resultRetentionSeconds: e.MCP_RESULT_RETENTION_SECONDS,
      upstreams: upstreams.data,
    },
  };
}

let cached: Config | undefined;

/** The configuration of this container, parsed on first use. */
export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
