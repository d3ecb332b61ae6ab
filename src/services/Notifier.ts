/** Publishes messages for other systems (SNS in AWS). */
export interface Notifier {
  /** Publishes an approved action command for the agent's executors. */
  publishAction(message: Record<string, unknown>): Promise<void>;
}
