import { FaultSwitch } from '../../../sandbox/local/FaultSwitch';
import { MessageStore } from '../../../sandbox/local/MessageStore';
import { RateLimiter } from '../../../sandbox/local/RateLimiter';

describe('Class: FaultSwitch', () => {
  describe('Method: take', () => {
    it('applies a fault `times` times, then clears it', () => {
      // Prepare
      const faults = new FaultSwitch();
      faults.set('Sign', { error: 'KMSInternalException', status: 500, times: 2 });

      // Act
      const taken = [faults.take('Sign'), faults.take('Sign'), faults.take('Sign')];

      // Assess
      expect(taken.map((f) => f?.error)).toEqual(['KMSInternalException', 'KMSInternalException', undefined]);
      expect(faults.triggered('Sign')).toBe(2);
      expect(faults.isArmed('Sign')).toBe(false);
    });

    it('lets `skip` requests pass untouched first, uncounted', () => {
      // Prepare
      const faults = new FaultSwitch();
      faults.set('PutItem@ledger', { error: 'InternalServerError', skip: 1, times: 1 });

      // Act
      const taken = [1, 2, 3].map(() => faults.take('PutItem', 'PutItem@ledger'));

      // Assess
      expect(taken.map((f) => f?.error)).toEqual([undefined, 'InternalServerError', undefined]);
      expect(faults.triggered('PutItem@ledger')).toBe(1);
    });

    it("prefers the operation's own fault over '*', and clear() disarms", () => {
      // Prepare
      const faults = new FaultSwitch();
      faults.set('*', { delayMs: 10 });
      faults.set('Verify', { error: 'X' });

      // Act
      const verify = faults.take('Verify');
      const other = faults.take('Sign');
      faults.clear();

      // Assess
      expect(verify).toEqual({ error: 'X' });
      expect(other).toEqual({ delayMs: 10 });
      expect(faults.take('Sign')).toBeUndefined();
    });

    it('prefers a narrower key (one table) and counts it apart from the operation', () => {
      // Prepare
      const faults = new FaultSwitch();
      faults.set('PutItem', { error: 'Broad' });
      faults.set('PutItem@ledger', { error: 'Narrow', times: 1 });

      // Act
      const onLedger = faults.take('PutItem', 'PutItem@ledger');
      const onLedgerAgain = faults.take('PutItem', 'PutItem@ledger');
      const elsewhere = faults.take('PutItem', 'PutItem@incidents');

      // Assess
      expect(onLedger).toEqual({ error: 'Narrow', times: 1 });
      expect(onLedgerAgain).toEqual({ error: 'Broad' });
      expect(elsewhere).toEqual({ error: 'Broad' });
      expect(faults.triggered('PutItem@ledger')).toBe(1);
      expect(faults.triggered('PutItem')).toBe(2);
    });

    it('refuses nonsense', () => {
      // Assess
      expect(() => new FaultSwitch().set('x', { times: 0 })).toThrow(RangeError);
      expect(() => new FaultSwitch().set('x', { skip: -1 })).toThrow(RangeError);
    });
  });
});

describe('Class: RateLimiter', () => {
  describe('Method: tryTake', () => {
    it('allows the burst, then one per period, per key', () => {
      // Prepare
      const limiter = new RateLimiter({ perSecond: 1, burst: 1 });

      // Act
      const first = limiter.tryTake('C1', 0);
      const second = limiter.tryTake('C1', 400);
      const otherChannel = limiter.tryTake('C2', 400);
      const later = limiter.tryTake('C1', 1000);

      // Assess
      expect(first).toEqual({ allowed: true });
      expect(second).toEqual({ allowed: false, retryAfterMs: 600 });
      expect(otherChannel).toEqual({ allowed: true });
      expect(later).toEqual({ allowed: true });
    });

    it('keeps at most `burst` tokens after a quiet spell', () => {
      // Prepare
      const limiter = new RateLimiter({ perSecond: 1, burst: 3 });

      // Act
      const results = [0, 1, 2, 3].map(() => limiter.tryTake('C', 60_000).allowed);

      // Assess
      expect(results).toEqual([true, true, true, false]);
    });
  });
});

describe('Class: MessageStore', () => {
  it('gives unique increasing Slack timestamps', () => {
    // Prepare
    const store = new MessageStore();

    // Act
    const ts = Array.from({ length: 100 }, () => store.nextTs());

    // Assess
    expect(new Set(ts).size).toBe(100);
    expect(ts.every((t) => /^\d{10}\.\d{6}$/.test(t))).toBe(true);
    expect([...ts].sort()).toEqual(ts);
  });

  it('records response_url posts and updates messages in place', () => {
    // Prepare
    const store = new MessageStore();
    const posted = store.add({ channel: 'C0APPROVALS', text: 'a', blocks: [{ type: 'divider' }], kind: 'message' });

    // Act
    store.recordResponseUrl({ channel: 'C0APPROVALS', user: 'U0APPROVER1', text: 'status' });
    const updated = store.update('C0APPROVALS', posted.ts, { text: 'b' });
    const missing = store.update('C0APPROVALS', '1.000000', { text: 'c' });

    // Assess
    expect(updated).toMatchObject({ text: 'b', blocks: [{ type: 'divider' }], updates: 1 });
    expect(missing).toBeUndefined();
    expect(store.all().map((m) => [m.kind, m.text, m.user])).toEqual([
      ['message', 'b', undefined],
      ['response_url', 'status', 'U0APPROVER1'],
    ]);
  });
});
