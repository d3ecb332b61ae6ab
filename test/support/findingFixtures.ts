import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Real detector findings kept under test/fixtures/findings (their sources: that folder's README). */
const DIR = path.resolve(__dirname, '../fixtures/findings');

type Json = Record<string, any>;

/** The GuardDuty findings of one `.jsonl` fixture, in file order. */
export function guardDutyFindings(file: string): Json[] {
  return readFileSync(path.join(DIR, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Json);
}

/** One whole-event fixture (Security Hub events are kept as EventBridge delivered them). */
export function fixtureEvent(file: string): Json {
  return JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) as Json;
}

/**
 * A GuardDuty finding as EventBridge delivers it (`detail` = the finding);
 * the envelope's account and region are the finding's unless given.
 */
export function guardDutyEvent(finding: Json, envelope: { account?: string; region?: string } = {}): Json {
  return {
    version: '0',
    id: `evt-${String(finding.id)}`,
    'detail-type': 'GuardDuty Finding',
    source: 'aws.guardduty',
    account: envelope.account ?? finding.accountId,
    time: finding.updatedAt ?? '2026-12-01T00:00:00Z',
    region: envelope.region ?? finding.region,
    resources: [],
    detail: finding,
  };
}

/** A deep copy, to change one fixture for one test without touching the others. */
export function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
