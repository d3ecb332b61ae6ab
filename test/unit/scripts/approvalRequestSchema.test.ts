import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { ApprovalRequestSchema } from '../../../src/domain/messages';
import { APPROVAL_REQUEST_SCHEMA_PATH, approvalRequestJsonSchema } from '../../../scripts/approvalRequestSchema';

const ROOT = path.resolve(__dirname, '../../..');

describe('schemas/approval-request.schema.json', () => {
  /** The generated JSON Schema, compiled as a client in another language would use it. */
  const validate = new Ajv2020({ strict: false }).compile(JSON.parse(approvalRequestJsonSchema()));

  it('is exactly what the zod schema generates (run `npm run schemas` after changing it)', () => {
    const committed = readFileSync(path.join(ROOT, APPROVAL_REQUEST_SCHEMA_PATH), 'utf8');
    expect(committed).toBe(approvalRequestJsonSchema());
  });

  it('accepts a request the parser accepts and refuses one without a task token', () => {
    const request = {
      kind: 'approval_request',
      taskToken: 'token-1',
      tier: 'high',
      incident: {
        id: 'waf-1',
        timestamp: '2026-12-01T23:00:00Z',
        action: 'BLOCK',
        source_ip: '203.0.113.7',
        uri: '/login',
        http_method: 'POST',
        rule_name: 'SQLi',
        country: 'NL',
      },
      proposedAction: { type: 'deactivate_access_key', target: 'AKIAEXAMPLE', reversible: true },
    };
    expect(ApprovalRequestSchema.safeParse(request).success).toBe(true);
    const ok = validate(request);
    expect({ ok, errors: ok ? null : validate.errors }).toEqual({ ok: true, errors: null });
    const { taskToken: _dropped, ...withoutToken } = request;
    expect(validate(withoutToken)).toBe(false);
  });

  it('accepts a request with a title and context and no incident, and refuses one with neither incident nor title', () => {
    const request = {
      kind: 'approval_request',
      taskToken: 'token-2',
      tier: 'critical',
      title: 'Deactivate the CI key',
      context: { Account: '123456789012' },
      proposedAction: { type: 'deactivate_access_key', target: 'AKIA1', parameters: { user: 'ci' }, reversible: true },
    };
    expect(ApprovalRequestSchema.safeParse(request).success).toBe(true);
    expect(validate(request)).toBe(true);
    const { title: _dropped, ...untitled } = request;
    expect(ApprovalRequestSchema.safeParse(untitled).success).toBe(false);
    expect(validate(untitled)).toBe(false);
    const crowded = { ...request, context: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) };
    expect(ApprovalRequestSchema.safeParse(crowded).success).toBe(false);
    expect(validate(crowded)).toBe(false);
  });
});
