/** A payload that could not be processed, kept for inspection. */
export interface RejectedPayload {
  source: string;
  code: string;
  reason: string;
  /** The payload as received (cut to a storable size; `bytes` and `sha256` describe the whole). */
  payload: string;
  bytes: number;
  sha256: string;
  at: string;
}

/** A payload as kept: its id, and whether its `payload` was cut to fit an item. */
export type KeptPayload = RejectedPayload & { id: string; truncated: boolean };

/** The rejected store: bad records kept for inspection (docs/INTERFACES.md#incident-inputs). */
export interface RejectedPayloads {
  /** Keeps a payload that could not be processed. @returns its id */
  keep(rejected: RejectedPayload): Promise<string>;
  /** The latest kept payloads, newest first. */
  list(limit: number): Promise<KeptPayload[]>;
}
