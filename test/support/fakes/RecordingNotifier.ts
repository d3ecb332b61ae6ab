import type { Notifier } from '../../../src/services/Notifier';
import { otherCallersFirst } from './Faults';

/** A {@link Notifier} that keeps every action command published (SNS in AWS), in order. */
export class RecordingNotifier implements Notifier {
  public readonly published: Array<Record<string, unknown>> = [];

  public async publishAction(message: Record<string, unknown>): Promise<void> {
    await otherCallersFirst();
    this.published.push(structuredClone(message));
  }
}
