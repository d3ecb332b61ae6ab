import {
  argumentsDigest,
  DEFAULT_RULE,
  decideToolCall,
  mayBeHeld,
  proxiedName,
  splitProxiedName,
  UpstreamsSchema,
} from '../../../src/domain/toolPolicy';

describe('Module: domain/toolPolicy', () => {
  const [files] = UpstreamsSchema.parse([
    {
      name: 'files',
      url: 'https://files.example.com/mcp',
      rules: [
        { id: 'read-tmp', tool: 'read_file', arguments: { path: '/tmp/[^/]+' }, decision: 'allow' },
        { tool: 'read_file', decision: 'approve', tier: 'high' },
        { tool: 'delete_*', decision: 'approve', tier: 'critical' },
        { id: 'no-env', tool: 'get_env', decision: 'refuse' },
        { tool: 'count', arguments: { n: '[0-9]{1,3}' }, decision: 'allow' },
      ],
    },
  ]);

  describe('Function: decideToolCall', () => {
    it('lets the first matching rule decide, tool and every listed argument alike', () => {
      // Act & Assess
      expect(decideToolCall(files!, 'read_file', { path: '/tmp/a.txt' })).toEqual({
        decision: 'allow',
        rule: 'read-tmp',
      });
      expect(decideToolCall(files!, 'read_file', { path: '/etc/passwd' })).toEqual({
        decision: 'approve',
        tier: 'high',
        rule: 'files#2',
      });
      expect(decideToolCall(files!, 'delete_repo', {})).toEqual({
        decision: 'approve',
        tier: 'critical',
        rule: 'files#3',
      });
      expect(decideToolCall(files!, 'get_env', {})).toEqual({ decision: 'refuse', rule: 'no-env' });
      expect(decideToolCall(files!, 'count', { n: 12 })).toEqual({ decision: 'allow', rule: 'files#5' });
    });

    it('matches an argument pattern whole, and never an object, an array or a missing argument', () => {
      // Act & Assess: a path that only starts like an allowed one is not allowed
      expect(decideToolCall(files!, 'read_file', { path: '/tmp/a/../../etc/passwd' }).decision).toBe('approve');
      expect(decideToolCall(files!, 'read_file', { path: ['/tmp/a'] }).decision).toBe('approve');
      expect(decideToolCall(files!, 'read_file', {}).decision).toBe('approve');
      expect(decideToolCall(files!, 'count', { n: '1234' }).decision).toBe('refuse');
      expect(decideToolCall(files!, 'count', { n: { toString: '1' } }).decision).toBe('refuse');
    });

    it('refuses by default, and a lookalike of an allowed name matches nothing', () => {
      // Act & Assess
      expect(decideToolCall(files!, 'write_file', {})).toEqual({ decision: 'refuse', rule: DEFAULT_RULE });
      expect(decideToolCall(files!, 'Read_File', { path: '/tmp/a' }).rule).toBe(DEFAULT_RULE);
      // Cyrillic "е" (U+0435), a zero-width joiner, a fullwidth low line
      expect(decideToolCall(files!, 'r\u0435ad_file', { path: '/tmp/a' }).rule).toBe(DEFAULT_RULE);
      expect(decideToolCall(files!, 'read\u200d_file', { path: '/tmp/a' }).rule).toBe(DEFAULT_RULE);
      expect(decideToolCall(files!, 'read\uff3ffile', { path: '/tmp/a' }).rule).toBe(DEFAULT_RULE);
      expect(decideToolCall(files!, 'delete_\u0435', {}).rule).toBe(DEFAULT_RULE);
    });
  });

  describe('Function: mayBeHeld', () => {
    it('says a tool can be held when some approve rule names it, exactly or by prefix, and only then', () => {
      // Act & Assess
      expect(mayBeHeld(files!, 'read_file')).toBe(true);
      expect(mayBeHeld(files!, 'delete_everything')).toBe(true);
      expect(mayBeHeld(files!, 'get_env')).toBe(false);
      expect(mayBeHeld(files!, 'count')).toBe(false);
      expect(mayBeHeld(files!, 'Read_file')).toBe(false);
    });
  });

  describe('Schema: UpstreamsSchema', () => {
    it('refuses an approve rule without a tier, a tier elsewhere, a bad pattern, a non-ASCII tool and duplicate names', () => {
      const up = (rules: unknown[], name = 'files') => ({ name, url: 'https://x.example.com/mcp', rules });
      // Act & Assess
      expect(UpstreamsSchema.safeParse([up([{ tool: 'a', decision: 'approve' }])]).success).toBe(false);
      expect(UpstreamsSchema.safeParse([up([{ tool: 'a', decision: 'allow', tier: 'high' }])]).success).toBe(false);
      expect(UpstreamsSchema.safeParse([up([{ tool: 'a', arguments: { x: '(' }, decision: 'allow' }])]).success).toBe(
        false,
      );
      expect(UpstreamsSchema.safeParse([up([{ tool: '\u0435cho', decision: 'allow' }])]).success).toBe(false);
      expect(UpstreamsSchema.safeParse([up([]), up([])]).success).toBe(false);
      expect(UpstreamsSchema.safeParse([up([], 'Files_x')]).success).toBe(false);
      expect(UpstreamsSchema.safeParse([{ name: 'f', url: 'file:///etc/passwd' }]).success).toBe(false);
    });
  });

  describe('Function: splitProxiedName', () => {
    it('splits <server>__<tool> at the first separator, and knows only configured servers', () => {
      // Act & Assess
      expect(proxiedName('files', 'read_file')).toBe('files__read_file');
      expect(splitProxiedName([files!], 'files__read__file')).toMatchObject({ tool: 'read__file' });
      expect(splitProxiedName([files!], 'Files__read_file')).toBeUndefined();
      expect(splitProxiedName([files!], 'other__read_file')).toBeUndefined();
      expect(splitProxiedName([files!], 'request_approval')).toBeUndefined();
    });
  });

  describe('Function: argumentsDigest', () => {
    it('does not depend on key order', () => {
      // Act & Assess
      expect(argumentsDigest({ a: 1, b: 'x' })).toBe(argumentsDigest({ b: 'x', a: 1 }));
      expect(argumentsDigest({ a: 1 })).not.toBe(argumentsDigest({ a: 2 }));
    });
  });
});
