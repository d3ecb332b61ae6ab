import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { clientOptions } from './awsClients';
import type { Notifier } from './Notifier';

/** Options of {@link SnsNotifier}. */
export interface SnsNotifierOptions {
  actionsTopicArn: string;
  callTimeoutMs: number;
  client?: SNSClient;
}

/** {@link Notifier} on Amazon SNS: approved actions go to the agent's executors. */
export class SnsNotifier implements Notifier {
  private readonly client: SNSClient;

  public constructor(private readonly options: SnsNotifierOptions) {
    this.client = options.client ?? new SNSClient(clientOptions(options.callTimeoutMs));
  }

  public async publishAction(message: Record<string, unknown>): Promise<void> {
    await this.client.send(
      new PublishCommand({
        TopicArn: this.options.actionsTopicArn,
        Message: JSON.stringify(message),
        MessageAttributes: {
          operation: { DataType: 'String', StringValue: String(message.operation ?? 'unknown') },
        },
      }),
    );
  }
}
