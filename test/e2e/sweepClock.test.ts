import type { ScheduledEvent } from 'aws-lambda';
import { handler } from '../../src/handlers/sweep';
import { criticalOnChain, ledgerOf, requestApproval, unique, useHarness } from '../support/sandboxHarness';

describe('E2E: the sweep takes its time from its clock, never from the event it is invoked with', () => {
  const h = useHarness();
  const farFuture = '2099-01-01T00:00:00.000Z';

  it('the deployed sweep function invoked with an event naming a far-future `now` expires nothing', async () => {
    // Prepare: a critical request waiting for people
    const { id } = await requestApproval(h, criticalOnChain(`0x${unique()}5c`));

    // Act: whoever may invoke the function sends a time of their choosing
    const report = await handler({ now: farFuture } as Partial<ScheduledEvent>);

    // Assess: the sweep ran as of the real time, and the request is still pending
    expect(new Date(report.now).getFullYear()).toBeLessThan(2099);
    expect(report.expired).not.toContain(id);
    expect((await ledgerOf(h, id)).map((e) => e.type)).not.toContain('expiry');
  });

  it('POST /sandbox/tick still sweeps as of the time it names (the sandbox drives its own clock)', async () => {
    // Prepare
    const { id } = await requestApproval(h, criticalOnChain(`0x${unique()}5d`));

    // Act
    const tick = await h.json<{ now: string; expired: string[] }>('POST', '/sandbox/tick', { now: farFuture });
    const after = await h.json<{ now: string }>('POST', '/sandbox/tick', {});

    // Assess
    expect(tick.status).toBe(200);
    expect(tick.body.now).toBe(farFuture);
    expect(tick.body.expired).toContain(id);
    expect(new Date(after.body.now).getFullYear()).toBeLessThan(2099);
  });
});
