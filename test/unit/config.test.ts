import { parseConfig } from '../../src/config';
import { DEFAULT_RISK_THRESHOLDS } from '../../src/domain/risk';
import { ConfigInvalidError, ErrorCode } from '../../src/errors';

/** The environment the sandbox gives the handlers (docs/SANDBOX.md). */
function sandboxEnv(over: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    CHAINSEC_ENV: 'sandbox',
    AWS_REGION: 'eu-west-1',
    INCIDENTS_TABLE: 'chainsec-incidents',
    LEDGER_TABLE: 'chainsec-ledger',
    SIGNING_KEY_ID: 'alias/chainsec-ledger',
    APPROVALS_CHANNEL: 'C0APPROVALS',
    APPROVER_USER_IDS: 'U0APPROVER1, U0APPROVER2,U0APPROVER3,U0ONCALL1,U0ONCALL2,',
    ONCALL_SCHEDULE: JSON.stringify([{ start: '2025-01-01T00:00:00Z', primary: 'U0ONCALL1', secondary: 'U0ONCALL2' }]),
    DRY_RUN: 'true',
    SLACK_API_URL: 'http://localhost:3000/api/',
    SLACK_SIGNING_SECRET: 'sandbox-signing-secret',
    SLACK_BOT_TOKEN: 'xoxb-sandbox',
    ACTIONS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:000000000000:chainsec-actions',
    SUMMARIES_ENABLED: '0',
    CALL_TIMEOUT_MS: '1500',
    ...over,
  };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return env;
}

/** Runs `parseConfig` and returns what it threw. */
function thrown(env: NodeJS.ProcessEnv): ConfigInvalidError {
  try {
    parseConfig(env);
  } catch (e) {
    return e as ConfigInvalidError;
  }
  throw new Error('parseConfig did not throw');
}

