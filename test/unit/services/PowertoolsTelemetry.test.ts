import type { Context } from 'aws-lambda';
import { PowertoolsTelemetry } from '../../../src/services/PowertoolsTelemetry';

const contextOf = (awsRequestId: string): Context =>
  ({
    awsRequestId,
    functionName: 'chainsec-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:chainsec-test',
    memoryLimitInMB: '128',
    logGroupName: '/aws/lambda/chainsec-test',
    logStreamName: 'test',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 1000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  }) as Context;

describe('PowertoolsTelemetry: log context per invocation', () => {
  let lines: Array<Record<string, unknown>>;
  let spy: jest.SpyInstance;

  beforeEach(() => {
    lines = [];
    spy = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: unknown) => {
      for (const text of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(text));
      return true;
    }) as typeof process.stdout.write);
  });

  afterEach(() => spy.mockRestore());

  it('puts the Lambda request id and the keys added on every line, and starts the next invocation without them', () => {
    // Prepare
    const telemetry = new PowertoolsTelemetry();

    // Act
    telemetry.startInvocation(contextOf('req-1'));
    telemetry.addLogKeys({ slackRequestId: 'abc', incidentId: 'INC-1' });
    telemetry.info('first');
    telemetry.addLogKeys({ incidentId: undefined });
    telemetry.info('second');
    telemetry.startInvocation(contextOf('req-2'));
    telemetry.info('third');

    // Assess
    expect(lines.map((l) => l.message)).toEqual(['first', 'second', 'third']);
    expect(lines[0]).toMatchObject({ function_request_id: 'req-1', slackRequestId: 'abc', incidentId: 'INC-1' });
    expect(lines[1]).toMatchObject({ function_request_id: 'req-1', slackRequestId: 'abc' });
    expect(lines[1]).not.toHaveProperty('incidentId');
    expect(lines[2]).toMatchObject({ function_request_id: 'req-2' });
    expect(lines[2]).not.toHaveProperty('slackRequestId');
  });
});
