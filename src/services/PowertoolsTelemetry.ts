import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Telemetry } from '../app/telemetry';

/**
 * {@link Telemetry} on Powertools: structured JSON logs and CloudWatch EMF
 * metrics. Call {@link PowertoolsTelemetry.flush} at the end of every invocation.
 */
export class PowertoolsTelemetry implements Telemetry {
  public readonly logger: Logger;
  public readonly metrics: Metrics;

  public constructor(serviceName = 'chainsec') {
    this.logger = new Logger({ serviceName });
    this.metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'ChainSecOps', serviceName });
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