describe('Function: parseConfig', () => {
  it('parses a full sandbox environment', () => {
    // Act
    const config = parseConfig(sandboxEnv());

    // Assess
    expect(config).toMatchObject({
      env: 'sandbox',
      region: 'eu-west-1',
      incidentsTable: 'chainsec-incidents',
      ledgerTable: 'chainsec-ledger',
      signingKeyId: 'alias/chainsec-ledger',
      approvalsChannel: 'C0APPROVALS',
      dryRun: true,
      slack: {
        apiUrl: 'http://localhost:3000/api/',
        signingSecret: 'sandbox-signing-secret',
        botToken: 'xoxb-sandbox',
      },
      actionsTopicArn: 'arn:aws:sns:eu-west-1:000000000000:chainsec-actions',
      summaries: { enabled: false, modelId: 'amazon.nova-micro-v1:0', guardrailVersion: 'DRAFT' },
      callTimeoutMs: 1500,
      risk: DEFAULT_RISK_THRESHOLDS,
    });
    expect(config.policy.high.approverUserIds).toEqual([
      'U0APPROVER1',
      'U0APPROVER2',
      'U0APPROVER3',
      'U0ONCALL1',
      'U0ONCALL2',
    ]);
    expect(config.policy.critical.decisionChannels).toEqual(['C0APPROVALS']);
    expect(config.onCall).toEqual([{ start: '2025-01-01T00:00:00Z', primary: 'U0ONCALL1', secondary: 'U0ONCALL2' }]);
    expect('secretArn' in config.slack).toBe(false);
  });

  it('fills the defaults for optional variables', () => {
    // Prepare
    const env = sandboxEnv({
      CHAINSEC_ENV: undefined,
      AWS_REGION: undefined,
      DRY_RUN: undefined,
      CALL_TIMEOUT_MS: undefined,
      ONCALL_SCHEDULE: undefined,
    });

    // Act
    const config = parseConfig(env);

    // Assess
    expect(config).toMatchObject({ env: 'dev', region: 'us-east-1', dryRun: false, callTimeoutMs: 2500, onCall: [] });
  });

  it('accepts a Secrets Manager ARN instead of the Slack secrets, and a user group instead of user ids', () => {
    // Prepare
    const env = sandboxEnv({
      SLACK_SIGNING_SECRET: undefined,
      SLACK_BOT_TOKEN: undefined,
      SLACK_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:chainsec-slack',
      APPROVER_USER_IDS: undefined,
      APPROVER_USERGROUP_ID: 'S0SECOPS',
    });

    // Act
    const config = parseConfig(env);

    // Assess
    expect(config.slack).toEqual({
      apiUrl: 'http://localhost:3000/api/',
      secretArn: 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:chainsec-slack',
    });
    expect(config.policy.critical.approverUsergroupId).toBe('S0SECOPS');
  });

  it('names a missing INCIDENTS_TABLE', () => {
    // Act
    const error = thrown(sandboxEnv({ INCIDENTS_TABLE: undefined }));

    // Assess
    expect(error).toBeInstanceOf(ConfigInvalidError);
    expect(error.code).toBe(ErrorCode.ConfigInvalid);
    expect(error.message).toContain('INCIDENTS_TABLE');
  });

  it('names every invalid variable at once', () => {
    // Act
    const error = thrown(sandboxEnv({ LEDGER_TABLE: undefined, CALL_TIMEOUT_MS: '-5', DRY_RUN: 'maybe' }));

    // Assess
    expect(error).toBeInstanceOf(ConfigInvalidError);
    expect(error.message).toMatch(/LEDGER_TABLE.*CALL_TIMEOUT_MS|CALL_TIMEOUT_MS.*LEDGER_TABLE/);
    expect(error.details.problems).toHaveLength(3);
  });

  it.each([[undefined], [''], [' , ,']])('refuses a configuration with no approvers (APPROVER_USER_IDS=%p)', (ids) => {
    // Act
    const error = thrown(sandboxEnv({ APPROVER_USER_IDS: ids }));

    // Assess
    expect(error).toBeInstanceOf(ConfigInvalidError);
    expect(error.message).toContain('no approvers');
  });

  it('refuses an ONCALL_SCHEDULE that is not JSON', () => {
    // Act
    const error = thrown(sandboxEnv({ ONCALL_SCHEDULE: '[{start:' }));

    // Assess
    expect(error).toBeInstanceOf(ConfigInvalidError);
    expect(error.message).toBe('ONCALL_SCHEDULE is not valid JSON');
  });

  it.each([
    ['an object', '{"start":"2025-01-01T00:00:00Z"}'],
    ['a bad instant', '[{"start":"next tuesday","primary":"U1","secondary":"U2"}]'],
    ['no secondary', '[{"start":"2025-01-01T00:00:00Z","primary":"U1"}]'],
  ])('refuses an ONCALL_SCHEDULE with %s', (_what, schedule) => {
    // Act
    const error = thrown(sandboxEnv({ ONCALL_SCHEDULE: schedule }));

    // Assess
    expect(error).toBeInstanceOf(ConfigInvalidError);
    expect(error.message).toMatch(/^ONCALL_SCHEDULE: /);
  });

  it.each([
    ['neither secret', { SLACK_SIGNING_SECRET: undefined, SLACK_BOT_TOKEN: undefined }],
    ['no bot token', { SLACK_BOT_TOKEN: undefined }],
    ['no signing secret', { SLACK_SIGNING_SECRET: undefined }],
  ])('refuses missing Slack secrets (%s)', (_what, over) => {
    // Act
    const error = thrown(sandboxEnv(over));

    // Assess
    expect(error).toBeInstanceOf(ConfigInvalidError);
    expect(error.message).toBe('set SLACK_SECRET_ARN, or both SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN');
  });

  describe('POLICY_OVERRIDES', () => {
    it('merges each tier over the default policy', () => {
      // Prepare
      const overrides = { high: { ackSlaSeconds: 600 }, critical: { approvalsNeeded: 3, allowAppHome: false } };

      // Act
      const { policy } = parseConfig(sandboxEnv({ POLICY_OVERRIDES: JSON.stringify(overrides) }));

      // Assess
      expect(policy.high).toMatchObject({
        approvalsNeeded: 1,
        decisionWindowSeconds: 3600,
        ackSlaSeconds: 600,
        onTimeout: 'deny',
      });
      expect(policy.critical).toMatchObject({
        approvalsNeeded: 3,
        allowAppHome: false,
        decisionWindowSeconds: 14400,
        onTimeout: 'rollback',
      });
      expect(policy.critical.approverUserIds).toHaveLength(5);
    });

    it('refuses overrides that are not JSON', () => {
      // Act
      const error = thrown(sandboxEnv({ POLICY_OVERRIDES: '{high:' }));

      // Assess
      expect(error).toBeInstanceOf(ConfigInvalidError);
      expect(error.message).toBe('POLICY_OVERRIDES is not valid JSON');
    });

    it.each([
      ['a zero quorum', { critical: { approvalsNeeded: 0 } }, 'critical.approvalsNeeded'],
      ['a quorum given as text', { high: { approvalsNeeded: '2' } }, 'high.approvalsNeeded'],
      ['an unknown fallback', { high: { onTimeout: 'approve' } }, 'high.onTimeout'],
      ['a receipt that never expires', { critical: { receiptTtlSeconds: 0 } }, 'critical.receiptTtlSeconds'],
      ['a receipt valid for over a day', { high: { receiptTtlSeconds: 86_401 } }, 'high.receiptTtlSeconds'],
      ['a receipt lifetime in minutes, as text', { high: { receiptTtlSeconds: '15m' } }, 'high.receiptTtlSeconds'],
      ['a misspelt field', { high: { approvalNeeded: 2 } }, 'high'],
      ['an unknown tier', { medium: { approvalsNeeded: 1 } }, '(root)'],
      ['not an object', [1, 2], '(root)'],
    ])('refuses %s with a ConfigInvalidError naming it', (_what, overrides, path) => {
      // Act
      const error = thrown(sandboxEnv({ POLICY_OVERRIDES: JSON.stringify(overrides) }));

      // Assess
      expect(error).toBeInstanceOf(ConfigInvalidError);
      expect(error.message).toContain(`POLICY_OVERRIDES: ${path}`);
    });

    it.each(['high', 'critical'])(
      'refuses a %s decision window, which the state machine would not keep, naming the field',
      (tier) => {
        // Prepare
        const overrides = { [tier]: { decisionWindowSeconds: 7200 } };

        // Act
        const error = thrown(sandboxEnv({ POLICY_OVERRIDES: JSON.stringify(overrides) }));

        // Assess
        expect(error).toBeInstanceOf(ConfigInvalidError);
        expect(error.code).toBe(ErrorCode.ConfigInvalid);
        expect(error.details).toEqual({ field: `${tier}.decisionWindowSeconds` });
        expect(error.message).toContain(`POLICY_OVERRIDES: ${tier}.decisionWindowSeconds cannot be overridden here`);
        expect(error.message).toContain(`${tier.toUpperCase()}_DECISION_WINDOW_SECONDS`);
      },
    );

    it('keeps receipts 15 minutes by default, and takes a tier its own receipt lifetime', () => {
      // Act
      const defaults = parseConfig(sandboxEnv()).policy;
      const { policy } = parseConfig(
        sandboxEnv({ POLICY_OVERRIDES: JSON.stringify({ critical: { receiptTtlSeconds: 300 } }) }),
      );

      // Assess
      expect([defaults.high.receiptTtlSeconds, defaults.critical.receiptTtlSeconds]).toEqual([900, 900]);
      expect([policy.high.receiptTtlSeconds, policy.critical.receiptTtlSeconds]).toEqual([900, 300]);
    });

    it('takes a rollback fallback for high', () => {
      // Act
      const { policy } = parseConfig(
        sandboxEnv({ POLICY_OVERRIDES: JSON.stringify({ high: { onTimeout: 'rollback' } }) }),
      );

      // Assess
      expect(policy.high.onTimeout).toBe('rollback');
    });

    it('refuses overrides that leave a tier without approvers', () => {
      // Act
      const error = thrown(sandboxEnv({ POLICY_OVERRIDES: JSON.stringify({ critical: { approverUserIds: [] } }) }));

      // Assess
      expect(error).toBeInstanceOf(ConfigInvalidError);
      expect(error.message).toContain('no approvers for critical');
    });
  });

  describe('decision windows (HIGH_ / CRITICAL_DECISION_WINDOW_SECONDS)', () => {
    it("keeps the default policy's windows when unset", () => {
      // Act
      const { policy } = parseConfig(sandboxEnv());

      // Assess
      expect([policy.high.decisionWindowSeconds, policy.critical.decisionWindowSeconds]).toEqual([3600, 14400]);
    });

    it('takes each tier its window from its variable', () => {
      // Act
      const { policy } = parseConfig(
        sandboxEnv({ HIGH_DECISION_WINDOW_SECONDS: '1800', CRITICAL_DECISION_WINDOW_SECONDS: '28800' }),
      );

      // Assess
      expect([policy.high.decisionWindowSeconds, policy.critical.decisionWindowSeconds]).toEqual([1800, 28800]);
    });

    it.each([
      ['a window the state machine has no timeout for', '3601'],
      ['text', 'an hour'],
    ])('refuses %s with a ConfigInvalidError naming the variable', (_what, value) => {
      // Act
      const error = thrown(sandboxEnv({ CRITICAL_DECISION_WINDOW_SECONDS: value }));

      // Assess
      expect(error).toBeInstanceOf(ConfigInvalidError);
      expect(error.code).toBe(ErrorCode.ConfigInvalid);
      expect(error.message).toContain('CRITICAL_DECISION_WINDOW_SECONDS:');
    });
  });
});

