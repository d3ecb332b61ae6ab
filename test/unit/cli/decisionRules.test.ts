import { decisionRulesLine, decisionsByRule } from '../../../src/cli/decisionRules';
import type { LedgerEntry } from '../../../src/domain/ledger';

const entry = (incidentId: string, type: string, extra: Record<string, unknown> = {}) =>
  ({ incidentId, type, seq: 1, actor: 'x', at: '2026-01-01T00:00:00Z', ...extra }) as unknown as LedgerEntry;

describe('Function: decisionsByRule', () => {
  it("counts decisions by the rule their entry names, else their incident's, else says it is not recorded", () => {
    // Prepare
    const entries = [
      entry('INC-A', 'incident_received', { rule: 'default:critical' }),
      entry('INC-A', 'decision', { rule: 'default:critical', approvalsNeeded: 2 }),
      entry('INC-B', 'incident_received', { rule: 'route:crit:critical' }),
      entry('INC-B', 'decision'),
      entry('INC-C', 'decision'),
      entry('INC-D', 'decision', { rule: 'default:critical', approvalsNeeded: 2 }),
    ];

    // Act
    const counts = decisionsByRule(entries);

    // Assess
    expect([...counts]).toEqual([
      ['default:critical (2 needed)', 2],
      ['route:crit:critical', 1],
      ['rule not recorded', 1],
    ]);
    expect(decisionRulesLine([])).toBe('decisions by rule: none in this ledger');
    expect(decisionRulesLine([entry('INC-E', 'decision', { rule: 'x\u001b[31m' })])).toBe(
      'decisions by rule: x\\u001b[31m 1',
    );
  });
});
