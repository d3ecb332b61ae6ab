import { SNSClient } from '@aws-sdk/client-sns';
import { LocalSns } from '../../../sandbox/local/LocalSns';
import { SnsNotifier } from '../../../src/services/SnsNotifier';
import { useLocalService } from '../../support/localAws';

const ACTIONS_TOPIC = 'arn:aws:sns:us-east-1:000000000000:chainsec-actions';

/** SnsNotifier against the sandbox's local SNS (the query protocol the SDK speaks). */
describe('Class: SnsNotifier (local SNS)', () => {
  const sns = new LocalSns({ topics: [ACTIONS_TOPIC] });
  const client = useLocalService(sns, (config) => new SNSClient(config));
  const notifier = (topic = ACTIONS_TOPIC) =>
    new SnsNotifier({ actionsTopicArn: topic, callTimeoutMs: 10_000, client: client() });

  describe('Method: publishAction', () => {
    it('publishes the message as JSON on the actions topic, its operation as a filterable attribute', async () => {
      // Prepare
      const message = { operation: 'execute', incidentId: 'INC-0000000001', note: 'a & b <c> "d"' };

      // Act
      await notifier().publishAction(message);

      // Assess
      const [published] = sns.published(ACTIONS_TOPIC).filter((m) => m.Message.includes('INC-0000000001'));
      expect(JSON.parse(published!.Message)).toEqual(message);
      expect(published!.MessageAttributes).toEqual({ operation: { Type: 'String', Value: 'execute' } });
    });

    it('marks a message without an operation as "unknown" rather than leaving the attribute out', async () => {
      // Act
      await notifier().publishAction({ incidentId: 'INC-0000000002' });

      // Assess
      const [published] = sns.published(ACTIONS_TOPIC).filter((m) => m.Message.includes('INC-0000000002'));
      expect(published!.MessageAttributes).toEqual({ operation: { Type: 'String', Value: 'unknown' } });
    });

    it('throws what SNS answers when it refuses, so the caller can retry: a topic that does not exist, a fault', async () => {
      // Prepare
      sns.faults.set('Publish', { error: 'InternalError', status: 500, times: 1 });

      // Act
      const down = await notifier()
        .publishAction({ operation: 'execute', incidentId: 'INC-0000000003' })
        .catch((e: unknown) => e);
      const missing = await notifier('arn:aws:sns:us-east-1:000000000000:nope')
        .publishAction({ operation: 'execute', incidentId: 'INC-0000000004' })
        .catch((e: unknown) => e);

      // Assess
      expect(down).toMatchObject({ name: 'InternalErrorException' });
      expect(missing).toMatchObject({ name: 'NotFoundException' });
      expect(sns.published().filter((m) => /INC-000000000[34]/.test(m.Message))).toEqual([]);
    });
  });
});
