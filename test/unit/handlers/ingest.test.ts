import type { SQSEvent } from 'aws-lambda';
import { toInboundRecords } from '../../../src/handlers/ingest';
import { guardDutySshBruteForce } from '../../../sandbox/samples/findingEvents';

const OWN = 'arn:aws:sns:us-east-1:000000000000:chainsec-workflow';
const PUBLIC = 'arn:aws:sns:us-east-1:000000000000:chainsec-approval-requests';

/** An SQS event whose records carry SNS envelopes from the given topics. */
function sqsFrom(...topics: string[]): SQSEvent {
  return {
    Records: topics.map((TopicArn, i) => ({
      messageId: `m${i}`,
      body: JSON.stringify({ Type: 'Notification', TopicArn, Message: `{"n":${i}}` }),
    })),
  } as unknown as SQSEvent;
}

describe('Function: toInboundRecords (how each record was delivered)', () => {
  it("reads the stack's own topic from the SNS envelope, everything else as public", () => {
    const records = toInboundRecords(sqsFrom(OWN, PUBLIC), OWN);
    expect(records.map((r) => r.delivery)).toEqual(['own_workflow', 'public']);
    expect(records[0]!.body).toBe('{"n":0}');
  });

  it("reads nothing as the stack's own when the workflow topic is not configured", () => {
    expect(toInboundRecords(sqsFrom(OWN)).map((r) => r.delivery)).toEqual(['public']);
  });

  it('a raw SQS body (no envelope) is public: only SNS sets the TopicArn', () => {
    const event = { Records: [{ messageId: 'm', body: JSON.stringify({ TopicArn: OWN }) }] } as unknown as SQSEvent;
    expect(toInboundRecords(event, OWN)[0]!.delivery).toBe('public');
  });

  it("a detector's EventBridge event is the detector's; an agent's event carrying one in its detail is public", () => {
    const finding = guardDutySshBruteForce() as never;
    expect(toInboundRecords(finding, OWN)[0]!.delivery).toBe('detector_rule');
    const wrapped = { id: 'e', source: 'chainsec.agent', 'detail-type': 'Incident Notification', detail: finding };
    expect(toInboundRecords(wrapped as never, OWN)[0]!.delivery).toBe('public');
  });
});
