import { AgentPoliciesSchema, tokenSha256 } from '../../../src/domain/agents';
import { authenticate } from '../../../src/mcp/authenticate';

describe('Function: authenticate', () => {
  const agents = AgentPoliciesSchema.parse([
    {
      name: 'agent-ops',
      tokenSha256: [tokenSha256('ops-token')],
      principals: ['ops-client', 'arn:aws:iam::1:role/ops'],
    },
  ]);

  it('reads the bearer token when no authorizer stands in front', () => {
    expect(authenticate(agents, { authorization: 'Bearer ops-token' }, undefined)?.name).toBe('agent-ops');
    expect(authenticate(agents, { authorization: 'bearer ops-token' }, undefined)?.name).toBe('agent-ops');
    expect(authenticate(agents, { authorization: 'Basic ops-token' }, undefined)).toBeUndefined();
    expect(authenticate(agents, {}, undefined)).toBeUndefined();
  });

  it("trusts the JWT authorizer's client_id (or sub) and the IAM caller's ARN, and then ignores any bearer token", () => {
    expect(authenticate(agents, {}, { jwt: { claims: { client_id: 'ops-client' } } })?.name).toBe('agent-ops');
    expect(authenticate(agents, {}, { jwt: { claims: { sub: 'ops-client' } } })?.name).toBe('agent-ops');
    expect(authenticate(agents, {}, { iam: { userArn: 'arn:aws:iam::1:role/ops' } })?.name).toBe('agent-ops');
    expect(
      authenticate(agents, { authorization: 'Bearer ops-token' }, { jwt: { claims: { client_id: 'stranger' } } }),
    ).toBeUndefined();
  });
});
