import { stormEvents } from '../../../bench/stormPhase';

describe('Function: stormEvents', () => {
  it.each([30, 100, 1000])('makes %i events, every one an event, with at most one duplicate in ten', (total) => {
    // Act
    const events = stormEvents(total);

    // Assess
    expect(events).toHaveLength(total);
    for (let i = 0; i < total; i++)
      expect(events[i]).toEqual(expect.objectContaining({ timestamp: expect.anything() }));
    const distinct = new Set(events.map((e) => JSON.stringify(e))).size;
    expect(total - distinct).toBeLessThanOrEqual(Math.min(20, total / 10));
  });
});
