import { reportUndelivered } from '../../../src/app/reportUndelivered';
import { DUPLICATE_REQUEST_ERROR } from '../../../src/app/taskErrors';
import type { UndeliveredRequest } from '../../../src/app/undeliveredRecord';
import { normalizeIncident } from '../../../src/domain/incident';
import { IncidentStatus } from '../../../src/domain/incidentRecord';
import { LedgerEntryType } from '../../../src/domain/ledger';
import { APPROVALS, fakeAppDeps, type FakeAppDeps } from '../../support/fakes/fakeAppDeps';
import { CARD_TS, seedApproval } from '../../support/fakes/seeds';
import { onChainEvent } from '../domain/fixtures';

describe('Function: reportUndelivered', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  let f: FakeAppDeps;
  let n = 0;
  beforeEach(() => {
    f = fakeAppDeps({ now });
  });

  /** A request the workflow could not deliver (SNS refused it), for a new incident. */
  const undelivered = (over: Partial<UndeliveredRequest> = {}): UndeliveredRequest => ({
    incident: normalizeIncident(onChainEvent({ tx_hash: `0xundelivered${++n}` }), 'critical', now),
    tier: 'critical',
    proposedAction: { type: 'pause_contract', target: '0xcontract', reversible: true },
    reasoning: 'drained pool',
    evidence: ['tx 1'],
    requestedBy: 'triage-agent',
    dryRun: false,
    error: { name: 'SNS.InvalidParameterException', cause: 'Invalid parameter: Message too long' },
    executionArn: `arn:aws:states:us-east-1:000000000000:execution:chainsec:undelivered-${n}`,
    ...over,
  });

  it('counts it, records the incident as denied with two signed entries, and shows a card saying so', async () => {
    // Prepare
    const request = undelivered();
    const id = request.incident.id;

    // Act
    const outcome = await reportUndelivered(f.deps, request);

    // Assess
    expect(outcome).toEqual({ status: 'recorded', incidentId: id, shown: true });
    expect(f.telemetry.count('ApprovalRequestsUndelivered')).toBe(1);
    expect(f.telemetry.messages('error')).toEqual(['approval request not delivered; the workflow failed closed']);
    const stored = f.storage.table.peek(id)!.record;
    expect(stored).toMatchObject({
      status: IncidentStatus.Decided,
      decision: 'deny',
      decidedBy: [],
      requestedBy: 'triage-agent',
      executionArn: request.executionArn,
      undelivered: { error: 'SNS.InvalidParameterException', executionArn: request.executionArn },
      channel: APPROVALS,
    });
    const chain = await f.deps.ledger.chain(id);
    expect(chain.map((e) => e.type)).toEqual([LedgerEntryType.IncidentReceived, LedgerEntryType.ApprovalUndelivered]);
    expect(chain[0]).toMatchObject({ delivered: false, actor: 'triage-agent' });
    expect(chain[1]).toMatchObject({ actor: 'workflow', fallback: 'fail_closed', cause: request.error.cause });
    expect(f.signer.signed).toHaveLength(2);
    const [card] = f.slack.callsOf('post');
    expect(card?.channel).toBe(APPROVALS);
    expect(f.workflow.resumed).toEqual([]);
  });

  it('is safe to run again: a retry records nothing twice and posts no second card', async () => {
    // Prepare
    const request = undelivered();
    await reportUndelivered(f.deps, request);

    // Act
    const again = await reportUndelivered(f.deps, request);

    // Assess
    expect(again).toEqual({ status: 'already_recorded', incidentId: request.incident.id, shown: true });
    expect(await f.deps.ledger.chain(request.incident.id)).toHaveLength(2);
    expect(f.slack.callsOf('post')).toHaveLength(1);
  });

  it('leaves the card to the sweep when Slack fails, and a retry posts it', async () => {
    // Prepare
    const request = undelivered();
    f.slack.faults.fail('post', new Error('slack down'));

    // Act
    const first = await reportUndelivered(f.deps, request);
    const retry = await reportUndelivered(f.deps, request);

    // Assess
    expect(first).toEqual({ status: 'recorded', incidentId: request.incident.id, shown: false });
    expect(f.telemetry.messages('warn')).toContain('undelivered-request card not posted; the sweep will post it');
    expect(retry).toEqual({ status: 'already_recorded', incidentId: request.incident.id, shown: true });
    expect(f.storage.table.peek(request.incident.id)!.record.ts).toBeDefined();
  });

  it('adds a refused duplicate to the live request: one signed entry on its chain and a reply in its thread', async () => {
    // Prepare: the incident already waits for people on its card.
    const { record } = seedApproval(f.storage, now, {}, 'critical');
    const request = undelivered({
      incident: record.incident,
      error: { name: DUPLICATE_REQUEST_ERROR, cause: 'the incident already has a live request' },
    });

    // Act
    const outcome = await reportUndelivered(f.deps, request);

    // Assess
    expect(outcome).toEqual({ status: 'appended', incidentId: record.incident.id });
    expect(f.telemetry.count('DuplicateApprovalRequests')).toBe(1);
    expect(f.telemetry.count('ApprovalRequestsUndelivered')).toBe(0);
    const chain = await f.deps.ledger.chain(record.incident.id);
    expect(chain.map((e) => e.type)).toEqual([LedgerEntryType.ApprovalUndelivered]);
    expect(chain[0]).toMatchObject({ error: DUPLICATE_REQUEST_ERROR, executionArn: request.executionArn });
    const stored = f.storage.table.peek(record.incident.id)!.record;
    expect(stored.status).toBe(IncidentStatus.Pending);
    const [reply] = f.slack.callsOf('post');
    expect(reply).toMatchObject({ channel: APPROVALS, threadTs: CARD_TS });
    expect(reply!.message.text).toContain("this card's request still stands");
  });

  it('names the requester by the id it normalised, keeping what was sent on the first entry', async () => {
    // Prepare
    const request = undelivered({ requestedBy: ' <@u0requester> ' });

    // Act
    await reportUndelivered(f.deps, request);

    // Assess
    expect(f.storage.table.peek(request.incident.id)!.record).toMatchObject({
      requestedBy: 'U0REQUESTER',
      requesterKnown: true,
    });
    const [received] = await f.deps.ledger.chain(request.incident.id);
    expect(received).toMatchObject({ actor: 'U0REQUESTER', requestedByAsSent: ' <@u0requester> ' });
  });
});
