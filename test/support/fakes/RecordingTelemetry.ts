import type { LogKeys, Telemetry } from '../../../src/app/telemetry';

/** One log line or metric. */
export type TelemetryRecord =
  | { kind: 'info' | 'warn' | 'error'; message: string; extra?: Record<string, unknown> }
  | { kind: 'metric'; name: string; value: number };

/** {@link Telemetry} that keeps every line and metric for assertions. */
export class RecordingTelemetry implements Telemetry {
  public readonly records: TelemetryRecord[] = [];
  /** The log keys added so far (a key set to `undefined` is removed). */
  public readonly logKeys: Record<string, string> = {};

  public addLogKeys(keys: LogKeys): void {
    for (const [k, v] of Object.entries(keys)) {
      if (v === undefined) delete this.logKeys[k];
      else this.logKeys[k] = v;
    }
  }

  public info(message: string, extra?: Record<string, unknown>): void {
    this.records.push({ kind: 'info', message, ...(extra && { extra }) });
  }

  public warn(message: string, extra?: Record<string, unknown>): void {
    this.records.push({ kind: 'warn', message, ...(extra && { extra }) });
  }

  public error(message: string, extra?: Record<string, unknown>): void {
    this.records.push({ kind: 'error', message, ...(extra && { extra }) });
  }

  public metric(name: string, value = 1): void {
    this.records.push({ kind: 'metric', name, value });
  }

  /** The sum of a metric's values. */
  public count(name: string): number {
    return this.records.reduce((n, r) => (r.kind === 'metric' && r.name === name ? n + r.value : n), 0);
  }

  /** The messages logged at `kind`. */
  public messages(kind: 'info' | 'warn' | 'error'): string[] {
    return this.records.flatMap((r) => (r.kind === kind ? [r.message] : []));
  }
}
