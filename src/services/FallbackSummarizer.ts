import { fallbackSummary } from '../domain/summary';
import type { Incident } from '../domain/incident';
import type { Summarizer, Summary } from './Summarizer';

/** {@link Summarizer} that always uses the deterministic summary (model disabled). */
export class FallbackSummarizer implements Summarizer {
  public async summarize(incident: Incident): Promise<Summary> {
    return { text: fallbackSummary(incident), source: 'fallback', fallbackReason: 'disabled' };
  }
}
