import type { LedgerEntry } from '../../../src/domain/ledger';
import { AnchorUnavailableError } from '../../../src/errors';
import type { AnchorStore } from '../../../src/services/AnchorStore';
import { otherCallersFirst } from './Faults';

/**
 * An {@link AnchorStore} that keeps every anchor it is given, or, while
 * `down`, refuses each with AnchorUnavailableError as S3AnchorStore does when
 * S3 does not take it.
 */
export class FakeAnchorStore implements AnchorStore {
  /** The anchors stored, in order. */
  public readonly stored: LedgerEntry[] = [];
  /** While true, every put fails. */
  public down = false;

  public async put(anchor: LedgerEntry): Promise<void> {
    await otherCallersFirst();
    if (this.down) throw new AnchorUnavailableError('ServiceUnavailable: S3 is down');
    this.stored.push(structuredClone(anchor));
  }
}
