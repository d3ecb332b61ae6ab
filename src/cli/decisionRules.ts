import { LedgerEntryType, type LedgerEntry } from '../domain/ledger';
import { printable } from './verifyLedgerFile';

/** What a decision entry says of its rule when it names none (written before rules were recorded). */
const UNRECORDED = 'rule not recorded';

/**
 * Which rule decided each decision in a verified ledger: the `rule` its
 * `decision` entry names (with the approvals it needed, where it says), else
 * the one its incident's `incident_received` entry was signed with. Counted
 * per rule, in order of first appearance, so an auditor can see, for example,
 * that every critical approval was decided under the two-person rule.
 */
export function decisionsByRule(entries: readonly LedgerEntry[]): Map<string, number> {
  const received = new Map<string, string>();
  const counts = new Map<string, number>();
  for (const e of entries) {
    const rule = typeof e.rule === 'string' ? e.rule : undefined;
    if (e.type === LedgerEntryType.IncidentReceived && rule !== undefined) received.set(e.incidentId, rule);
    if (e.type !== LedgerEntryType.Decision) continue;
    const needed = typeof e.approvalsNeeded === 'number' ? ` (${e.approvalsNeeded} needed)` : '';
    const key = rule !== undefined ? `${rule}${needed}` : (received.get(e.incidentId) ?? UNRECORDED);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** The CLI's line for {@link decisionsByRule}, e.g. `decisions by rule: default:critical (2 needed) 3, …`. */
export function decisionRulesLine(entries: readonly LedgerEntry[]): string {
  const counts = decisionsByRule(entries);
  if (counts.size === 0) return 'decisions by rule: none in this ledger';
  const parts = [...counts].map(([rule, n]) => `${printable(rule, 120)} ${n}`);
  return `decisions by rule: ${parts.join(', ')}`;
}
