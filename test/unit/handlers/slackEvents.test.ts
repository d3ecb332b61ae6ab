import type { AwsEvent } from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import { lambdaContext } from '../../../sandbox/lambdaEvents';

/** Every WebClient constructed in this test file (Bolt's and ours alike import `@slack/web-api`). */
const mockConstructed: unknown[] = [];
jest.mock('@slack/web-api', () => {
  const actual = jest.requireActual<typeof import('@slack/web-api')>('@slack/web-api');
  class CountedWebClient extends actual.WebClient {
    public constructor(...args: ConstructorParameters<typeof actual.WebClient>) {
      super(...args);
      mockConstructed.push(this);
    }
  }
  return { ...actual, WebClient: CountedWebClient };
});

describe('Function: handler (slackEvents)', () => {
  const saved = process.env;
  beforeAll(() => {
    process.env = {
      ...saved,
      AWS_REGION: 'us-east-1',
      INCIDENTS_TABLE: 'chainsec-incidents',
      LEDGER_TABLE: 'chainsec-ledger',
      SIGNING_KEY_ID: 'alias/chainsec-ledger',
      APPROVALS_CHANNEL: 'C0APPROVALS',
      APPROVER_USER_IDS: 'U0APPROVER1',
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
      SLACK_SIGNING_SECRET: 'sandbox-signing-secret',
      SLACK_BOT_TOKEN: 'xoxb-sandbox',
    };
  });
  afterAll(() => {
    process.env = saved;
  });

  it('builds one WebClient for the Lambda: Bolt builds it from our settings and the gateway wraps it', async () => {
    // Prepare
    const { handler } = await import('../../../src/handlers/slackEvents');
    const unsigned = { body: 'command=%2Fchainsec', headers: {}, isBase64Encoded: false } as unknown as AwsEvent;

    // Act
    const first = await handler(unsigned, lambdaContext('chainsec-slack-events'));
    const second = await handler(unsigned, lambdaContext('chainsec-slack-events'));

    // Assess
    expect([first.statusCode, second.statusCode]).toEqual([401, 401]);
    expect(mockConstructed).toHaveLength(1);
  });
});