describe('ROUTES', () => {
  it('is parsed into config.routes; absent is one channel', () => {
    expect(parseConfig(sandboxEnv()).routes).toEqual([]);
    const routes = [{ channel: 'C0CRITICAL', match: { tier: ['critical'] } }];
    expect(parseConfig(sandboxEnv({ ROUTES: JSON.stringify(routes) })).routes).toEqual(routes);
  });

  it('fails at start naming the bad entry', () => {
    const e = thrown(
      sandboxEnv({ ROUTES: '[{"channel":"C0A","match":{"tier":["high"]}},{"channel":"x","match":{"tier":["high"]}}]' }),
    );
    expect(e.code).toBe(ErrorCode.ConfigInvalid);
    expect(e.message).toMatch(/^ROUTES\[1\]\.channel: /);
  });
});

describe('MCP_UPSTREAMS', () => {
  it('is parsed into config.mcp.upstreams with defaults', () => {
    const upstreams = parseConfig(
      sandboxEnv({
        MCP_UPSTREAMS: JSON.stringify([
          { name: 'files', url: 'https://files.example.com/mcp', rules: [{ tool: 'read_file', decision: 'allow' }] },
        ]),
      }),
    ).mcp.upstreams;
    expect(upstreams).toEqual([
      {
        name: 'files',
        url: 'https://files.example.com/mcp',
        timeoutMs: 20_000,
        rules: [{ tool: 'read_file', decision: 'allow' }],
      },
    ]);
  });

  it('fails at start naming the bad field (an approve rule without a tier)', () => {
    const e = thrown(
      sandboxEnv({
        MCP_UPSTREAMS: JSON.stringify([
          { name: 'files', url: 'https://files.example.com/mcp', rules: [{ tool: 'rm', decision: 'approve' }] },
        ]),
      }),
    );
    expect(e.code).toBe(ErrorCode.ConfigInvalid);
    expect(e.message).toContain('MCP_UPSTREAMS');
    expect(e.message).toContain('tier');
  });
  it("takes an upstream's credentials secret only under this stack's own prefix", () => {
    // Prepare
    const withSecret = (credentialsSecret: string) =>
      sandboxEnv({
        CHAINSEC_ENV: 'prod',
        MCP_UPSTREAMS: JSON.stringify([{ name: 'files', url: 'https://files.example.com/mcp', credentialsSecret }]),
      });

    // Act
    const own = parseConfig(withSecret('chainsec/prod/mcp-upstreams/files')).mcp.upstreams[0];
    const other = thrown(withSecret('chainsec/dev/mcp-upstreams/files'));
    const elsewhere = thrown(withSecret('prod/slack'));

    // Assess
    expect(own?.credentialsSecret).toBe('chainsec/prod/mcp-upstreams/files');
    expect(other.message).toContain('credentialsSecret must be under chainsec/prod/mcp-upstreams/');
    expect(elsewhere.message).toContain('chainsec/<env>/mcp-upstreams/');
  });

  it('sends credentials over https only: an upstream with a secret at a plain http address elsewhere is refused', () => {
    // Prepare
    const at = (url: string, credentialsSecret?: string) =>
      sandboxEnv({
        CHAINSEC_ENV: 'prod',
        MCP_UPSTREAMS: JSON.stringify([{ name: 'files', url, ...(credentialsSecret && { credentialsSecret }) }]),
      });
    const secret = 'chainsec/prod/mcp-upstreams/files';

    // Act
    const cleartext = thrown(at('http://files.internal.example.com/mcp', secret));
    const lookalike = thrown(at('http://127.0.0.1.example.com/mcp', secret));
    const local = ['http://127.0.0.1:8080/mcp', 'http://localhost:8080/mcp', 'http://[::1]:8080/mcp'].map(
      (url) => parseConfig(at(url, secret)).mcp.upstreams[0]?.url,
    );
    const open = parseConfig(at('http://files.internal.example.com/mcp')).mcp.upstreams[0];

    // Assess
    expect(cleartext.message).toContain('credentials go over https only');
    expect(lookalike.message).toContain('credentials go over https only');
    expect(local).toEqual(['http://127.0.0.1:8080/mcp', 'http://localhost:8080/mcp', 'http://[::1]:8080/mcp']);
    expect(open?.credentialsSecret).toBeUndefined();
  });
});

