import type { AwsEvent } from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import { prepareVoteClick } from '../../../src/handlers/support/voteClicks';
import type { OnceClaim, StoredIncident } from '../../../src/services/IncidentStore';

const claim: OnceClaim = { key: 'slack:v0=abc', ttlSeconds: 660, now: new Date('2026-11-23T10:00:00Z') };

function event(body: string, contentType = 'application/x-www-form-urlencoded'): AwsEvent {
  return { body, headers: { 'Content-Type': contentType }, isBase64Encoded: false } as unknown as AwsEvent;
}
const click = (actions: unknown[], type = 'block_actions') => event(new URLSearchParams({ payload: JSON.stringify({ type, actions }) }).toString());

describe('Function: prepareVoteClick', () => {
  const reads: string[] = [];
  const store = { get: async (id: string): Promise<StoredIncident | undefined> => (reads.push(id), undefined) };
  beforeEach(() => (reads.length = 0));

  it('prepares one vote click: its claim, and the incident read already started', async () => {
    // Act
    const prepared = prepareVoteClick(click([{ action_id: 'chainsec_approve', value: 'INC-ABCDEFGHJK' }]), claim, store);

    // Assess
    expect(prepared).toMatchObject({ claim, replayed: false, incidentRead: { incidentId: 'INC-ABCDEFGHJK' } });
    expect(reads).toEqual(['INC-ABCDEFGHJK']);
    await expect(prepared!.incidentRead!.read).resolves.toBeUndefined();
  });

  it('defers the claim but reads nothing when the button names no valid incident', () => {
    // Act
    const prepared = prepareVoteClick(click([{ action_id: 'chainsec_deny', value: '<!channel>' }]), claim, store);

    // Assess
    expect(prepared).toEqual({ claim, replayed: false });
    expect(reads).toEqual([]);
  });

  it.each([
    ['another button', click([{ action_id: 'chainsec_ack', value: 'INC-ABCDEFGHJK' }])],
    ['two actions at once', click([{ action_id: 'chainsec_approve', value: 'INC-ABCDEFGHJK' }, { action_id: 'chainsec_deny', value: 'INC-ABCDEFGHJK' }])],
    ['a view submission', click([{ action_id: 'chainsec_approve', value: 'INC-ABCDEFGHJK' }], 'view_submission')],
    ['a slash command', event('command=%2Fchainsec&text=status')],
    ['a malformed payload', event('payload=%7Bnot-json')],
    ['a JSON body', event('{"type":"block_actions"}', 'application/json')],
  ])('leaves %s to the up-front claim', (_what, e) => {
    // Act
    const prepared = prepareVoteClick(e, claim, store);

    // Assess
    expect(prepared).toBeUndefined();
    expect(reads).toEqual([]);
  });
});
