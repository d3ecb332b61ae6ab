import {
  criticalCardSeconds,
  criticalFloor,
  floorSeconds,
  type PostCall,
  secondsVsFloor,
  slackRateLimited,
} from '../../../bench/stormKeys';

const card = (id: string, at: number, status = 200): PostCall => ({
  at,
  status,
  ok: status === 200,
  args: { channel: 'C1', blocks: [{ type: 'actions', elements: [{ action_id: 'chainsec_approve', value: id }] }] },
});

describe('storm keys', () => {
  it('counts only the posts answered 429', () => {
    expect(slackRateLimited([card('a', 1, 429), card('a', 2), card('b', 3, 429), card('c', 4, 500)])).toBe(2);
  });

  it('measures each critical card from its send to its first delivered post, ignoring 429s', () => {
    const sent = new Map([
      ['i1', 1_000],
      ['i2', 2_000],
      ['i3', 3_000],
      ['i4', 4_000],
    ]);
    const posts = [
      card('i1', 1_500, 429),
      card('i1', 3_000),
      card('i1', 9_000), // a later post carrying the same id does not count
      card('i2', 2_500),
      card('i3', 13_000),
      card('other', 100),
    ];
    expect(criticalCardSeconds(sent, posts)).toMatchObject({ p50: 2, p99: 10, max: 10, n: 3, unposted: 1 });
  });

  it('does not confuse an id with a longer one that starts with it', () => {
    const r = criticalCardSeconds(new Map([['i1', 0]]), [card('i10', 1_000), card('i1', 4_000)]);
    expect(r.max).toBe(4);
  });

  it('gives NaN percentiles when no critical card was posted', () => {
    const r = criticalCardSeconds(new Map([['i1', 0]]), []);
    expect(r).toMatchObject({ p50: Number.NaN, p99: Number.NaN, max: Number.NaN, n: 0, unposted: 1 });
  });

  it('puts the critical floor at 1 card per second from each send: a burst of five waits up to 4 s', () => {
    // Five sent in the same second, then one alone a minute later.
    expect(criticalFloor([0, 100, 200, 300, 400, 60_000])).toEqual([0, 0, 0.9, 1.8, 2.7, 3.6]);
    const r = criticalCardSeconds(
      new Map([
        ['i1', 0],
        ['i2', 0],
      ]),
      [card('i1', 500), card('i2', 1_600)],
    );
    expect(r.floor).toEqual({ p50: expect.any(Number), p99: 1, max: 1 });
  });

  it('takes the floor from the busiest channel at 1 post per second', () => {
    expect(floorSeconds({ C1: 126, C2: 40 })).toBe(126);
    expect(floorSeconds({})).toBe(0);
  });

  it('divides first send to last delivered post by the floor', () => {
    const posts = [card('a', 11_000), card('b', 61_000), card('c', 99_000, 429)];
    expect(secondsVsFloor(1_000, posts, 50)).toBe(1.2);
    expect(secondsVsFloor(1_000, [], 50)).toBeNaN();
    expect(secondsVsFloor(1_000, posts, 0)).toBeNaN();
  });
});
