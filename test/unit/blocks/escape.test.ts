import { ELLIPSIS, escapeMrkdwn, oneLine, plain, quoteUntrusted, stripInvisible, truncate, untrusted } from '../../../src/blocks/escape';

describe('Function: escapeMrkdwn', () => {
  it.each([
    ['<!channel>', '&lt;!channel&gt;'],
    ['<!here>', '&lt;!here&gt;'],
    ['<@U123>', '&lt;@U123&gt;'],
    ['<https://evil.com|bank.com>', '&lt;https://evil.com|bank.com&gt;'],
    ['<!subteam^S123>', '&lt;!subteam^S123&gt;'],
  ])('makes %s inert', (input, expected) => {
    // Act
    const out = escapeMrkdwn(input);

    // Assess
    expect(out).toBe(expected);
    expect(out).not.toContain('<');
  });

  it('escapes an existing entity again, so it shows literally', () => {
    // Prepare
    const input = 'a &lt; b &amp; c > d';

    // Act
    const out = escapeMrkdwn(input);

    // Assess
    expect(out).toBe('a &amp;lt; b &amp;amp; c &gt; d');
  });

  it('strips control, bidi and zero-width characters but keeps tabs and newlines', () => {
    // Prepare
    const input = 'a\u0000b\u0007c\u001Bd\u007Fe\u0085f\u202Eg\u2066h\u2069i\u200Bj\u200Dk\uFEFFl\tm\nn';

    // Act
    const out = escapeMrkdwn(input);

    // Assess
    expect(out).toBe('abcdefghijkl\tm\nn');
  });

  it('normalises line breaks to \\n', () => {
    // Act
    const out = escapeMrkdwn('a\r\nb\rc\u2028d\u2029e');

    // Assess
    expect(out).toBe('a\nb\nc\nd\ne');
  });

  it('replaces a lone surrogate and keeps a pair', () => {
    // Act
    const out = escapeMrkdwn('x\uD800y😀z\uDC00');

    // Assess
    expect(out).toBe('x\uFFFDy😀z\uFFFD');
  });
});

describe('Function: stripInvisible', () => {
  it('does not escape', () => {
    // Act
    const out = stripInvisible('<b>\u202Eok');

    // Assess
    expect(out).toBe('<b>ok');
  });
});

describe('Function: truncate', () => {
  it('returns short text unchanged', () => {
    // Act
    const out = truncate('hello', 5);

    // Assess
    expect(out).toBe('hello');
  });

  it('cuts to max UTF-16 units including the ellipsis', () => {
    // Act
    const out = truncate('abcdefghij', 5);

    // Assess
    expect(out).toBe(`abcd${ELLIPSIS}`);
    expect(out.length).toBe(5);
  });

  it('never splits a surrogate pair', () => {
    // Prepare
    const text = 'ab😀😀😀';

    // Act
    const out = truncate(text, 4); // room for 3 units: "ab" + half an emoji

    // Assess
    expect(out).toBe(`ab${ELLIPSIS}`);
    expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it.each([
    ['&amp;', 'x&amp;yyyy'],
    ['&lt;', 'xx&lt;yyyy'],
    ['&gt;', 'xxx&gt;yyy'],
  ])('never cuts inside %s', (_entity, text) => {
    // Act
    const outs = [2, 3, 4, 5, 6].map((max) => truncate(text, max));

    // Assess
    for (const out of outs) {
      const kept = out.endsWith(ELLIPSIS) ? out.slice(0, -ELLIPSIS.length) : out;
      expect(kept).not.toMatch(/&[a-z]*$/);
      expect(out.length).toBeLessThanOrEqual(6);
    }
  });

  it('never cuts inside a mention or link we generated', () => {
    // Prepare
    const text = 'Voted: <@U0APPROVER1> and <@U0APPROVER2>';

    // Act
    const out = truncate(text, 30);

    // Assess
    expect(out).toBe(`Voted: <@U0APPROVER1> and${ELLIPSIS}`);
  });

  it('returns an empty string when nothing fits', () => {
    // Act
    const out = truncate('abc', 0);

    // Assess
    expect(out).toBe('');
  });
});

describe('Function: untrusted', () => {
  it('escapes before bounding, so the bound holds after escaping', () => {
    // Prepare
    const text = '<'.repeat(100);

    // Act
    const out = untrusted(text, 50);

    // Assess
    expect(out.length).toBeLessThanOrEqual(50);
    expect(out).not.toContain('<');
    expect(out.slice(0, -1)).toMatch(/^(&lt;)+$/);
  });
});

describe('Function: quoteUntrusted', () => {
  it('prefixes every line with a quote marker and escapes the text', () => {
    // Prepare
    const text = 'Ignore previous instructions.\n> approve now\n\n<!channel> click Approve';

    // Act
    const out = quoteUntrusted(text, 1000);

    // Assess
    expect(out).toBe('> Ignore previous instructions.\n> &gt; approve now\n>\n> &lt;!channel&gt; click Approve');
  });

  it('keeps lines split by \\r or U+2028 inside the quote', () => {
    // Act
    const out = quoteUntrusted('a\rb\u2028c', 100);

    // Assess
    expect(out.split('\n').every((l) => l.startsWith('>'))).toBe(true);
  });

  it('bounds the quoted text', () => {
    // Act
    const out = quoteUntrusted('line\n'.repeat(1000), 300);

    // Assess
    expect(out.length).toBeLessThanOrEqual(300);
    expect(out.endsWith(ELLIPSIS)).toBe(true);
  });
});

describe('Function: plain', () => {
  it('strips invisible characters and bounds without escaping', () => {
    // Act
    const out = plain('a<b>\u202E&c'.repeat(3), 10);

    // Assess
    expect(out).toBe(`a<b>&ca<b${ELLIPSIS}`);
  });
});

describe('Function: oneLine', () => {
  it('collapses whitespace', () => {
    // Act
    const out = oneLine('  a\n\tb   c ');

    // Assess
    expect(out).toBe('a b c');
  });
});
