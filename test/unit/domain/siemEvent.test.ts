import type { LedgerEntry } from '../../../src/domain/ledger';
import {
  LEDGER_EVENT_DETAIL_TYPE,
  LEDGER_EVENT_SOURCE,
  MAX_DETAIL_BYTES,
  ledgerEventDetail,
  ocsfDecision,
} from '../../../src/domain/siemEvent';

const base = {
  incidentId: 'INC-1',
  seq: 4,
  actor: 'U1',
  at: '2026-12-01T10:00:00.000Z',
  prevHash: 'a'.repeat(64),
  keyId: 'arn:aws:kms:us-east-1:000000000000:key/k',
  hash: 'b'.repeat(64),
  signature: 'c2ln',
};
const decision = {
  ...base,
  type: 'decision',
  decision: 'deny',
  decidedBy: ['U1', 'U2'],
  tier: 'critical',
} as LedgerEntry;
const vote = { ...base, type: 'vote', choice: 'approve' } as unknown as LedgerEntry;

describe('Module: siemEvent', () => {
  it('names the source and detail-type a rule matches', () => {
    // Prepare
    const expected = { source: 'chainsec.ledger', detailType: 'chainsec Ledger Entry' };

    // Act
    const actual = { source: LEDGER_EVENT_SOURCE, detailType: LEDGER_EVENT_DETAIL_TYPE };

    // Assess
    expect(actual).toEqual(expected);
  });

  it('carries every entry as signed, and an OCSF rendering for decisions only', () => {
    // Prepare
    const entries = [decision, vote];

    // Act
    const [d, v] = entries.map((e) => ledgerEventDetail(e));

    // Assess
    expect(d!.entry).toEqual(decision);
    expect(d!.ocsf?.class_uid).toBe(2005);
    expect(v).toEqual({ entry: vote });
  });

  it('renders a decision as an OCSF Incident Finding update, mapping only what fits', () => {
    // Prepare
    const entry = decision;

    // Act
    const ocsf = ocsfDecision(entry);

    // Assess
    expect(ocsf).toMatchObject({
      category_uid: 2,
      class_uid: 2005,
      class_name: 'Incident Finding',
      activity_id: 2,
      type_uid: 200502,
      time: Date.parse(entry.at),
      severity_id: 5,
      severity: 'Critical',
      status_id: 99,
      status: 'deny',
      finding_info_list: [{ uid: 'INC-1', title: 'chainsec incident INC-1' }],
      metadata: { uid: entry.hash, correlation_uid: 'INC-1', sequence: 4, product: { name: 'chainsec' } },
      unmapped: { decided_by: ['U1', 'U2'], tier: 'critical', actor: 'U1', ledger_seq: 4 },
    });
    expect(ocsfDecision({ ...entry, tier: 'weird' }).severity_id).toBe(0);
  });

  it('bounds the detail: an oversized entry becomes its identifying fields, with its size', () => {
    // Prepare
    const huge = { ...decision, note: 'x'.repeat(MAX_DETAIL_BYTES) } as LedgerEntry;

    // Act
    const detail = ledgerEventDetail(huge);

    // Assess
    expect(Buffer.byteLength(JSON.stringify(detail))).toBeLessThan(MAX_DETAIL_BYTES);
    expect(detail.truncated?.bytes).toBeGreaterThan(MAX_DETAIL_BYTES);
    expect(detail.entry).toEqual({ type: 'decision', ...base });
    expect(detail.ocsf?.status).toBe('deny');
  });
});
