import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { LogKeys, Telemetry } from '../app/telemetry';

/**
 * {@link Telemetry} on Powertools: structured JSON logs and CloudWatch EMF
 * metrics. A handler calls {@link PowertoolsTelemetry.startInvocation} first
 * and {@link PowertoolsTelemetry.flush} last in every invocation.
 */
export class PowertoolsTelemetry implements Telemetry {
  public readonly logger: Logger;
  public readonly metrics: Metrics;

  public constructor(serviceName = 'chainsec') {
    this.logger = new Logger({ serviceName });
    this.metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'ChainSecOps', serviceName });
  }

  /**
   * Starts an invocation's log context: drops the keys the previous invocation added (a warm container runs
   * many) and adds the Lambda context (`function_request_id`, `function_name`, `cold_start`, ...) to every line.
   */
  public startInvocation(context?: Context): void {
    this.logger.resetKeys();
    if (context) this.logger.addContext(context);
  }

  public addLogKeys(keys: LogKeys): void {
    const set: Record<string, string> = {};
    const removed: string[] = [];
    for (const [key, value] of Object.entries(keys)) {
      if (value === undefined) removed.push(key);
      else set[key] = value;
    }
    if (removed.length > 0) this.logger.removeKeys(removed);
    if (Object.keys(set).length > 0) this.logger.appendKeys(set);
  }

  public info(message: string, extra: Record<string, unknown> = {}): void {
    this.logger.info(message, extra);
  }

  public warn(message: string, extra: Record<string, unknown> = {}): void {
    this.logger.warn(message, extra);
  }

  public error(message: string, extra: Record<string, unknown> = {}): void {
    this.logger.error(message, extra);
  }

  private pending = false;

  public metric(name: string, value = 1, unit: 'Count' | 'Milliseconds' | 'Seconds' = 'Count'): void {
    this.metrics.addMetric(name, MetricUnit[unit], value);
    this.pending = true;
  }

  /** Publishes the metrics gathered during this invocation (none: nothing to publish, no warning). */
  public flush(): void {
    if (!this.pending) return;
    this.pending = false;
    this.metrics.publishStoredMetrics();
  }
}
