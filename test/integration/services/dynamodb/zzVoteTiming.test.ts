import { approvalRecord, storedEntries, withVote } from '../../../support/records';
import { useLocalTables } from './localTables';

describe('timing (temporary)', () => {
  const db = useLocalTables('timing');
  it('50 votes: read + commit with claim', async () => {
    const now = new Date();
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const r = approvalRecord(now);
      await db.ports.incidents.create(r, 't', []);
      ids.push(r.incident.id);
    }
    // warm-up
    for (let round = 0; round < 2; round++) {
      const times: number[] = [];
      for (const [i, id] of ids.entries()) {
        const t0 = process.hrtime.bigint();
        const cur = (await db.ports.incidents.get(id))!;
        await db.ports.incidents.commit(
          cur,
          withVote(cur.record, `U${round}`),
          storedEntries(id, cur.record.ledgerSeq + 1, 1, now),
          {
            key: `slack:v0=${round}-${i}-${Math.random()}`,
            ttlSeconds: 660,
            now,
          },
        );
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      times.sort((a, b) => a - b);
      const sum = times.reduce((a, b) => a + b, 0);
      require('node:fs').appendFileSync(
        '/tmp/claims/timing.txt',
        `${process.env.LABEL} round ${round}: total ${sum.toFixed(1)} ms, median ${times[25]!.toFixed(2)} ms, p90 ${times[45]!.toFixed(2)} ms\n`,
      );
    }
  });
});
