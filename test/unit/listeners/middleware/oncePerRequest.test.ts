import type { AllMiddlewareArgs, AnyMiddlewareArgs } from '@slack/bolt';
import { RecordingTelemetry } from '../../../support/fakes/RecordingTelemetry';
import { oncePerRequest, type OncePerRequestDeps } from '../../../../src/listeners/middleware/oncePerRequest';
import { REPEATED_REQUEST } from '../../../../src/listeners/onceRule';
import type { ChainsecContext } from '../../../../src/listeners/requestContext';
import type { StoredIncident } from '../../../../src/services/IncidentRepository';
import type { OnceClaim } from '../../../../src/services/RequestClaims';

const NOW = new Date('2026-12-01T12:00:00Z');

/** Claims as the store keeps them: a key is taken once. */
function fakeDeps(): OncePerRequestDeps & { claimed: string[]; reads: string[]; telemetry: RecordingTelemetry } {
  const claimed: string[] = [];
  const reads: string[] = [];
  return {
    claimed,
    reads,
    clock: { now: () => NOW },
    telemetry: new RecordingTelemetry(),
    claims: {
      take: async (claim: OnceClaim) => {
        if (claimed.includes(claim.key)) return false;
        claimed.push(claim.key);
        return true;
      },
    },
    incidents: {
      get: async (id: string): Promise<StoredIncident | undefined> => {
        reads.push(id);
        return undefined;
      },
    },
  };
}

/** The arguments Bolt hands a global middleware, for `body`. */
function buildArguments(body: Record<string, unknown>) {
  const acks: unknown[] = [];
  let nexts = 0;
  const context: ChainsecContext = {
    isEnterpriseInstall: false,
    slackRequest: { claimKey: 'slack:v0=aa', isRetry: false },
  };
  const args = {
    body,
    context,
    ack: async (answer?: unknown) => void acks.push(answer),
    next: async () => void nexts++,
  } as unknown as AnyMiddlewareArgs & AllMiddlewareArgs<ChainsecContext>;
  return { args, acks, context, nexts: () => nexts };
}

const voteClick = (value: string) => ({ type: 'block_actions', actions: [{ action_id: 'chainsec_approve', value }] });

describe('Function: oncePerRequest', () => {
  it('claims a command up front and lets it through once; a repeat is acknowledged as repeated', async () => {
    // Prepare
    const deps = fakeDeps();
    const first = buildArguments({ command: '/chainsec', text: 'help' });
    const again = buildArguments({ command: '/chainsec', text: 'help' });

    // Act
    await oncePerRequest(deps)(first.args);
    await oncePerRequest(deps)(again.args);

    // Assess
    expect(first.nexts()).toBe(1);
    expect(again.nexts()).toBe(0);
    expect(again.acks).toEqual([REPEATED_REQUEST]);
    expect(deps.claimed).toEqual(['slack:v0=aa']);
  });

  it('defers a vote click claim to the vote, and starts the incident read', async () => {
    // Prepare
    const deps = fakeDeps();
    const click = buildArguments(voteClick('INC-ABCDEFGHJK'));

    // Act
    await oncePerRequest(deps)(click.args);

    // Assess
    expect(click.nexts()).toBe(1);
    expect(deps.claimed).toEqual([]);
    expect(click.context.claimInWrite?.claim).toEqual({ key: 'slack:v0=aa', ttlSeconds: 660, now: NOW });
    expect(click.context.claimInWrite?.incidentRead?.incidentId).toBe('INC-ABCDEFGHJK');
    expect(deps.reads).toEqual(['INC-ABCDEFGHJK']);
  });

  it('reads nothing for a vote click naming no valid incident, but still defers its claim', async () => {
    // Prepare
    const deps = fakeDeps();
    const click = buildArguments(voteClick('<!channel>'));

    // Act
    await oncePerRequest(deps)(click.args);

    // Assess
    expect(click.context.claimInWrite).toEqual({ claim: expect.objectContaining({ key: 'slack:v0=aa' }) });
    expect(deps.reads).toEqual([]);
  });

  it("defers an I'm on it click's claim to its commit too, and starts the incident read", async () => {
    // Prepare
    const deps = fakeDeps();
    const mark = buildArguments({
      type: 'block_actions',
      actions: [{ action_id: 'chainsec_ack', value: 'INC-ABCDEFGHJK' }],
    });

    // Act
    await oncePerRequest(deps)(mark.args);

    // Assess
    expect(mark.nexts()).toBe(1);
    expect(deps.claimed).toEqual([]);
    expect(mark.context.claimInWrite?.incidentRead?.incidentId).toBe('INC-ABCDEFGHJK');
  });

  it('claims up front a click with two actions, or a click on another button', async () => {
    // Prepare
    const deps = fakeDeps();
    const two = buildArguments({
      type: 'block_actions',
      actions: [voteClick('INC-A').actions[0], voteClick('INC-B').actions[0]],
    });

    // Act
    await oncePerRequest(deps)(two.args);

    // Assess
    expect(two.context.claimInWrite).toBeUndefined();
    expect(deps.claimed).toEqual(['slack:v0=aa']);
  });

  it.each([
    ['a vote click', voteClick('INC-ABCDEFGHJK'), 'INC-ABCDEFGHJK'],
    [
      "an I'm on it click",
      { type: 'block_actions', actions: [{ action_id: 'chainsec_ack', value: 'INC-ABCDEFGHJK' }] },
      'INC-ABCDEFGHJK',
    ],
    ['a vote click naming no valid incident', voteClick('<!channel>'), undefined],
    ['a command', { command: '/chainsec', text: 'status' }, undefined],
  ])('names the incident of %s in the log lines that follow', async (_name, body, incidentId) => {
    // Prepare
    const deps = fakeDeps();

    // Act
    await oncePerRequest(deps)(buildArguments(body).args);

    // Assess
    expect(deps.telemetry.logKeys.incidentId).toBe(incidentId);
  });

  it('refuses (throws) a request with no identity: it could not be claimed', async () => {
    // Prepare
    const deps = fakeDeps();
    const bare = buildArguments({ command: '/chainsec' });
    delete (bare.context as Partial<ChainsecContext>).slackRequest;

    // Act / Assess
    await expect(oncePerRequest(deps)(bare.args)).rejects.toThrow('without an identity');
    expect(bare.nexts()).toBe(0);
  });
});
