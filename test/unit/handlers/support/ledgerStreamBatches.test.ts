import { incidentIdOf, ledgerEntryOf } from '../../../../src/handlers/support/ledgerStreamBatches';
import { StreamRecordInvalidError } from '../../../../src/errors';
import { streamRecord } from '../../../support/ledgerStreamRecords';

describe('Module: ledgerStreamBatches (parsing)', () => {
  it('reads the incident id from an incident item key, and nothing from other items', () => {
    // Prepare
    const incident = streamRecord('MODIFY', { pk: { S: 'INC#INC-7' }, sk: { S: 'META' } }, undefined);
    const counter = streamRecord('MODIFY', { pk: { S: 'COUNT#x' }, sk: { S: 'COUNT' } }, undefined);
    const bare = streamRecord('MODIFY', { pk: { S: 'INC#' }, sk: { S: 'META' } }, undefined);

    // Act
    const ids = [incident, counter, bare].map(incidentIdOf);

    // Assess
    expect(ids).toEqual(['INC-7', undefined, undefined]);
  });

  it('refuses a record without string keys (a poison record)', () => {
    // Prepare
    const keyless = streamRecord('MODIFY', {}, {});

    // Act
    const read = () => incidentIdOf(keyless);

    // Assess
    expect(read).toThrow(StreamRecordInvalidError);
  });

  it("reads a ledger item's entry from its exact JSON, and refuses an image without one", () => {
    // Prepare
    const keys = { incidentId: { S: 'INC-7' }, seq: { N: '1' } };
    const json = JSON.stringify({ incidentId: 'INC-7', seq: 1, hash: 'h', type: 'vote' });
    const good = streamRecord('INSERT', keys, { entry: { S: json } });
    const bad = [
      streamRecord('INSERT', keys, {}),
      streamRecord('INSERT', keys, { entry: { S: '{"broken"' } }),
      streamRecord('INSERT', keys, { entry: { S: '{"seq":1}' } }),
    ];

    // Act
    const entry = ledgerEntryOf(good);

    // Assess
    expect(entry).toEqual(JSON.parse(json));
    for (const r of bad) expect(() => ledgerEntryOf(r)).toThrow(StreamRecordInvalidError);
  });
});
