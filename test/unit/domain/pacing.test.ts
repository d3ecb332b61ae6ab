import {
  cardPriority,
  decideSlot,
  MAX_BACKLOG_SLOTS,
  missedSlot,
  PACE_RULES,
  type PaceRule,
} from '../../../src/domain/pacing';

const oneASecond: PaceRule = { intervalMs: 1000, burst: 1, lateToleranceMs: 0 };

describe('decideSlot', () => {
  it('lets the first call of a key go now and moves the cursor one interval on', () => {
    expect(decideSlot(undefined, 5_000, oneASecond, 'critical')).toEqual({
      book: true,
      at: 5_000,
      next: 6_000,
      criticalUntil: 6_000,
    });
  });

  it('books back-to-back callers one interval apart', () => {
    let next: number | undefined;
    const at: number[] = [];
    for (let i = 0; i < 4; i++) {
      const d = decideSlot(next, 10_000, oneASecond, 'critical');
      if (!d.book) throw new Error('critical always books');
      at.push(d.at);
      next = d.next;
    }
    expect(at).toEqual([10_000, 11_000, 12_000, 13_000]);
  });

  it('does not bank time from a quiet spell beyond the burst', () => {
    expect(decideSlot(1_000, 60_000, oneASecond, 'bulk')).toEqual({ book: true, at: 60_000, next: 61_000 });
  });

  it('lets a burst go early but keeps the sustained rate', () => {
    const rule = { intervalMs: 1000, burst: 3, lateToleranceMs: 0 };
    const d1 = decideSlot(undefined, 0, rule, 'critical');
    const d2 = decideSlot(d1.book ? d1.next : 0, 0, rule, 'critical');
    const d3 = decideSlot(d2.book ? d2.next : 0, 0, rule, 'critical');
    const d4 = decideSlot(d3.book ? d3.next : 0, 0, rule, 'critical');
    expect([d1, d2, d3, d4].map((d) => (d.book ? d.at : -1))).toEqual([0, 0, 0, 1_000]);
  });

  it('makes lower priorities wait while the backlog is long, but never a critical card', () => {
    const now = 0;
    const next = 10_000; // ten slots booked ahead
    expect(decideSlot(next, now, oneASecond, 'critical')).toMatchObject({ book: true, at: 10_000, next: 11_000 });
    expect(decideSlot(next, now, oneASecond, 'high')).toEqual({ book: false, retryInMs: 8_000 });
    expect(decideSlot(next, now, oneASecond, 'escalation')).toEqual({ book: false, retryInMs: 8_500 });
    expect(decideSlot(next, now, oneASecond, 'bulk')).toEqual({ book: false, retryInMs: 9_000 });
  });

  it('books a lower priority once the backlog is within its allowance, or when forced', () => {
    expect(decideSlot(1_000, 0, oneASecond, 'bulk')).toEqual({ book: true, at: 1_000, next: 2_000 });
    expect(decideSlot(10_000, 0, oneASecond, 'bulk', { force: true })).toEqual({
      book: true,
      at: 10_000,
      next: 11_000,
    });
  });

  it("books no earlier than a 429's Retry-After (notBefore), and moves the cursor past it", () => {
    expect(decideSlot(10_500, 10_000, oneASecond, 'bulk', { notBefore: 12_000 })).toEqual({
      book: true,
      at: 12_000,
      next: 13_000,
    });
    // A later cursor wins over an earlier notBefore.
    expect(decideSlot(15_000, 10_000, oneASecond, 'critical', { notBefore: 11_000 })).toMatchObject({
      book: true,
      at: 15_000,
      next: 16_000,
    });
  });

  it("books again when a caller wakes later than the rule's margin leaves (else it would crowd the next slot)", () => {
    const rule = PACE_RULES['chat.postMessage'];
    expect(missedSlot(rule, 0)).toBe(false);
    expect(missedSlot(rule, rule.lateToleranceMs)).toBe(false);
    expect(missedSlot(rule, rule.lateToleranceMs + 1)).toBe(true);
    // The tolerance fits in the margin over Slack's 1 s: a caller within it still lands >= 1 s after the one before.
    expect(rule.intervalMs - rule.lateToleranceMs).toBeGreaterThanOrEqual(1000);
  });

  it('holds lower priorities while a booked critical card has not gone, so a burst of critical cards stays together', () => {
    // A critical card booked at 12 s (cursor after it: 13 s). At 11.5 s the backlog (1.5 slots) is within high's
    // allowance, but the critical card has not gone yet: wait the 0.5 s until it has.
    expect(decideSlot(13_000, 11_500, oneASecond, 'high', { criticalUntil: 13_000 })).toEqual({
      book: false,
      retryInMs: 500,
    });
    // Once the critical slot has gone, the high card books right behind it.
    expect(decideSlot(13_000, 12_000, oneASecond, 'high', { criticalUntil: 13_000 })).toEqual({
      book: true,
      at: 13_000,
      next: 14_000,
    });
    // A later critical card books at once, and moves criticalUntil on.
    expect(decideSlot(13_000, 11_500, oneASecond, 'critical', { criticalUntil: 13_000 })).toEqual({
      book: true,
      at: 13_000,
      next: 14_000,
      criticalUntil: 14_000,
    });
    // Forced (waited too long) or after a 429, a lower priority books anyway.
    expect(decideSlot(13_000, 11_500, oneASecond, 'bulk', { criticalUntil: 13_000, force: true })).toMatchObject({
      book: true,
    });
  });

  it('orders the allowances critical > high > escalation > bulk', () => {
    const { critical, high, escalation, bulk } = MAX_BACKLOG_SLOTS;
    expect(critical > high && high > escalation && escalation > bulk && bulk >= 1).toBe(true);
  });

  it("paces chat.postMessage no faster than Slack's 1 per second per channel", () => {
    expect(PACE_RULES['chat.postMessage'].intervalMs).toBeGreaterThanOrEqual(1000);
    expect(PACE_RULES['chat.postMessage'].burst).toBe(1);
  });
});

describe('cardPriority', () => {
  it('puts critical cards before high ones and everything else with the digests', () => {
    expect(cardPriority('critical')).toBe('critical');
    expect(cardPriority('high')).toBe('high');
    expect(cardPriority('medium')).toBe('bulk');
    expect(cardPriority('low')).toBe('bulk');
  });
});
