import type { LedgerEntry } from '../../../src/domain/ledger';
import { AnchorTakenError, AnchorUnavailableError } from '../../../src/errors';
import type { AnchorStore } from '../../../src/services/AnchorStore';
import { otherCallersFirst } from './Faults';

/**
 * An {@link AnchorStore} that keeps every anchor it is given, one per number
 * (a second put of a number is refused with AnchorTakenError, as S3AnchorStore's
 * conditional put is), or, while `down`, refuses each with
 * AnchorUnavailableError as S3AnchorStore does when S3 does not take it.
 */
export class FakeAnchorStore implements AnchorStore {
  /** The anchors stored, in order. */
  public readonly stored: LedgerEntry[] = [];
  /** While true, every put fails. */
  public down = false;

  public async put(anchor: LedgerEntry): Promise<void> {
    await otherCallersFirst();
    if (this.down) throw new AnchorUnavailableError('ServiceUnavailable: S3 is down');
    if (this.stored.some((a) => a.seq === anchor.seq)) throw new AnchorTakenError(`anchor ${anchor.seq} is stored`);
    this.stored.push(structuredClone(anchor));
  }

  public async get(seq: number): Promise<LedgerEntry | undefined> {
    await otherCallersFirst();
    if (this.down) throw new AnchorUnavailableError('ServiceUnavailable: S3 is down');
    const found = this.stored.find((a) => a.seq === seq);
    return found && structuredClone(found);
  }
}
