import fc from 'fast-check';
import {
  PREVIEW_LIMITS,
  SHORTENED_MARK,
  boundEvidence,
  cutToBytes,
  fullTextDocument,
  jsonTextBytes,
  previewOf,
  splitUtf8,
} from '../../../src/domain/payloadBounds';

/** Bytes of a string inside JSON, measured the slow, sure way. */
const measured = (text: string): number => Buffer.byteLength(JSON.stringify(text), 'utf8') - 2;

describe('Module: payloadBounds', () => {
  describe('Function: jsonTextBytes', () => {
    it('counts UTF-8 bytes of the JSON form: multi-byte characters, escapes, lone surrogates', () => {
      // Prepare
      const samples = ['abc', 'é', '€', '😀', '"\\', '\n\t', '\u0001', '\ud800', 'a😀b€c\u0007'];

      // Act
      const sizes = samples.map(jsonTextBytes);

      // Assess
      expect(sizes).toEqual(samples.map(measured));
      expect(sizes.slice(0, 8)).toEqual([3, 2, 3, 4, 4, 4, 6, 6]);
    });

    it('agrees with JSON.stringify for any string', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => jsonTextBytes(s) === measured(s)),
        { numRuns: 300 },
      );
    });
  });

  describe('Function: cutToBytes', () => {
    it('leaves a text that fits unchanged, and cuts twice as once', () => {
      // Prepare
      const text = 'x'.repeat(100);

      // Act
      const fits = cutToBytes(text, 100);
      const cut = cutToBytes('x'.repeat(101), 100);
      const again = cutToBytes(cut.text, 100);

      // Assess
      expect(fits).toEqual({ text, cut: false });
      expect(cut.cut).toBe(true);
      expect(cut.text.endsWith(SHORTENED_MARK)).toBe(true);
      expect(again).toEqual({ text: cut.text, cut: false });
    });

    it('never exceeds the bound in bytes and never splits a character (emoji, €, escapes)', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 400 }), fc.integer({ min: 0, max: 600 }), (s, max) => {
          const { text, cut } = cutToBytes(s, max);
          const kept = cut
            ? text.slice(0, text.length - (text.endsWith(SHORTENED_MARK) ? SHORTENED_MARK.length : 0))
            : text;
          const splitsPair = /[\ud800-\udbff]$/.test(kept) && /^[\udc00-\udfff]/.test(s.slice(kept.length));
          return measured(text) <= max && s.startsWith(kept) && !splitsPair;
        }),
        { numRuns: 300 },
      );
    });

    it('cuts 140,000 "€" (420,000 bytes) to at most the bound', () => {
      // Act
      const { text, cut } = cutToBytes('€'.repeat(140_000), 8_000);

      // Assess
      expect(cut).toBe(true);
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(8_000);
      expect(Buffer.byteLength(text)).toBeGreaterThan(7_900);
    });
  });

  describe('Function: boundEvidence', () => {
    it('keeps at most the items, bytes per item and bytes in total of the limits', () => {
      // Prepare
      const many = Array.from({ length: 200 }, (_, n) => `item ${n} ${'é'.repeat(2_000)}`);

      // Act
      const { items, cut } = boundEvidence(many);

      // Assess
      expect(cut).toBe(true);
      expect(items.length).toBeLessThanOrEqual(PREVIEW_LIMITS.evidenceItems);
      for (const item of items) expect(measured(item)).toBeLessThanOrEqual(PREVIEW_LIMITS.evidenceItemBytes);
      expect(Buffer.byteLength(JSON.stringify(items))).toBeLessThanOrEqual(PREVIEW_LIMITS.evidenceTotalBytes + 2);
      expect(items[0]!.startsWith('item 0 ')).toBe(true);
    });

    it('leaves small evidence as it is', () => {
      // Act
      const out = boundEvidence(['rule=SQLi', 'country=NL']);

      // Assess
      expect(out).toEqual({ items: ['rule=SQLi', 'country=NL'], cut: false });
    });
  });

  describe('Function: previewOf', () => {
    it('names the fields it shortened; a preview of a preview is itself', () => {
      // Prepare
      const full = {
        reasoning: 'r'.repeat(140_000),
        evidence: ['e'],
        analysis: 'a'.repeat(140_000),
        followUp: 'Block it.',
      };

      // Act
      const first = previewOf(full);
      const second = previewOf(first.preview);

      // Assess
      expect(first.shortened).toEqual(['reasoning', 'analysis']);
      expect(Buffer.byteLength(JSON.stringify(first.preview))).toBeLessThan(16 * 1024);
      expect(first.preview.followUp).toBe('Block it.');
      expect(second).toEqual({ preview: first.preview, shortened: [] });
    });
  });

  describe('Function: fullTextDocument / splitUtf8', () => {
    it('hashes the document and splits it into parts of bounded bytes that join back exactly', () => {
      // Prepare
      const full = { reasoning: '😀€é'.repeat(50_000), evidence: ['x'], analysis: 'a' };

      // Act
      const doc = fullTextDocument(full);
      const parts = splitUtf8(doc.json, 300_000);

      // Assess
      expect(doc.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(doc.bytes).toBe(Buffer.byteLength(doc.json));
      expect(parts.length).toBe(Math.ceil(doc.bytes / 300_000));
      for (const p of parts) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(300_000);
      expect(parts.join('')).toBe(doc.json);
      expect(JSON.parse(parts.join(''))).toEqual(full);
    });
  });
});
