import { chainsecCommand } from '../../../../src/listeners/commands/chainsec';
import { fakeAppDeps, type FakeAppDeps } from '../../../support/fakes/fakeAppDeps';
import { seedApproval } from '../../../support/fakes/seeds';
import { buildCommandArguments } from '../buildArguments';

describe('Listener: /chainsec', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  let f: FakeAppDeps;
  beforeEach(() => {
    f = fakeAppDeps({ now });
  });

  it('acks at once and answers ephemerally through response_url', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);
    const { args, ack, respond } = buildCommandArguments('pending');

    // Act
    await chainsecCommand(f.deps)(args);

    // Assess
    expect(ack).toHaveBeenCalledTimes(1);
    expect(respond).toHaveBeenCalledTimes(1);
    const ephemeral = { response_type: 'ephemeral', replace_original: false };
    expect(respond).toHaveBeenCalledWith(expect.objectContaining(ephemeral));
    expect(JSON.stringify(respond.mock.calls)).toContain(record.incident.id);
    expect(f.slack.callsOf('permalink')).toHaveLength(1);
  });

  it('answers help for an unknown verb', async () => {
    // Prepare
    const { args, respond } = buildCommandArguments('frobnicate');

    // Act
    await chainsecCommand(f.deps)(args);

    // Assess
    expect(JSON.stringify(respond.mock.calls)).toContain('I do not know \\"frobnicate\\".');
  });

  it('answers with a plain message when the command fails, and logs it', async () => {
    // Prepare
    f.storage.table.faults.fail('incidents.list', new Error('dynamodb down'));
    const { args, ack, respond } = buildCommandArguments('status');

    // Act
    await chainsecCommand(f.deps)(args);

    // Assess
    expect(ack).toHaveBeenCalledTimes(1);
    const text = 'Something went wrong; nothing was recorded. Please try again.';
    expect(respond).toHaveBeenCalledWith({ response_type: 'ephemeral', text });
    expect(f.telemetry.messages('error')).toEqual(['command failed']);
  });
});
