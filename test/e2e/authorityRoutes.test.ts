import { APPROVALS_CHANNEL, CRITICAL_CHANNEL } from '../../sandbox/identities';
import type { RecordedMessage } from '../../sandbox/local/MessageStore';
import { guardDutyCredentialExfiltration } from '../../sandbox/samples/findingEvents';
import { incidentIdOf, ledgerOf, textOf, unique, useHarness, type Harness } from '../support/sandboxHarness';

/**
 * A detector's facts decide its card's route; an agent's notification cannot
 * rewrite them, so it cannot move a card out of its route (the handlers keep
 * their configuration per test file: this one runs with ROUTES).
 * The detector event is the published shape in sandbox/samples/findingEvents.ts.
 */

/** The card as it reads now (after every chat.update). */
async function current(h: Harness, card: RecordedMessage): Promise<RecordedMessage> {
  const all = await h.messages();
  return all.find((m) => m.channel === card.channel && m.ts === card.ts && !m.thread_ts) ?? card;
}

describe('E2E: a routed detector card stays in its route', () => {
  /** Credential exfiltration findings go to C0CRITICAL, decided there by U0APPROVER1 only. */
  const ROUTES = JSON.stringify([
    {
      name: 'credentials',
      channel: CRITICAL_CHANNEL,
      match: { findingTypePrefix: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration' },
      approverUserIds: ['U0APPROVER1'],
    },
  ]);
  const h = useHarness({ env: { ROUTES } });

  it("an agent's notification rewriting the finding's type cannot move the card out of its route: a default approver's vote counts for nothing", async () => {
    // Prepare
    const key = `ASIA${unique()
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '')
      .slice(0, 12)
      .padEnd(12, 'R')}`;
    const resource = {
      resourceType: 'AccessKey',
      accessKeyDetails: { accessKeyId: key, userName: 'GeneratedFindingUserName', userType: 'IAMUser' },
    };
    await h.json('POST', '/sandbox/events', guardDutyCredentialExfiltration({ id: `gd${unique()}`, resource }));
    const card = await h.waitForMessage(key, { channel: CRITICAL_CHANNEL, kind: 'message' });
    const id = incidentIdOf(card);
    const received = (await ledgerOf(h, id)).find((e) => e.type === 'incident_received')!;
    const forged = JSON.parse(
      JSON.stringify(received.incident).replaceAll(
        'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration',
        'Recon:IAMUser/Benign',
      ),
    ) as { finding: { count: number } };
    forged.finding.count = 50;
    const info = await h.json<{ notificationsTopicArn: string }>('GET', '/sandbox/info');

    // Act: the agent's rewrite, then a default-channel approver who is not the route's
    h.sandbox.sns.publishLocal(
      info.body.notificationsTopicArn,
      JSON.stringify({ kind: 'notification', incident: forged }),
    );
    await h.sandbox.sns.drain();
    await h.sandbox.ingestDrained();
    const after = (await h.messages()).length;
    await h.click({
      user: 'U0APPROVER3',
      actionId: 'chainsec_approve',
      value: id,
      messageTs: card.ts,
      channel: APPROVALS_CHANNEL,
    });
    // Refused, however the refusal reaches the person (an ephemeral message or the click's response_url).
    await h.waitForMessage('', { user: 'U0APPROVER3', after });

    // Assess
    const entries = await ledgerOf(h, id);
    expect(entries.some((e) => e.type === 'vote' || e.type === 'decision')).toBe(false);
    expect(textOf(await current(h, card))).toContain('InstanceCredentialExfiltration');
  });
});
