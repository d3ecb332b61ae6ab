/** Keys every later log line of the current invocation carries; `undefined` removes a key. */
export type LogKeys = Readonly<Record<string, string | undefined>>;

/** Logging and metrics as the use cases need them (Powertools in the handlers). */
export interface Telemetry {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
  /** Adds to a counter or records a value (EMF metric). */
  metric(name: string, value?: number, unit?: 'Count' | 'Milliseconds' | 'Seconds'): void;
  /**
   * Adds context to every later log line of this invocation (an incident id, a Slack request id), once it is
   * known; the handler clears it when the next invocation starts.
   */
  addLogKeys(keys: LogKeys): void;
}

/** Telemetry that drops everything (tests that do not look at it). */
export const silentTelemetry: Telemetry = { info() {}, warn() {}, error() {}, metric() {}, addLogKeys() {} };
