import type { Incident } from '../domain/incident';

/** A short "why this matters" for people, from a model or from the fields. */
export interface Summary {
  text: string;
  source: 'bedrock' | 'fallback';
  /** Why the fallback was used (`disabled`, `timeout`, `guardrail_intervened`, `error`). */
  fallbackReason?: string;
}

/** Summarises the agent's reasoning (Amazon Bedrock in AWS). */
export interface Summarizer {
  summarize(incident: Incident, reasoning: string, evidence: readonly string[]): Promise<Summary>;
}
