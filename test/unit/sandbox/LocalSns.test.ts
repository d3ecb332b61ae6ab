import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { LocalSns, type SnsMessage } from '../../../sandbox/local/LocalSns';
import { eventually, localClientConfig, useLocalService } from '../../support/localAws';

const TOPIC = 'arn:aws:sns:us-east-1:000000000000:chainsec-approval-requests';

describe('Class: LocalSns', () => {
  const sns = new LocalSns();
  const client = useLocalService(sns, (config) => new SNSClient(config));

  describe('Method: Publish', () => {
    it('answers the SDK with a MessageId and delivers the message to subscribers', async () => {
      // Prepare
      const received: SnsMessage[] = [];
      const unsubscribe = sns.subscribe(TOPIC, async (m) => {
        received.push(m);
      });

      // Act
      const out = await client().send(
        new PublishCommand({
          TopicArn: TOPIC,
          Message: JSON.stringify({ kind: 'approval_request', note: 'a & b <c>' }),
          Subject: 'approval',
          MessageAttributes: { operation: { DataType: 'String', StringValue: 'contain' } },
        }),
      );

      // Assess
      expect(out.MessageId).toMatch(/^[0-9a-f-]{36}$/);
      const delivered = await eventually(() => received[0]);
      expect(delivered).toMatchObject({
        MessageId: out.MessageId,
        TopicArn: TOPIC,
        Message: '{"kind":"approval_request","note":"a & b <c>"}',
        Subject: 'approval',
        MessageAttributes: { operation: { Type: 'String', Value: 'contain' } },
      });
      expect(Date.parse(delivered.Timestamp)).not.toBeNaN();
      expect(sns.published(TOPIC).map((m) => m.MessageId)).toContain(out.MessageId);
      unsubscribe();
    });

    it('answers InvalidParameter (XML error) for a malformed topic ARN', async () => {
      // Act
      const call = client().send(new PublishCommand({ TopicArn: 'not-an-arn', Message: 'x' }));

      // Assess
      await expect(call).rejects.toMatchObject({
        name: 'InvalidParameterException',
        $metadata: { httpStatusCode: 400 },
      });
    });

    it('answers NotFound for a topic that does not exist when topics are fixed', async () => {
      // Prepare
      const fixed = new LocalSns({ topics: [TOPIC] });
      await fixed.start();
      const c = new SNSClient(localClientConfig(fixed.url));

      // Act
      const call = c.send(new PublishCommand({ TopicArn: TOPIC.replace('approval-requests', 'nope'), Message: 'x' }));

      // Assess
      await expect(call).rejects.toMatchObject({ name: 'NotFoundException', $metadata: { httpStatusCode: 404 } });
      c.destroy();
      await fixed.stop();
    });

    it('records a listener that throws without failing the publish', async () => {
      // Prepare
      const topic = `${TOPIC}-failing`;
      sns.subscribe(topic, async () => {
        throw new Error('consumer down');
      });

      // Act
      await client().send(new PublishCommand({ TopicArn: topic, Message: 'x' }));
      await sns.drain();

      // Assess
      expect(sns.deliveryFailures()).toEqual([expect.objectContaining({ error: 'consumer down' })]);
    });

    it('fails as asked by the fault switch', async () => {
      // Prepare
      sns.faults.set('Publish', { error: 'InternalError', status: 500, times: 1 });

      // Act
      const first = client().send(new PublishCommand({ TopicArn: TOPIC, Message: 'x' }));

      // Assess
      await expect(first).rejects.toMatchObject({ name: 'InternalErrorException', $metadata: { httpStatusCode: 500 } });
      await expect(client().send(new PublishCommand({ TopicArn: TOPIC, Message: 'x' }))).resolves.toHaveProperty(
        'MessageId',
      );
    });
  });

  describe('Method: publishLocal', () => {
    it('publishes without HTTP, with the same delivery', async () => {
      // Prepare
      const topic = `${TOPIC}-local`;
      const received: SnsMessage[] = [];
      sns.subscribe(topic, async (m) => void received.push(m));

      // Act
      const id = sns.publishLocal(topic, '{"a":1}');
      await sns.drain();

      // Assess
      expect(received).toEqual([expect.objectContaining({ MessageId: id, Message: '{"a":1}', TopicArn: topic })]);
    });

    it('applies Publish faults, one topic only for Publish@<topic>, and the 256 KiB limit in bytes', () => {
      // Prepare
      const down = `${TOPIC}-down`;
      sns.faults.set(`Publish@${down}`, { error: 'InternalError', status: 500, message: 'SNS is down', times: 1 });

      // Act
      const failed = () => sns.publishLocal(down, '{"a":1}');
      const other = sns.publishLocal(`${TOPIC}-up`, '{"a":1}');
      const multiByte = () => sns.publishLocal(`${TOPIC}-up`, '€'.repeat(90_000));

      // Assess
      expect(failed).toThrow(expect.objectContaining({ name: 'InternalError', message: 'SNS is down' }));
      expect(other).toEqual(expect.any(String));
      expect(sns.publishLocal(down, '{"a":1}')).toEqual(expect.any(String));
      expect(multiByte).toThrow(
        expect.objectContaining({ name: 'InvalidParameter', message: 'Invalid parameter: Message too long' }),
      );
    });
  });

  describe('Option: AWS_ENDPOINT_URL_SNS', () => {
    it('is how production clients reach it', async () => {
      // Prepare
      const saved = process.env.AWS_ENDPOINT_URL_SNS;
      process.env.AWS_ENDPOINT_URL_SNS = sns.url;
      const c = new SNSClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

      // Act
      const out = await c.send(new PublishCommand({ TopicArn: TOPIC, Message: 'via env' }));

      // Assess
      expect(sns.published(TOPIC).find((m) => m.MessageId === out.MessageId)?.Message).toBe('via env');
      c.destroy();
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_SNS;
      else process.env.AWS_ENDPOINT_URL_SNS = saved;
    });
  });
});
