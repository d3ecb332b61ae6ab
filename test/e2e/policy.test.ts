import { useHarness, actionIds, unique, incidentIdOf, textOf, wafEvent } from '../support/sandboxHarness';
import { eventually } from '../support/localAws';
import { APPROVALS_CHANNEL } from '../../sandbox/identities';
import type { RecordedMessage } from '../../sandbox/local/MessageStore';
import { approvalStateTimeoutSeconds } from '../../src/domain/policy';

/** A non-default policy: windows from their variables, fallbacks through POLICY_OVERRIDES. */
const HIGH_WINDOW_S = 1800;
const CRITICAL_WINDOW_S = 7200;
const ENV = {
  HIGH_DECISION_WINDOW_SECONDS: String(HIGH_WINDOW_S),
  CRITICAL_DECISION_WINDOW_SECONDS: String(CRITICAL_WINDOW_S),
  POLICY_OVERRIDES: JSON.stringify({ high: { onTimeout: 'rollback' }, critical: { onTimeout: 'deny' } }),
};

type Entry = Record<string, unknown>;

describe('E2E: a non-default policy is what the card, the ledger and the workflow all do', () => {
  const h = useHarness({ env: ENV });

  async function ledgerOf(incidentId: string): Promise<Entry[]> {
    const text = (await h.json<string>('GET', '/sandbox/ledger')).body as unknown as string;
    return String(text)
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Entry)
      .filter((e) => e.incidentId === incidentId);
  }

  /** Runs the sweep as of `seconds` from now; answers the incidents it expired. */
  async function tickIn(seconds: number): Promise<string[]> {
    const now = new Date(Date.now() + seconds * 1000).toISOString();
    return (await h.json<{ expired: string[] }>('POST', '/sandbox/tick', { now })).body.expired;
  }

  /** The card `card` became once it has no live buttons. */
  const settled = (card: RecordedMessage) =>
    eventually(async () => {
      const m = (await h.messages()).find((x) => x.ts === card.ts && x.kind === 'message')!;
      return actionIds(m).length === 0 ? m : undefined;
    });

  async function critical(): Promise<{ arn: string; card: RecordedMessage; id: string }> {
    const tx = `0x${unique()}cc`;
    const arn = await h.startIncident({ tx_hash: tx, amount_usd: 500_000, protocol: 'Curve', anomaly_score: 0.97 });
    const card = await h.waitForMessage(tx, { channel: APPROVALS_CHANNEL, kind: 'message' });
    return { arn, card, id: incidentIdOf(card) };
  }

  it("deploys the approval states' timeouts from the same windows (window + grace)", () => {
    // Prepare
    const states = (h.sandbox.sfn.definition as { States: Record<string, { TimeoutSeconds?: number }> }).States;

    // Act
    const timeouts = ['RequestApprovalHigh', 'RequestApprovalCritical', 'RequestApprovalCriticalUncontained'].map(
      (name) => states[name]!.TimeoutSeconds,
    );

    // Assess
    expect(timeouts).toEqual([
      approvalStateTimeoutSeconds(HIGH_WINDOW_S),
      approvalStateTimeoutSeconds(CRITICAL_WINDOW_S),
      approvalStateTimeoutSeconds(CRITICAL_WINDOW_S),
    ]);
  });

  it('critical, onTimeout deny, 2 h window: the sweep expires it at 2 h; all three say denied, containment kept', async () => {
    // Prepare
    const { arn, card, id } = await critical();
    const [received] = await ledgerOf(id);

    // Act
    const early = await tickIn(CRITICAL_WINDOW_S - 60);
    const due = await tickIn(CRITICAL_WINDOW_S + 60);
    const execution = await h.waitForExecution(arn);
    const updated = await settled(card);

    // Assess
    expect(Date.parse(String(received!.deadline)) - Date.parse(String(received!.at))).toBe(CRITICAL_WINDOW_S * 1000);
    expect(early).not.toContain(id);
    expect(due).toContain(id);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.output.approval.decision).toBe('expired');
    expect(execution.output.containment).toBeDefined();
    expect(execution.output.actionResult.operation).toBe('close');
    const expiry = (await ledgerOf(id)).find((e) => e.type === 'expiry');
    expect(expiry?.fallback).toBe('deny (fail closed)');
    expect(textOf(updated)).toContain('denied (fail closed), containment kept');
    expect(textOf(updated)).not.toContain('rolled back');
  });

  it("critical, onTimeout deny: when the workflow's own timeout fires first, it denies too and the card agrees", async () => {
    // Prepare
    const { arn, card, id } = await critical();
    await eventually(async () => (h.sandbox.sfn.waitingTasks(arn).length > 0 ? true : undefined));

    // Act
    h.sandbox.sfn.timeOutWaitingTask(arn);
    const execution = await h.waitForExecution(arn);
    const due = await tickIn(CRITICAL_WINDOW_S + 60);
    const updated = await settled(card);

    // Assess
    expect(execution.output.approval).toMatchObject({ decision: 'expired', reason: 'workflow timeout' });
    expect(execution.output.actionResult.operation).toBe('close');
    expect(due).toContain(id);
    const expiry = (await ledgerOf(id)).find((e) => e.type === 'expiry' && e.fallback !== undefined);
    expect(expiry?.fallback).toBe('deny (fail closed)');
    expect(textOf(updated)).toContain('denied (fail closed), containment kept');
  });

  it('high, onTimeout rollback but nothing contained, 30 min window: expired at 30 min, denied everywhere', async () => {
    // Prepare
    const e = wafEvent(4);
    const arn = await h.startIncident(e);
    const card = await h.waitForMessage(e.source_ip, { channel: APPROVALS_CHANNEL, kind: 'message' });
    const id = incidentIdOf(card);

    // Act
    const early = await tickIn(HIGH_WINDOW_S - 60);
    const due = await tickIn(HIGH_WINDOW_S + 60);
    const execution = await h.waitForExecution(arn);
    const updated = await settled(card);

    // Assess
    expect(early).not.toContain(id);
    expect(due).toContain(id);
    expect(execution.output.approval.decision).toBe('expired');
    expect(execution.output.actionResult.operation).toBe('close');
    const expiry = (await ledgerOf(id)).find((x) => x.type === 'expiry');
    expect(expiry?.fallback).toBe('deny (fail closed)');
    expect(textOf(updated)).toMatch(/Expired — denied \(fail closed\) · HIGH/);
  });
});
