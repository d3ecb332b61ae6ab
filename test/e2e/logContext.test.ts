import { useHarness, ledgerOf, requestApproval, unique } from '../support/sandboxHarness';
import { eventually } from '../support/localAws';
import { APPROVALS_CHANNEL } from '../../sandbox/identities';
import { blockActionsPayload, type SlackSignatureHeaders, signSlackRequest } from '../../sandbox/local/slackSigning';

/** One structured log line, as Powertools' logger writes it. */
type LogLine = Record<string, unknown> & { message: string; level: string };

/**
 * Log lines carry their request's context: the Lambda request id on every line of an invocation, then the Slack
 * request's id and, once a listener knows it, the incident's; the next invocation starts without them.
 * The lines are read from the process's stdout and stderr, where the production logger writes them.
 */
describe('E2E: log lines carry their request context', () => {
  const h = useHarness({ logLevel: 'INFO' });
  let lines: LogLine[] = [];
  const spies: jest.SpyInstance[] = [];

  /** Keeps every JSON log line `stream` is given, and still writes it. */
  function capture(stream: NodeJS.WriteStream): jest.SpyInstance {
    const original = stream.write.bind(stream) as (...a: unknown[]) => boolean;
    return jest.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      for (const text of String(chunk).split('\n')) {
        try {
          const parsed = JSON.parse(text) as LogLine;
          if (parsed && typeof parsed.message === 'string') lines.push(parsed);
        } catch {
          // not a log line of ours
        }
      }
      return original(chunk, ...rest);
    }) as typeof stream.write);
  }

  beforeEach(() => {
    lines = [];
    // Powertools writes INFO to stdout, WARN and ERROR to stderr.
    spies.push(capture(process.stdout), capture(process.stderr));
  });

  afterEach(() => {
    for (const spy of spies.splice(0)) spy.mockRestore();
  });

  /** The Slack events function's lines logged with `message`. */
  const slackLines = (message: string): LogLine[] =>
    lines.filter((l) => l.function_name === 'chainsec-slack-events' && l.message === message);

  /** Sends `body` with the given headers to the Slack endpoint. */
  const post = (body: string, headers: SlackSignatureHeaders) =>
    fetch(`${h.url}/slack/events`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });

  it('names the Lambda request, the Slack request and the incident on a replayed click, and forgets them after', async () => {
    // Prepare: a pending high card and one recorded click on it.
    const { card, id } = await requestApproval(h, {
      tx_hash: `0x${unique()}1a`,
      amount_usd: 5_000,
      protocol: 'Curve',
      anomaly_score: 0.8,
    });
    const body = blockActionsPayload({
      user: 'U0APPROVER1',
      actionId: 'chainsec_approve',
      value: id,
      channel: APPROVALS_CHANNEL,
      messageTs: card.ts,
    });
    const signed = signSlackRequest(body, h.sandbox.signingSecret);
    expect((await post(body, signed)).status).toBe(200);
    await eventually(async () => ((await ledgerOf(h, id)).some((e) => e.type === 'vote') ? true : undefined));

    // Act: the same signed request again (a replay), then a request whose headers are malformed.
    const replay = await post(body, signed);
    const malformed = await post(body, { ...signed, 'x-slack-signature': 'v0=not-hex' });

    // Assess
    expect([replay.status, malformed.status]).toEqual([401, 401]);
    const refused = await eventually(async () => {
      const found = slackLines('slack request refused');
      return found.length >= 2 ? found : undefined;
    });
    const [replayLine, malformedLine] = refused;
    const digest = signed['x-slack-signature'].slice('v0='.length);
    expect(replayLine).toMatchObject({
      reason: expect.stringContaining('replayed'),
      function_request_id: expect.any(String),
      slackRequestId: digest.slice(0, 16),
      incidentId: id,
    });
    // The whole signature never reaches the logs.
    expect(JSON.stringify(lines)).not.toContain(digest);
    expect(malformedLine).toMatchObject({ function_request_id: expect.any(String) });
    expect(malformedLine!.function_request_id).not.toBe(replayLine!.function_request_id);
    expect(malformedLine).not.toHaveProperty('incidentId');
    expect(malformedLine).not.toHaveProperty('slackRequestId');
  });
});
