import { keepFullText, longTextOf, resolveFullText, withPreview } from '../../../src/app/fullText';
import { normalizeIncident } from '../../../src/domain/incident';
import { fullTextDocument, PREVIEW_LIMITS, SHORTENED_MARK, type LongText } from '../../../src/domain/payloadBounds';
import type { FullTextStore } from '../../../src/services/FullTextStore';
import { InMemoryFullTextStore } from '../../support/fakes/InMemoryFullTextStore';
import { RecordingTelemetry } from '../../support/fakes/RecordingTelemetry';
import { onChainEvent, wafEvent } from '../domain/fixtures';

const at = new Date('2026-11-23T10:00:00Z');
const waf = normalizeIncident(wafEvent(4), 'high', at);
const onChain = normalizeIncident(onChainEvent(), 'high', at);
const long = (bytes: number) => 'x'.repeat(bytes + 1);

/** A store that fails every call, as DynamoDB does when it is down. */
const brokenStore: FullTextStore = {
  put: () => Promise.reject(new Error('table down')),
  get: () => Promise.reject(new Error('table down')),
};

describe('Function: longTextOf', () => {
  it("takes a WAF incident's analysis and follow-up along with the reasoning and evidence", () => {
    // Act
    const full = longTextOf(waf, 'why', ['e1']);

    // Assess
    expect(full).toEqual({
      reasoning: 'why',
      evidence: ['e1'],
      analysis: 'Looks like SQL injection.',
      followUp: 'Block the IP.',
    });
  });

  it('has no analysis or follow-up for an on-chain incident', () => {
    // Act
    const full = longTextOf(onChain, 'why', []);

    // Assess
    expect(full).toEqual({ reasoning: 'why', evidence: [] });
  });
});

describe('Function: withPreview', () => {
  it("puts the preview's analysis and follow-up on a WAF incident, and leaves the rest", () => {
    // Act
    const shown = withPreview(waf, { reasoning: '', evidence: [], analysis: 'short', followUp: 'also short' });

    // Assess
    expect(shown.kind === 'waf' && shown.waf).toEqual({
      ...(waf.kind === 'waf' && waf.waf),
      analysis: 'short',
      followUp: 'also short',
    });
  });

  it('drops a WAF field the preview does not have, and leaves an on-chain incident as it is', () => {
    // Act
    const shown = withPreview(waf, { reasoning: '', evidence: [] });
    const same = withPreview(onChain, { reasoning: '', evidence: [], analysis: 'ignored' });

    // Assess
    expect(shown.kind === 'waf' && shown.waf).not.toHaveProperty('analysis');
    expect(shown.kind === 'waf' && shown.waf).not.toHaveProperty('followUp');
    expect(same).toBe(onChain);
  });
});

describe('Function: keepFullText', () => {
  it('keeps a text that fits as it is, with the reference it already had, and stores nothing', async () => {
    // Prepare
    const fullText = new InMemoryFullTextStore();
    const put = jest.spyOn(fullText, 'put');
    const known = { sha256: 'a'.repeat(64), bytes: 10, evidenceItems: 0, shortened: [], kept: true };

    // Act
    const kept = await keepFullText(
      { fullText, telemetry: new RecordingTelemetry() },
      'INC-1',
      { reasoning: 'short', evidence: [] },
      known,
    );
    const fresh = await keepFullText({ fullText, telemetry: new RecordingTelemetry() }, 'INC-1', {
      reasoning: 'short',
      evidence: [],
    });

    // Assess
    expect(kept).toEqual({ preview: { reasoning: 'short', evidence: [] }, fullText: known });
    expect(fresh).toEqual({ preview: { reasoning: 'short', evidence: [] } });
    expect(put).not.toHaveBeenCalled();
  });

  it('stores a text it shortens, content-addressed, and refers to it from the preview', async () => {
    // Prepare
    const fullText = new InMemoryFullTextStore();
    const full: LongText = { reasoning: long(PREVIEW_LIMITS.reasoningBytes), evidence: ['e1', 'e2'] };

    // Act
    const kept = await keepFullText({ fullText, telemetry: new RecordingTelemetry() }, 'INC-1', full);

    // Assess
    const { sha256, bytes } = fullTextDocument(full);
    expect(kept.fullText).toEqual({ sha256, bytes, evidenceItems: 2, shortened: ['reasoning'], kept: true });
    expect(kept.preview.reasoning.endsWith(SHORTENED_MARK)).toBe(true);
    expect(Buffer.byteLength(kept.preview.reasoning)).toBeLessThanOrEqual(PREVIEW_LIMITS.reasoningBytes);
    expect(await fullText.get(sha256)).toEqual(full);
  });

  it('still gives the preview when the store fails, marked not kept, and says so loudly', async () => {
    // Prepare
    const telemetry = new RecordingTelemetry();
    const full: LongText = { reasoning: long(PREVIEW_LIMITS.reasoningBytes), evidence: [] };

    // Act
    const kept = await keepFullText({ fullText: brokenStore, telemetry }, 'INC-1', full);

    // Assess
    expect(kept.fullText).toMatchObject({
      sha256: fullTextDocument(full).sha256,
      kept: false,
      shortened: ['reasoning'],
    });
    expect(kept.preview.reasoning.endsWith(SHORTENED_MARK)).toBe(true);
    expect(telemetry.messages('error')).toEqual(['full text could not be stored; only its preview is kept']);
    expect(telemetry.count('FullTextStoreFailures')).toBe(1);
  });
});

describe('Function: resolveFullText', () => {
  const preview: LongText = { reasoning: 'cut …[shortened]', evidence: [] };

  it('answers the preview, complete, when nothing was shortened', async () => {
    // Act
    const resolved = await resolveFullText(
      { fullText: brokenStore, telemetry: new RecordingTelemetry() },
      'INC-1',
      preview,
      undefined,
    );

    // Assess
    expect(resolved).toEqual({ text: preview, complete: true });
  });

  it('reads the full text a kept reference names', async () => {
    // Prepare
    const fullText = new InMemoryFullTextStore();
    const full: LongText = { reasoning: 'the whole story', evidence: ['e'] };
    const { sha256, bytes } = await fullText.put('INC-1', full);
    const ref = { sha256, bytes, evidenceItems: 1, shortened: ['reasoning' as const], kept: true };

    // Act
    const resolved = await resolveFullText({ fullText, telemetry: new RecordingTelemetry() }, 'INC-1', preview, ref);

    // Assess
    expect(resolved).toEqual({ text: full, complete: true });
  });

  it('answers the preview, incomplete, when the text was not kept, is missing, or cannot be read', async () => {
    // Prepare
    const telemetry = new RecordingTelemetry();
    const ref = { sha256: 'b'.repeat(64), bytes: 1, evidenceItems: 0, shortened: ['reasoning' as const], kept: true };

    // Act
    const notKept = await resolveFullText({ fullText: new InMemoryFullTextStore(), telemetry }, 'INC-1', preview, {
      ...ref,
      kept: false,
    });
    const missing = await resolveFullText({ fullText: new InMemoryFullTextStore(), telemetry }, 'INC-1', preview, ref);
    const unreadable = await resolveFullText({ fullText: brokenStore, telemetry }, 'INC-1', preview, ref);

    // Assess
    for (const r of [notKept, missing, unreadable]) expect(r).toEqual({ text: preview, complete: false });
    expect(telemetry.messages('warn')).toEqual(['full text not found', 'full text could not be read']);
  });
});
