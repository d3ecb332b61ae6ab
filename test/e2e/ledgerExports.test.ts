import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { APPROVALS_CHANNEL } from '../../sandbox/identities';
import { eventually } from '../support/localAws';
import { useTempFiles } from '../support/tempFiles';
import { incidentIdOf, useHarness, unique } from '../support/sandboxHarness';

const ROOT = resolve(__dirname, '../..');

describe('E2E: ledger exports — a later export extends an earlier one, and every line reads one way', () => {
  const h = useHarness();
  const tmp = useTempFiles('chainsec-exports-');
  const write = tmp.file;

  /** GET /sandbox/ledger, as an auditor downloads it. */
  async function exportLedger(): Promise<string> {
    const res = await fetch(`${h.url}/sandbox/ledger`);
    expect(res.status).toBe(200);
    return res.text();
  }

  /** `npx chainsec verify ...` as a person runs it: the real executable, in a fresh process. */
  function chainsec(args: string[]): { status: number | null; lines: string[]; stderr: string } {
    const result = spawnSync(join(ROOT, 'node_modules/.bin/node'), [join(ROOT, 'bin/chainsec.js'), ...args], {
      cwd: tmp.dir,
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { status: result.status, lines: result.stdout.trimEnd().split('\n'), stderr: result.stderr };
  }

  it('verifies the later export --since-checkpoint the earlier, fails the reverse and a duplicate key', async () => {
    // Prepare: a critical incident, exported before and after two approvers decide it
    const tx = `0x${unique()}ee`;
    const arn = await h.startIncident({ tx_hash: tx, amount_usd: 400_000, protocol: 'Curve', anomaly_score: 0.96 });
    const card = await h.waitForMessage(tx, { channel: APPROVALS_CHANNEL, kind: 'message' });
    const id = incidentIdOf(card);
    /** An export once it holds an entry of `type` for the incident (each export issues a checkpoint: poll gently). */
    const exportHolding = (type: string): Promise<string> =>
      eventually(
        async () => {
          const text = await exportLedger();
          return text.split('\n').some((l) => l.includes(id) && l.includes(`"type":"${type}"`)) ? text : undefined;
        },
        20_000,
        200,
      );
    const earlier = write('earlier.jsonl', await exportHolding('incident_received'));
    for (const user of ['U0APPROVER1', 'U0APPROVER2']) {
      expect((await h.click({ user, actionId: 'chainsec_approve', value: id, messageTs: card.ts })).status).toBe(200);
    }
    expect((await h.waitForExecution(arn)).status).toBe('SUCCEEDED');
    const laterText = await exportHolding('decision');
    const later = write('later.jsonl', laterText);
    const key = write('key.pem', await (await fetch(`${h.url}/sandbox/public-key`)).text());
    const rows = laterText.trimEnd().split('\n');
    const vote = rows.findIndex((l) => l.includes(id) && l.includes('"type":"vote"'));
    rows[vote] = rows[vote]!.replace('{', '{"actor":"U0EVIL",');
    const forged = write('forged.jsonl', `${rows.join('\n')}\n`);

    // Act
    const forward = chainsec(['verify', '--ledger', later, '--public-key', key, '--since-checkpoint', earlier]);
    const backward = chainsec(['verify', '--ledger', earlier, '--public-key', key, '--since-checkpoint', later]);
    const duplicate = chainsec(['verify', '--ledger', forged, '--public-key', key]);

    // Assess
    expect(forward.stderr).toBe('');
    expect(forward.status).toBe(0);
    expect(forward.lines.at(-1)).toMatch(/^OK \d+ entries in \d+ chains verified$/);
    const notes = forward.lines.join('\n');
    expect(notes).toMatch(/since checkpoint: seq \d+ (follows the earlier checkpoint|comes \d+ checkpoints after)/);
    expect(notes).toMatch(/since checkpoint: every one of the earlier export's \d+ entries/);
    expect(backward.status).toBe(1);
    expect(backward.lines.at(-1)).toMatch(/^FAIL line \d+ incidentId \* seq \d+: checkpoint seq \d+ comes before /);
    expect(duplicate.status).toBe(1);
    expect(duplicate.lines.at(-1)).toBe(`FAIL line ${vote + 1} incidentId ?: duplicate key "actor"`);
  });
});
