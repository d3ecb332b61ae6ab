import type { Telemetry } from '../../app/telemetry';
import type { Config } from '../../config';
import { FallbackSummarizer } from '../../services/FallbackSummarizer';
import type { Summarizer } from '../../services/Summarizer';

/**
 * The summariser of the functions that post new cards (ingest, MCP): Bedrock
 * only when summaries are on, loaded on demand so its client stays out of a
 * container that never calls it; the fields' own summary otherwise.
 */
export async function loadSummarizer(config: Config, telemetry: Telemetry): Promise<Summarizer> {
  if (!config.summaries.enabled) return new FallbackSummarizer();
  const { BedrockSummarizer } = await import('../../services/BedrockSummarizer');
  return new BedrockSummarizer({ ...config.summaries, timeoutMs: Math.min(config.callTimeoutMs, 4000), telemetry });
}
