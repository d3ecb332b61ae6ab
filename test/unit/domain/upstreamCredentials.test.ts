import {
  credentialStrings,
  REDACTED,
  redactJson,
  redactText,
  UPSTREAM_SECRET_NAME,
  upstreamHeaders,
} from '../../../src/domain/upstreamCredentials';

describe('Function: upstreamHeaders', () => {
  it('answers the headers with names in lower case', () => {
    // Act
    const read = upstreamHeaders(JSON.stringify({ headers: { Authorization: 'Bearer abc', 'X-Api-Key': 'k' } }));

    // Assess
    expect(read).toEqual({ headers: { authorization: 'Bearer abc', 'x-api-key': 'k' } });
  });

  it('answers each value as it is sent, without surrounding whitespace (then it is redacted as the upstream got it)', () => {
    // Act
    const read = upstreamHeaders(JSON.stringify({ headers: { 'X-Api-Key': '  k3y-789 \n' } }));

    // Assess
    expect(read).toEqual({ headers: { 'x-api-key': 'k3y-789' } });
    expect(credentialStrings((read as { headers: Record<string, string> }).headers)).toEqual(['k3y-789']);
  });

  it.each([
    ['a value of spaces only', JSON.stringify({ headers: { 'x-api-key': '   ' } }), 'visible ASCII'],
    ['not JSON (and the parser would quote it)', 'Bearer hunter2', 'not JSON'],
    ['no headers object', JSON.stringify({ token: 'hunter2' }), 'not JSON {"headers"'],
    ['a value that is not a string', JSON.stringify({ headers: { authorization: 42 } }), 'not JSON {"headers"'],
    ['no header at all', JSON.stringify({ headers: {} }), '1 to 10 headers'],
    [
      'eleven headers',
      JSON.stringify({ headers: Object.fromEntries([...Array(11)].map((_, i) => [`x-${i}`, 'v'])) }),
      '1 to 10 headers',
    ],
    ['a name that is not a token', JSON.stringify({ headers: { 'x key': 'hunter2' } }), 'not an HTTP token'],
    ['the protocol’s session header', JSON.stringify({ headers: { 'Mcp-Session-Id': 'hunter2' } }), 'protocol'],
    ['a Host header', JSON.stringify({ headers: { Host: 'evil.example.com' } }), 'protocol'],
    ['a proxy header', JSON.stringify({ headers: { 'Proxy-Authorization': 'hunter2' } }), 'protocol'],
    [
      'a line break in a value',
      JSON.stringify({ headers: { authorization: 'a\r\nx-admin: hunter2' } }),
      'visible ASCII',
    ],
    ['a non-ASCII value', JSON.stringify({ headers: { authorization: 'Bearer hunter2é' } }), 'visible ASCII'],
    [
      'one name twice in two cases',
      JSON.stringify({ headers: { authorization: 'a', Authorization: 'hunter2' } }),
      'set twice',
    ],
  ])('refuses %s, saying why without quoting a value', (_name, secret, why) => {
    // Act
    const read = upstreamHeaders(secret);

    // Assess
    expect(read).toEqual({ problem: expect.stringContaining(why) });
    expect(JSON.stringify(read)).not.toContain('hunter2');
  });
});

describe('Constant: UPSTREAM_SECRET_NAME', () => {
  it.each([
    ['chainsec/prod/mcp-upstreams/github', true],
    ['chainsec/prod/mcp-upstreams/team/github', true],
    ['chainsec/prod/slack', false],
    ['arn:aws:secretsmanager:us-east-1:111111111111:secret:chainsec/prod/mcp-upstreams/x', false],
    ['chainsec/prod/mcp-upstreams/', false],
  ])('%s: %s', (name, ok) => {
    expect(UPSTREAM_SECRET_NAME.test(name)).toBe(ok);
  });
});

describe('Function: credentialStrings, redactText, redactJson', () => {
  const secrets = credentialStrings({ authorization: 'Bearer tok-123456789', 'x-api-key': 'key-abcdefgh' });

  it('takes each value and each long part of a value, longest first', () => {
    expect(secrets).toEqual(['Bearer%20tok-123456789', 'Bearer tok-123456789', 'tok-123456789', 'key-abcdefgh']);
  });

  it('takes a value as a URL carries it too (percent-encoded)', () => {
    // Act
    const strings = credentialStrings({ 'x-api-key': 'k3y+8/9abc==' });
    const text = redactText('GET https://api.example.com/v1?api_key=k3y%2B8%2F9abc%3D%3D failed', strings);

    // Assess
    expect(strings).toEqual(['k3y%2B8%2F9abc%3D%3D', 'k3y+8/9abc==']);
    expect(text).toBe(`GET https://api.example.com/v1?api_key=${REDACTED} failed`);
  });

  it('takes every occurrence out of a text', () => {
    // Act
    const text = redactText('got Authorization: Bearer tok-123456789, and tok-123456789 again', secrets);

    // Assess
    expect(text).toBe(`got Authorization: ${REDACTED}, and ${REDACTED} again`);
  });

  it('takes them out of every string of a JSON value, keys too, and leaves a clean value as it is', () => {
    // Prepare
    const clean = { content: [{ type: 'text', text: 'hello' }] };
    const quoting = {
      content: [{ type: 'text', text: 'headers: {"x-api-key":"key-abcdefgh"}' }],
      key_abcdefgh: 1,
      'key-abcdefgh': 2,
    };

    // Act
    const kept = redactJson(clean, secrets);
    const redacted = redactJson(quoting, secrets);

    // Assess
    expect(kept).toBe(clean);
    expect(JSON.stringify(redacted)).not.toContain('key-abcdefgh');
    expect(redacted.content[0]?.text).toBe(`headers: {"x-api-key":"${REDACTED}"}`);
  });
});
