import { utcDays } from '../../../src/domain/utcDays';

describe('Function: utcDays', () => {
  it('lists every UTC day from the first to the last, both included, across a month end', () => {
    expect(utcDays(new Date('2026-11-29T23:30:00Z'), new Date('2026-12-02T00:10:00Z'))).toEqual([
      '2026-11-29',
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
    ]);
  });

  it('gives one day when both instants fall on it', () => {
    expect(utcDays(new Date('2026-11-23T01:00:00Z'), new Date('2026-11-23T22:00:00Z'))).toEqual(['2026-11-23']);
  });
});
