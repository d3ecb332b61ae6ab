import { parseStrictJson } from '../../../src/domain/strictJson';

describe('Function: parseStrictJson', () => {
  it.each([
    ['equal keys in two objects of an array', '[{"a":1},{"a":2}]', [{ a: 1 }, { a: 2 }]],
    ['a key equal to its parent key', '{"a":{"a":1}}', { a: { a: 1 } }],
    ['a key again after a nested object closes', '{"b":{"a":1},"a":2}', { b: { a: 1 }, a: 2 }],
    ['braces, quotes and commas inside strings', '{"a":"}{\\"a\\":,","b":"\\\\"}', { a: '}{"a":,', b: '\\' }],
    ['a string value equal to a key', '{"a":"a","b":"a"}', { a: 'a', b: 'a' }],
  ])('accepts %s', (_what, text, value) => {
    // Act
    const result = parseStrictJson(text);

    // Assess
    expect(result).toEqual({ ok: true, value });
  });

  it.each([
    ['a repeated key', '{"a":1,"a":2}', 'duplicate key "a"'],
    ['a key repeated through an escape', '{"a":1,"\\u0061":2}', 'duplicate key "a"'],
    ['a repeated key deep inside arrays and objects', '{"x":[1,{"y":{"z":1,"z":1}}]}', 'duplicate key "x"."y"."z"'],
    ['a repeated key after a string holding an escaped quote', '{"a":"\\"","a":2}', 'duplicate key "a"'],
    [
      'a __proto__ key',
      '{"b":{"__proto__":{"admin":true}}}',
      'key "b"."__proto__" (JavaScript readers disagree on what it means)',
    ],
    [
      'a __proto__ key spelt with an escape',
      '{"__pro\\u0074o__":1}',
      'key "__proto__" (JavaScript readers disagree on what it means)',
    ],
  ])('refuses %s, naming its path', (_what, text, reason) => {
    // Act
    const result = parseStrictJson(text);

    // Assess
    expect(result).toEqual({ ok: false, reason });
  });

  it("refuses text that is not JSON, with the parser's message", () => {
    // Act
    const result = parseStrictJson('{"a":1} x');

    // Assess
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/^not valid JSON \(/) });
  });
});
