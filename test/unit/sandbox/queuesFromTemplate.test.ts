import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { passesFilter, queuesFromTemplate } from '../../../sandbox/local/queuesFromTemplate';

const TEMPLATE = path.join(__dirname, '../../../template.yaml');

describe('queuesFromTemplate (template.yaml)', () => {
  const wiring = queuesFromTemplate(TEMPLATE);

  it('reads both ingest lanes with their batch size and concurrency', () => {
    expect(wiring.sources.filter((s) => s.target === 'IngestFunction')).toEqual([
      { queue: 'IngestQueue', target: 'IngestFunction', batchSize: 10, maximumConcurrency: 2 },
      { queue: 'UrgentIngestQueue', target: 'IngestFunction', batchSize: 1, maximumConcurrency: 2 },
    ]);
  });

  it('copies only critical approval requests to the critical lane; IngestQueue gets everything', () => {
    const critical = wiring.subscriptions.find(
      (s) => s.queue === 'UrgentIngestQueue' && s.topic === 'ApprovalRequestsTopic',
    )!;
    const main = wiring.subscriptions.filter((s) => s.queue === 'IngestQueue');
    expect(wiring.subscriptions.filter((s) => s.queue === 'UrgentIngestQueue').map((s) => s.topic)).toEqual([
      'WorkflowTopic',
      'ApprovalRequestsTopic',
    ]);
    expect(passesFilter(critical, JSON.stringify({ kind: 'approval_request', tier: 'critical' }))).toBe(true);
    expect(passesFilter(critical, JSON.stringify({ kind: 'approval_request', tier: 'high' }))).toBe(false);
    expect(passesFilter(critical, JSON.stringify({ kind: 'approval_request' }))).toBe(false);
    expect(passesFilter(critical, 'not json')).toBe(false);
    expect(main.map((s) => s.topic).sort()).toEqual(['ApprovalRequestsTopic', 'NotificationsTopic', 'WorkflowTopic']);
    for (const s of main) expect(passesFilter(s, 'anything at all')).toBe(true);
  });

  it('refuses a filter scope the sandbox cannot apply rather than deliver differently from AWS', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cs-q-'));
    const file = path.join(dir, 'template.yaml');
    writeFileSync(
      file,
      [
        'Resources:',
        '  Sub:',
        '    Type: AWS::SNS::Subscription',
        '    Properties:',
        '      TopicArn: !Ref T',
        '      Protocol: sqs',
        '      Endpoint: !GetAtt Q.Arn',
        '      FilterPolicy: { tier: [critical] }',
        '',
      ].join('\n'),
    );
    expect(() => queuesFromTemplate(file)).toThrow(/MessageBody filter policies only, not MessageAttributes/);
  });
});
