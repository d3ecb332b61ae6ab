import { sameWorkspace, teamsOf } from '../../../../src/listeners/middleware/sameWorkspace';
import { RecordingTelemetry } from '../../../support/fakes/RecordingTelemetry';

type Args = Parameters<ReturnType<typeof sameWorkspace>>[0];

/** Runs the guard on `body`; answers whether the request went on, and what was acknowledged. */
async function guard(teamId: string | undefined, body: Record<string, unknown>, command = false) {
  const next = jest.fn(async () => undefined);
  const ack = jest.fn(async (_response?: unknown) => undefined);
  const context = { slackRequest: { claimKey: 'slack:v0=k', isRetry: false } };
  const args = { body, next, ack, context, ...(command && { command: body }) } as unknown as Args;
  await sameWorkspace({ telemetry: new RecordingTelemetry(), claims: { take: async () => true } }, teamId)(args);
  return { wentOn: next.mock.calls.length === 1, acked: ack.mock.calls };
}

describe('Middleware: sameWorkspace', () => {
  it('reads every team id a request names', () => {
    expect(
      teamsOf({
        team_id: 'T1',
        team: { id: 'T2' },
        user: { team_id: 'T3' },
        view: { team_id: 'T4' },
        user_team_id: 'T5',
      }),
    ).toEqual(['T1', 'T5', 'T2', 'T3', 'T4']);
    expect(teamsOf(undefined)).toEqual([]);
  });

  it('lets a request of the configured workspace through, and everything when none is configured', async () => {
    expect((await guard('T0CHAINSEC', { team_id: 'T0CHAINSEC' })).wentOn).toBe(true);
    expect((await guard(undefined, { team_id: 'T0OTHER' })).wentOn).toBe(true);
  });

  it('stops a request naming another workspace, or none, and answers a command', async () => {
    // Act
    const mixed = await guard('T0CHAINSEC', { team: { id: 'T0CHAINSEC' }, user: { team_id: 'T0OTHER' } });
    const none = await guard('T0CHAINSEC', {});
    const command = await guard('T0CHAINSEC', { team_id: 'T0OTHER' }, true);

    // Assess
    expect([mixed.wentOn, none.wentOn, command.wentOn]).toEqual([false, false, false]);
    expect(command.acked[0]?.[0]).toMatchObject({ text: expect.stringContaining('only members of its own workspace') });
  });
});