describe('MCP_AGENTS', () => {
  it('is parsed into config.mcp.agents with defaults; absent is no agent', () => {
    expect(parseConfig(sandboxEnv()).mcp).toEqual({
      agents: [],
      resultRetentionSeconds: 7 * 24 * 3600,
      upstreams: [],
    });
    const agents = parseConfig(
      sandboxEnv({ MCP_AGENTS: '[{"name":"agent-ops","tokenSha256":["' + 'a'.repeat(64) + '"]}]' }),
    ).mcp.agents;
    expect(agents).toEqual([
      {
        name: 'agent-ops',
        tokenSha256: ['a'.repeat(64)],
        principals: [],
        mayRequest: true,
        tiers: ['high', 'critical'],
        actionTypes: ['*'],
        revoked: false,
      },
    ]);
  });

  it('fails at start naming the bad field, and never holds a plain token', () => {
    const e = thrown(sandboxEnv({ MCP_AGENTS: '[{"name":"agent-ops","token":"plain-secret"}]' }));
    expect(e.code).toBe(ErrorCode.ConfigInvalid);
    expect(e.message).toMatch(/^MCP_AGENTS: /);
    expect(e.message).toContain('token');
    expect(thrown(sandboxEnv({ MCP_AGENTS: 'not json' })).message).toContain('MCP_AGENTS');
  });
});
