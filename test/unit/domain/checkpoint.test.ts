import { readHeads } from '../../../src/domain/checkpoint';

describe('Function: readHeads', () => {
  it('reads each chain head of a checkpoint or an anchor', () => {
    const heads = readHeads({ 'INC-A': { seq: 3, hash: 'h3' } }, 'checkpoint');
    expect(heads).toEqual(new Map([['INC-A', { seq: 3, hash: 'h3' }]]));
  });

  it.each([
    ['a fractional seq', { seq: 2.5, hash: 'h' }],
    ['a seq beyond the safe integers', { seq: 2 ** 53, hash: 'h' }],
    ['a seq as text', { seq: '3', hash: 'h' }],
    ['no hash', { seq: 3 }],
  ])('refuses a head with %s, in a checkpoint as in an anchor', (_, head) => {
    for (const what of ['checkpoint', 'anchor'])
      expect(readHeads({ 'INC-A': head }, what)).toEqual({ error: `${what} head of INC-A is malformed` });
  });

  it('refuses heads that are not an object', () => {
    expect(readHeads([], 'anchor')).toEqual({ error: 'anchor has no heads' });
  });
});
