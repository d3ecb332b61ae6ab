import { MAX_JSON_DEPTH, nestedDeeperThan, storableProblem } from '../../../src/domain/storableJson';

/** `levels` objects nested one in another, holding `leaf`. */
function nested(levels: number, leaf: unknown = 'x'): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
}

describe('Function: storableProblem', () => {
  it('accepts what every store keeps exactly', () => {
    // Assess
    expect(
      storableProblem({ amount: Number.MAX_SAFE_INTEGER, small: 0.000001, neg: -42, list: [1, 'two', null, true] }),
    ).toBeUndefined();
    expect(storableProblem(nested(MAX_JSON_DEPTH))).toBeUndefined();
  });

  it.each([
    ['an integer above 2^53', { parameters: { n: 2 ** 53 + 2 } }, /parameters\.n: number .* beyond/],
    ['a huge amount', { amount_usd: 1.2e19 }, /amount_usd: number 12000000000000000000 is beyond/],
    ['a negative huge number', { list: [-1e300] }, /list\.\[0\]: number/],
    ['a number too near zero', { x: 1e-200 }, /x: number 1e-200 is too near zero/],
    ['nesting past the bound', { parameters: nested(30) }, /nested deeper than 16 levels/],
    ['a __proto__ key', JSON.parse('{"parameters":{"__proto__":{"scope":"ALL_USERS_IN_ORG"}}}'), /__proto__/],
    ['a constructor key', { parameters: { constructor: 'x' } }, /parameters\.constructor: a key named "constructor"/],
    ['a prototype key deep down', { a: [{ prototype: 1 }] }, /"prototype"/],
  ])('refuses %s, naming where', (_what, value, reason) => {
    // Assess
    expect(storableProblem(value)).toMatch(reason);
  });
});

describe('Function: nestedDeeperThan', () => {
  it('counts objects and arrays, not scalars, and survives a depth that would overflow a recursive walk', () => {
    // Prepare
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;

    // Assess
    expect(nestedDeeperThan('text', 0)).toBe(false);
    expect(nestedDeeperThan({ a: [1, 'x'] }, 2)).toBe(false);
    expect(nestedDeeperThan({ a: [1, { b: 2 }] }, 2)).toBe(true);
    expect(nestedDeeperThan(deep, 64)).toBe(true);
  });
});
