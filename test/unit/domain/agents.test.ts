import {
  AgentPoliciesSchema,
  agentNamedIn,
  agentForPrincipal,
  agentForToken,
  requestRefusal,
  tokenSha256,
} from '../../../src/domain/agents';

describe('Module: domain/agents', () => {
  const agents = AgentPoliciesSchema.parse([
    { name: 'agent-ops', tokenSha256: [tokenSha256('ops-token')], principals: ['client-ops'] },
    { name: 'agent-old', tokenSha256: [tokenSha256('old-token')], principals: ['client-old'], revoked: true },
    { name: 'agent-narrow', tokenSha256: [tokenSha256('narrow-token')], tiers: ['high'], actionTypes: ['iam_*'] },
    { name: 'agent-readonly', tokenSha256: [tokenSha256('ro-token')], mayRequest: false },
  ]);
  const named = (name: string) => agents.find((a) => a.name === name)!;

  describe('Function: agentForToken', () => {
    it('finds the agent whose token hash matches, and nobody for an unknown, empty, oversized or revoked token', () => {
      // Act & Assess
      expect(agentForToken(agents, 'ops-token')?.name).toBe('agent-ops');
      expect(agentForToken(agents, 'ops-token ')).toBeUndefined();
      expect(agentForToken(agents, '')).toBeUndefined();
      expect(agentForToken(agents, undefined)).toBeUndefined();
      expect(agentForToken(agents, 'x'.repeat(10_000))).toBeUndefined();
      expect(agentForToken(agents, 'old-token')).toBeUndefined();
    });
  });

  describe('Function: agentForPrincipal', () => {
    it('maps an authorizer principal to its agent, never to a revoked one', () => {
      expect(agentForPrincipal(agents, 'client-ops')?.name).toBe('agent-ops');
      expect(agentForPrincipal(agents, 'client-old')).toBeUndefined();
      expect(agentForPrincipal(agents, 'someone')).toBeUndefined();
    });
  });

  describe('Function: requestRefusal', () => {
    it('refuses an agent that may not request, a tier it may not ask for, and an action type outside its patterns', () => {
      expect(requestRefusal(named('agent-readonly'), 'high', 'x')).toContain('may not request approvals');
      expect(requestRefusal(named('agent-narrow'), 'critical', 'iam_disable')).toContain('critical');
      expect(requestRefusal(named('agent-narrow'), 'high', 'delete_bucket')).toContain('delete_bucket');
      expect(requestRefusal(named('agent-narrow'), 'high', 'iam_disable')).toBeUndefined();
      expect(requestRefusal(named('agent-ops'), 'critical', 'anything')).toBeUndefined();
    });
  });

  describe('Schema: AgentPoliciesSchema', () => {
    it.each([
      ['a name that reads as a Slack user id', [{ name: 'u0approver1' }]],
      ['a name with spaces or mark-up', [{ name: 'agent <!channel>' }]],
      ['a token that is not a SHA-256 hash', [{ name: 'agent-x', tokenSha256: ['plain-token'] }]],
      ['two agents with one name', [{ name: 'agent-x' }, { name: 'agent-x' }]],
      ['an unknown field', [{ name: 'agent-x', token: 'plain' }]],
    ])('refuses %s', (_, value) => {
      expect(AgentPoliciesSchema.safeParse(value).success).toBe(false);
    });
  });
});

describe('Function: agentNamedIn', () => {
  const agents = [{ name: 'agent-ops' }, { name: 'deploy-bot' }];

  it.each(['agent-ops', 'Agent-Ops (MCP)', 'agent_ops', 'ａｇｅｎｔ-ops', 'AGENTOPS', 'on behalf of agent-ops'])(
    'finds agent-ops in %p',
    (requestedBy) => {
      expect(agentNamedIn(agents, requestedBy)).toBe('agent-ops');
    },
  );

  it.each([undefined, 'key-rotation-agent', 'U0APPROVER1', 'ops-agent'])('finds no agent in %p', (requestedBy) => {
    expect(agentNamedIn(agents, requestedBy)).toBeUndefined();
  });
});
