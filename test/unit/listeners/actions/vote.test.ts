import type { AppDeps } from '../../../../src/app/deps';
import { silentTelemetry } from '../../../../src/app/telemetry';
import type { Tracing } from '../../../../src/app/tracing';
import { voteListener } from '../../../../src/listeners/actions/vote';
import type { SlackMessage } from '../../../../src/services/SlackGateway';

type Args = Parameters<ReturnType<typeof voteListener>>[0];

describe('Function: voteListener', () => {
  it('runs the vote use case inside a "recordVote" span and answers the clicker through the gateway', async () => {
    // Prepare
    const spans: Array<{ name: string; outcome: string }> = [];
    const tracing: Tracing = {
      span: async (name, work) => {
        try {
          const out = await work();
          spans.push({ name, outcome: 'ok' });
          return out;
        } catch (e) {
          spans.push({ name, outcome: `threw ${(e as Error).name}` });
          throw e;
        }
      },
    };
    const told: SlackMessage[] = [];
    const deps = {
      store: { get: async () => undefined, claimOnce: async () => true },
      slack: { postEphemeral: async (_c: string, _u: string, m: SlackMessage) => void told.push(m) },
      telemetry: silentTelemetry,
      tracing,
    } as unknown as AppDeps;
    const body = {
      type: 'block_actions',
      team: { id: 'T0CHAINSEC' },
      user: { id: 'U0APPROVER1', team_id: 'T0CHAINSEC' },
      channel: { id: 'C0APPROVALS' },
      message: { ts: '1.0' },
      container: { type: 'message', channel_id: 'C0APPROVALS', message_ts: '1.0' },
    };
    const args = {
      ack: async () => undefined,
      body,
      action: { action_id: 'chainsec_approve', value: 'INC-ABCDEFGHJK' },
      context: {},
    } as unknown as Args;

    // Act
    await voteListener(deps)(args);

    // Assess
    expect(spans).toEqual([{ name: 'recordVote', outcome: 'threw IncidentNotFoundError' }]);
    expect(told.map((m) => m.text)).toEqual(['I do not know incident INC-ABCDEFGHJK.']);
  });
});
