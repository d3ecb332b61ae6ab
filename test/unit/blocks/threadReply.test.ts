import { limitViolations } from '../../../src/blocks/limits';
import { buildActionOutcomeReply, buildRepeatReply } from '../../../src/blocks/threadReply';
import { buildWafRecord, textsOf } from './fixtures';

describe('Function: buildRepeatReply', () => {
  it('says the pattern repeated, how often, and which source', () => {
    // Act
    const reply = buildRepeatReply(buildWafRecord(), 4, [
      { incidentId: 'INC-W4F0000009', ident: '203.0.113.7 POST /api/login?<!channel>' },
    ]);

    // Assess
    expect(reply.text).toBe('Same pattern seen 4 times: INC-W4F0000001 203.0.113.7 POST /api/login');
    expect(textsOf(reply).join('\n')).toContain('🔁 Same pattern seen 4 times');
    expect(textsOf(reply).join('\n')).toContain('INC-W4F0000009 · 203.0.113.7 POST /api/login?&lt;!channel&gt;');
    expect(limitViolations(reply)).toEqual([]);
  });
});

describe('Function: buildActionOutcomeReply', () => {
  it('reports an executed action', () => {
    // Act
    const reply = buildActionOutcomeReply({
      operation: 'execute',
      status: 'executed',
      type: 'block_ip',
      target: '203.0.113.7',
      dryRun: false,
      at: '2026-11-23T13:10:00.000Z',
    });

    // Assess
    expect(reply.text).toBe('Action block_ip on 203.0.113.7 done');
    expect(textsOf(reply).join('\n')).toContain('at 2026-11-23 13:10 UTC');
  });

  it('says a dry run changed nothing', () => {
    // Act
    const reply = buildActionOutcomeReply({
      operation: 'rollback',
      status: 'skipped',
      type: 'pause_pool',
      dryRun: true,
      at: '2026-11-23T13:10:00.000Z',
    });

    // Assess
    expect(reply.text).toBe('Rollback pause_pool skipped (DRY RUN: nothing was changed)');
  });

  it('escapes and bounds the detail of a failure', () => {
    // Act
    const reply = buildActionOutcomeReply({
      operation: 'contain',
      status: 'failed',
      dryRun: false,
      at: '2026-11-23T13:10:00.000Z',
      detail: `<!channel> ${'e'.repeat(5000)}`,
    });

    // Assess
    const text = textsOf(reply).join('\n');
    expect(text).toContain('❌ *Containment failed*');
    expect(text).toContain('&lt;!channel&gt;');
    expect(limitViolations(reply)).toEqual([]);
  });
});
