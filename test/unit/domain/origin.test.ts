import { expiryMayRollBack, Origin, originOf, recordOrigin, refusedFrom } from '../../../src/domain/origin';
import type { Incident } from '../../../src/domain/incident';

const finding = { kind: 'finding' } as Incident;
const onchain = { kind: 'onchain' } as unknown as Incident;

describe('Module: origin', () => {
  describe('Function: originOf', () => {
    it.each([
      ['own_workflow', 'approval_request', finding, Origin.Detector],
      ['own_workflow', 'approval_request', onchain, Origin.Workflow],
      ['own_workflow', 'notification', onchain, Origin.Workflow],
      ['detector_rule', 'notification', finding, Origin.Detector],
      ['public', 'approval_request', finding, Origin.ForeignWorkflow],
      ['public', 'notification', onchain, Origin.Agent],
      ['mcp_agent', 'approval_request', onchain, Origin.McpAgent],
    ] as const)('%s %s about %o is %s', (delivery, kind, incident, expected) => {
      expect(originOf(delivery, { kind }, incident)).toBe(expected);
    });
  });

  describe('Function: recordOrigin', () => {
    it('reads a record written before origins as the least trusted of its kind', () => {
      expect(recordOrigin({ kind: 'approval' })).toBe(Origin.ForeignWorkflow);
      expect(recordOrigin({ kind: 'notification' })).toBe(Origin.Agent);
      expect(recordOrigin({ kind: 'approval', origin: Origin.Workflow })).toBe(Origin.Workflow);
    });
  });

  describe('Function: expiryMayRollBack', () => {
    const containment = { type: 'pause', target: 'x', reversible: true, at: '', status: 'executed' as const };
    it("only a containment the stack's own workflow recorded, with its digest", () => {
      const digest = 'ab'.repeat(32);
      expect(expiryMayRollBack({ kind: 'approval', origin: 'workflow', containment, containmentDigest: digest })).toBe(
        true,
      );
      expect(expiryMayRollBack({ kind: 'approval', origin: 'detector', containment, containmentDigest: digest })).toBe(
        true,
      );
      expect(
        expiryMayRollBack({ kind: 'approval', origin: 'foreign_workflow', containment, containmentDigest: digest }),
      ).toBe(false);
      expect(expiryMayRollBack({ kind: 'approval', containment, containmentDigest: digest })).toBe(false);
      expect(expiryMayRollBack({ kind: 'approval', origin: 'workflow', containment })).toBe(false);
      expect(expiryMayRollBack({ kind: 'approval', origin: 'workflow' })).toBe(false);
    });
  });

  describe('Function: refusedFrom', () => {
    it("refuses a finding from anyone but the stack's own rules and workflow", () => {
      const message = { kind: 'notification' as const, incident: { kind: 'finding' } };
      expect(refusedFrom('public', message)).toMatch(/accepted only from the stack's own rules/);
      expect(refusedFrom('own_workflow', message)).toBeUndefined();
      expect(refusedFrom('detector_rule', message)).toBeUndefined();
      expect(refusedFrom('public', { kind: 'notification', incident: { tx_hash: '0x1' } })).toBeUndefined();
    });
  });
});
