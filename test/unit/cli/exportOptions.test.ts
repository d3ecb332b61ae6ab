import { exportOptions } from '../../../src/cli/exportOptions';

const ENV = {
  INCIDENTS_TABLE: 'chainsec-incidents',
  LEDGER_TABLE: 'chainsec-ledger',
  SIGNING_KEY_ID: 'alias/chainsec',
};

describe('Function: exportOptions', () => {
  it('takes the tables and the key from the environment, flags first', () => {
    // Act
    const o = exportOptions({ out: 'x.jsonl', 'ledger-table': 'other-ledger' }, ENV);

    // Assess
    expect(o).toEqual({
      out: 'x.jsonl',
      incidentsTable: 'chainsec-incidents',
      ledgerTable: 'other-ledger',
      keyId: 'alias/chainsec',
      incidentId: undefined,
      since: undefined,
    });
  });

  it('names every missing option, flag and variable', () => {
    // Act / Assess
    expect(() => exportOptions({}, {})).toThrow(
      'missing --out FILE, --incidents-table (or INCIDENTS_TABLE), --ledger-table (or LEDGER_TABLE), ' +
        '--key-id (or SIGNING_KEY_ID)',
    );
  });

  it('refuses a --since that is not ISO-8601, with a coded error', () => {
    // Act / Assess
    expect(() => exportOptions({ out: 'x', since: 'yesterday' }, ENV)).toThrow(
      expect.objectContaining({ code: 'chainsec_config_invalid', message: '--since is not ISO-8601' }),
    );
  });
});
