import { ConcurrentUpdateError } from '../../../src/errors';
import type { IncidentRecord } from '../../../src/domain/incidentRecord';
import type { StoredIncident } from '../../../src/services/IncidentRepository';
import { committedInternals, createConflicted, updateWithRetry } from '../../../src/services/incidentWrites';
import { approvalRecord, storedEntries } from '../../support/records';

/** The storage-independent rules every IncidentRepository writes through. */
describe('Module: incidentWrites', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  const record = approvalRecord(now);
  const stored = (version: number, over: Partial<StoredIncident> = {}): StoredIncident => ({
    record,
    version,
    ...over,
  });
  const renamed = (r: IncidentRecord): IncidentRecord => ({ ...r, reasoning: 'changed' });
  const conflict = () => new ConcurrentUpdateError('incident changed since it was read');

  describe('Function: createConflicted', () => {
    it('answers the incident found, and a conflict (with its cause) when there is none', () => {
      // Act
      const found = createConflicted(record.incident.id, stored(3));
      let thrown: unknown;
      try {
        createConflicted(record.incident.id, undefined, new Error('condition'));
      } catch (e) {
        thrown = e;
      }

      // Assert
      expect(found).toEqual({ created: false, existing: stored(3) });
      expect(thrown).toBeInstanceOf(ConcurrentUpdateError);
      expect((thrown as Error).cause).toEqual(new Error('condition'));
    });
  });

  describe('Function: committedInternals', () => {
    const [entry] = storedEntries(record.incident.id, 1, 1, now);
    const current = stored(2, { internal: { unpublished: ['queued'] } });

    it('appends the entries to the outbox as their exact JSON', () => {
      // Act
      const internals = committedInternals(current, [entry!]);

      // Assert
      expect(internals).toEqual({ unpublished: ['queued', JSON.stringify(entry)] });
    });

    it('keeps the outbox as read without entries, and starts empty on an incident built by hand', () => {
      // Act
      const without = committedInternals(current, []);
      const byHand = committedInternals(stored(1), []);

      // Assert
      expect(without).toEqual({ unpublished: ['queued'] });
      expect(byHand).toEqual({ unpublished: [] });
    });
  });

  describe('Function: updateWithRetry', () => {
    it('writes from `known` without reading, and answers the record as written', async () => {
      // Prepare
      const read = jest.fn(async () => stored(9));
      const write = jest.fn(async () => undefined);

      // Act
      const result = await updateWithRetry(read, write, renamed, stored(1));

      // Assert
      expect(result).toEqual(renamed(record));
      expect(read).not.toHaveBeenCalled();
      expect(write).toHaveBeenCalledWith(stored(1), renamed(record));
    });

    it('reads again after a conflict, and writes nothing when the mutation changes nothing', async () => {
      // Prepare
      const read = jest.fn(async () => stored(2));
      const write = jest.fn().mockRejectedValueOnce(conflict()).mockResolvedValue(undefined);

      // Act
      const retried = await updateWithRetry(read, write, renamed, stored(1));
      const unchanged = await updateWithRetry(read, write, () => undefined);

      // Assert
      expect(retried).toEqual(renamed(record));
      expect(write.mock.calls.map(([c]) => (c as StoredIncident).version)).toEqual([1, 2]);
      expect(unchanged).toBe(record);
      expect(write).toHaveBeenCalledTimes(2);
    });

    it('answers undefined for an unknown incident', async () => {
      // Act, Assert
      await expect(updateWithRetry(async () => undefined, jest.fn(), renamed)).resolves.toBeUndefined();
    });

    it('gives up after six conflicts, and does not retry any other failure', async () => {
      // Prepare
      const read = async () => stored(1);
      const conflicted = jest.fn().mockRejectedValue(conflict());
      const failing = jest.fn().mockRejectedValue(new Error('throttled'));

      // Act, Assert
      await expect(updateWithRetry(read, conflicted, renamed)).rejects.toThrow(ConcurrentUpdateError);
      expect(conflicted).toHaveBeenCalledTimes(6);
      await expect(updateWithRetry(read, failing, renamed)).rejects.toThrow('throttled');
      expect(failing).toHaveBeenCalledTimes(1);
    });
  });
});
