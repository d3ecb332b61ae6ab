import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, CreateTaskResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SandboxOptions } from '../../sandbox/Sandbox';
import { APPROVALS_CHANNEL, APPROVER_1 } from '../../sandbox/identities';
import { DynamoDbFaultProxy } from '../../sandbox/local/DynamoDbFaultProxy';
import { actionDigest } from '../../src/domain/actionDigest';
import { argumentsDigest, toolCallAction } from '../../src/domain/toolPolicy';
import { localClientConfig } from '../support/localAws';
import {
  approvedHeldCall,
  approvedHeldTask,
  decidedHeldTask,
  noLongerPending,
  useMcpAgents,
} from '../support/mcpAgents';
import { useTempFiles } from '../support/tempFiles';
import { ledgerEntries, textOf, unique, useHarness } from '../support/sandboxHarness';

/**
 * The governing proxy, through the sandbox's `POST /mcp` with the official SDK
 * client, in front of a real upstream MCP server nobody here wrote
 * (`@modelcontextprotocol/server-everything`, over Streamable HTTP): its tools
 * are listed as `everything__<tool>`, and the sandbox's tool policy
 * (sandbox/local/UpstreamEverything.ts) decides each call.
 */
describe('E2E: chainsec governs calls to another MCP server', () => {
  // The sandbox reaches the shared DynamoDB Local through a fault front of this file's own, so a test can fail one write.
  const dynamo = new DynamoDbFaultProxy(process.env.CHAINSEC_TEST_DYNAMODB_ENDPOINT!);
  const options: SandboxOptions = { governedUpstream: true };
  beforeAll(async () => {
    await dynamo.start();
    options.dynamoDbEndpoint = dynamo.url;
  });
  afterAll(() => dynamo.stop());
  afterEach(() => dynamo.faults.clear());
  const h = useHarness(options);
  const tmp = useTempFiles('chainsec-proxy-');

  interface Info {
    mcp: {
      url: string;
      agents: Array<{ name: string; token: string }>;
      upstreams: Array<{ name: string; url: string }>;
    };
  }
  const agent = useMcpAgents(h);

  const upstreamCalls = () => h.sandbox.upstream!.calls;
  type Result = {
    isError?: boolean;
    content: Array<{ type: string; text?: string }>;
    structuredContent?: Record<string, unknown>;
  };
  const call = async (c: Client, name: string, args: Record<string, unknown>) =>
    (await c.callTool({ name, arguments: args })) as Result;
  const text = (r: Result) => r.content.map((c) => c.text ?? '').join(' ');
  const ledger = () => ledgerEntries(h);

  it('names the upstream in GET /sandbox/info and lists its tools under namespaced names', async () => {
    // Act
    const { mcp } = (await h.json<Info>('GET', '/sandbox/info')).body;
    const tools = (await (await agent('agent-ops')).listTools()).tools.map((t) => t.name);

    // Assess
    expect(mcp.upstreams.map((u) => u.name)).toEqual(['everything']);
    expect(tools).toEqual(expect.arrayContaining(['request_approval', 'get_tool_result', 'everything__echo']));
    expect(tools).toContain('everything__get-sum');
  });

  it('forwards an allowed call at once, records it, and `chainsec verify` accepts the export', async () => {
    // Prepare
    const ops = await agent('agent-ops');
    const message = `hello ${unique()}`;

    // Act
    const result = await call(ops, 'everything__echo', { message });
    const entries = await ledger();
    const file = tmp.file('ledger.jsonl', `${entries.map((e) => JSON.stringify(e)).join('\n')}\n`);
    const key = tmp.file('key.pem', String((await h.json<string>('GET', '/sandbox/public-key')).body));
    const cli = spawnSync(
      process.execPath,
      [path.resolve(__dirname, '../../bin/chainsec.js'), 'verify', '--ledger', file, '--public-key', key],
      { encoding: 'utf8' },
    );

    // Assess: the upstream's own answer, and the upstream saw this one call
    expect(result.isError).toBeFalsy();
    expect(text(result)).toContain(message);
    expect(upstreamCalls().filter((c) => (c.arguments as { message?: string }).message === message)).toEqual([
      { name: 'echo', arguments: { message } },
    ]);
    // Assess: its own short chain, naming agent, server, tool and the rule
    const passed = entries.find((e) => e.type === 'tool_call' && e.tool === 'echo' && e.verdict === 'allow');
    expect(passed).toMatchObject({ agent: 'agent-ops', server: 'everything', rule: 'echo-plain', seq: 1 });
    expect(passed?.argumentsDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(entries).toContainEqual(
      expect.objectContaining({ type: 'tool_call_result', incidentId: passed?.incidentId, seq: 2, outcome: 'ok' }),
    );
    expect(cli.stdout + cli.stderr).toMatch(/OK/);
    expect(cli.status).toBe(0);
  });

  it('withholds the result of an allowed call that ran but whose result the ledger refused, and says it ran once', async () => {
    // Prepare: the ledger takes the call's first entry (before forwarding) and refuses the second (its result)
    const ops = await agent('agent-ops');
    const message = `unrecorded ${unique()}`;
    const { ledger: table } = (await h.json<{ tables: Record<string, string> }>('GET', '/sandbox/info')).body.tables;
    dynamo.faults.set(`PutItem@${table}`, { error: 'InternalServerError', status: 500, skip: 1 });

    // Act
    const result = await call(ops, 'everything__echo', { message });

    // Assess: it ran once upstream; the agent learns that, not the unrecorded result; the ledger has the call only
    expect(upstreamCalls().filter((c) => (c.arguments as { message?: string }).message === message)).toHaveLength(1);
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('ran once');
    expect(text(result)).toContain('chainsec_ledger_unavailable');
    expect(text(result)).not.toContain(message);
    dynamo.faults.clear();
    const entries = await ledger();
    const passed = entries.find((e) => e.type === 'tool_call' && e.argumentsDigest === argumentsDigest({ message }));
    expect(passed).toMatchObject({ verdict: 'allow', seq: 1 });
    expect(entries.filter((e) => e.incidentId === passed?.incidentId)).toHaveLength(1);
  });

  it("answers an internal failure (the ledger refusing an allowed call's first entry) without quoting it: no ARN, account or role reaches the agent", async () => {
    // Prepare: the ledger's first write fails as DynamoDB words a missing permission
    const ops = await agent('agent-ops');
    const message = `denied ${unique()}`;
    const { ledger: table } = (await h.json<{ tables: Record<string, string> }>('GET', '/sandbox/info')).body.tables;
    dynamo.faults.set(`PutItem@${table}`, {
      error: 'AccessDeniedException',
      status: 400,
      times: 1,
      message: `User: arn:aws:sts::123456789012:assumed-role/chainsec-McpFunctionRole-1A2B3C/chainsec-mcp is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/${table} because no identity-based policy allows the dynamodb:PutItem action`,
    });

    // Act
    const error = (await call(ops, 'everything__echo', { message }).catch((e: unknown) => e)) as Error;

    // Assess: nothing ran; the agent hears that something went wrong, and nothing of the store's words
    expect(upstreamCalls().filter((c) => (c.arguments as { message?: string }).message === message)).toEqual([]);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/went wrong/i);
    for (const quoted of ['123456789012', 'arn:aws', 'McpFunctionRole', table, 'dynamodb:PutItem'])
      expect(error.message).not.toContain(quoted);
  });

  it('refuses a refused tool and a lookalike of an allowed one, forwarding nothing', async () => {
    // Prepare
    const ops = await agent('agent-ops');
    const before = upstreamCalls().length;

    // Act
    const env = await call(ops, 'everything__get-env', {});
    // Another case, and a Cyrillic "е" (U+0435) in place of the Latin "e".
    const upper = await call(ops, 'everything__Echo', { message: 'hi' });
    const confusable = await call(ops, 'everything__\u0435cho', { message: 'hi' });

    // Assess
    expect(env.isError).toBe(true);
    expect(text(env)).toContain('rule env-never');
    expect(upper.isError).toBe(true);
    expect(text(upper)).toContain('default-refuse');
    expect(confusable.isError).toBe(true);
    expect(text(confusable)).toContain('default-refuse');
    expect(upstreamCalls().length).toBe(before);
    const refused = (await ledger()).filter((e) => e.type === 'tool_call' && e.verdict === 'refuse');
    expect(refused.map((e) => e.rule)).toEqual(expect.arrayContaining(['env-never', 'default-refuse']));
  });

  it('holds an approve-tier call; after a signed approve click it is forwarded once with the approved arguments, and the result reaches the agent', async () => {
    // Prepare
    const ops = await agent('agent-ops');
    const a = 1000 + Math.floor(Math.random() * 1000);
    const args = { a, b: 7 };

    // Act: the call is held
    const held = await call(ops, 'everything__get-sum', args);
    const { approvalId, incidentId } = held.structuredContent as { approvalId: string; incidentId: string };
    const card = await h.waitForMessage(incidentId, { channel: APPROVALS_CHANNEL, kind: 'message' });
    const pending = await call(ops, 'get_tool_result', { approvalId });
    const forwardedBefore = upstreamCalls().filter((c) => c.name === 'get-sum').length;
    // Act: a person approves in Slack
    await h.click({ user: APPROVER_1, actionId: 'chainsec_approve', value: incidentId, messageTs: card.ts });
    const result = await noLongerPending(ops, 'get_tool_result', approvalId);
    // Act: asked again (a retry): the recorded result, not a second call
    const again = await call(ops, 'get_tool_result', { approvalId });

    // Assess: held, shown to people with the tool, server and exact arguments
    expect(held.isError).toBeFalsy();
    expect(held.structuredContent).toMatchObject({ status: 'pending', approvalId: expect.stringMatching(/^apr_/) });
    expect(textOf(card)).toContain('*server*: everything');
    expect(textOf(card)).toContain('*tool*: get-sum');
    expect(textOf(card)).toContain(`*arguments.a*: ${a}`);
    expect(textOf(card)).toContain('*arguments.b*: 7');
    expect(textOf(card)).toContain('agent-ops');
    expect(pending.structuredContent?.status).toBe('pending');
    expect(forwardedBefore).toBe(0);
    // Assess: the upstream's result reached the agent; the upstream saw exactly one call, with the approved arguments
    expect(result.isError).toBeFalsy();
    expect(text(result)).toContain(String(a + 7));
    expect(again).toEqual(result);
    expect(upstreamCalls().filter((c) => c.name === 'get-sum')).toEqual([{ name: 'get-sum', arguments: args }]);
    const forwardEntry = (await ledger()).find((e) => e.type === 'tool_call' && e.approvalIncidentId === incidentId);
    expect(forwardEntry).toMatchObject({ verdict: 'approved', tool: 'get-sum', decidedBy: [APPROVER_1] });
    // Assess: the approval's receipt binds exactly this call, as an executor checks it with the CLI
    const decided = await call(ops, 'get_approval', { approvalId });
    const receipt = decided.structuredContent?.receipt;
    const pem = String((await h.json<string>('GET', '/sandbox/public-key')).body);
    const verifyReceipt = (action: unknown) =>
      spawnSync(
        process.execPath,
        [
          path.resolve(__dirname, '../../bin/chainsec.js'),
          'verify-receipt',
          '--receipt',
          tmp.file(`receipt-${a}.json`, JSON.stringify(receipt)),
          '--public-key',
          tmp.file('key.pem', pem),
          '--action',
          tmp.file(`action-${a}-${JSON.stringify(action).length}.json`, JSON.stringify(action)),
        ],
        { encoding: 'utf8' },
      );
    const exact = verifyReceipt(toolCallAction('everything', 'get-sum', args));
    const other = verifyReceipt(toolCallAction('everything', 'get-sum', { a, b: 8 }));
    expect(exact.status).toBe(0);
    expect(exact.stdout.trim().split('\n').at(-1)).toMatch(/^OK/);
    expect(other.status).toBe(1);
    expect(other.stdout.trim().split('\n').at(-1)).toMatch(/^FAIL/);
  });

  it('a held call that is denied is never forwarded; as a task, its result is the denial', async () => {
    // Prepare
    const ops = await agent('agent-ops');
    const message = `<b>deny me ${unique()}</b>`;

    // Act: an echo outside the plain pattern is held (approve tier), asked as a task, and denied on its card
    const denied = await decidedHeldTask(h, ops, 'everything__echo', { message }, 'chainsec_deny');
    const { card } = denied;
    const final = denied.result as Result;

    // Assess
    expect(textOf(card)).toContain('*tool*: echo');
    // Hostile text stays inert: escaped, never markup.
    expect(textOf(card)).toContain('&lt;b&gt;deny me');
    expect(denied.createdStatus).toBe('working');
    expect(final.isError).toBe(true);
    expect(text(final)).toMatch(/denied/);
    expect(upstreamCalls().some((c) => (c.arguments as { message?: string }).message === message)).toBe(false);
  });

  it('an approve-tier call made as a task completes, once approved, with the upstream result', async () => {
    // Prepare
    const ops = await agent('agent-ops');
    const a = 3000 + Math.floor(Math.random() * 1000);

    // Act
    const { taskId, result } = await approvedHeldTask(h, ops, 'everything__get-sum', { a, b: 1 });
    const again = (await call(ops, 'get_tool_result', { approvalId: taskId })) as Result;

    // Assess
    expect(result.isError).toBeFalsy();
    expect(text(result)).toContain(String(a + 1));
    expect(again.content).toEqual(result.content);
    expect(upstreamCalls().filter((c) => (c.arguments as { a?: number }).a === a)).toEqual([
      { name: 'get-sum', arguments: { a, b: 1 } },
    ]);
  });

  it('a call that would pass at once, asked as a task, is refused with an error and not forwarded', async () => {
    // Prepare
    const ops = await agent('agent-ops');
    const message = `as a task ${unique()}`;
    const tools = (await ops.listTools()).tools;

    // Act
    const asked = ops
      .request(
        { method: 'tools/call', params: { name: 'everything__echo', arguments: { message }, task: {} } },
        CreateTaskResultSchema,
      )
      .catch((e: unknown) => e);

    // Assess
    expect(String(await asked)).toContain('call it without a task');
    expect(upstreamCalls().some((c) => (c.arguments as { message?: string }).message === message)).toBe(false);
    expect(tools.find((t) => t.name === 'everything__get-sum')?.execution).toEqual({ taskSupport: 'optional' });
    expect(tools.find((t) => t.name === 'everything__get-tiny-image')?.execution).toBeUndefined();
  });

  it("forwards an approved call exactly once when its agent asks five times at once; another agent's get_tool_result and tasks/result on it forward nothing", async () => {
    // Prepare
    const ops = await agent('agent-ops');
    const deploy = await agent('agent-deploy');
    const a = 11_000 + Math.floor(Math.random() * 1000);
    const { approvalId } = await approvedHeldCall(h, ops, 'everything__get-sum', { a, b: 5 });

    // Act: another agent first, then the owner racing itself
    const theirs = await call(deploy, 'get_tool_result', { approvalId });
    const theirTask = await deploy.experimental.tasks.getTaskResult(approvalId, CallToolResultSchema).then(
      () => 'answered',
      (e: Error) => e.message,
    );
    const raced = await Promise.all(Array.from({ length: 5 }, () => call(ops, 'get_tool_result', { approvalId })));
    const after = await call(ops, 'get_tool_result', { approvalId });

    // Assess
    expect(theirs.isError).toBe(true);
    expect(text(theirs)).toContain('not yours');
    expect(theirTask).toMatch(/not found/i);
    expect(upstreamCalls().filter((c) => (c.arguments as { a?: number }).a === a)).toEqual([
      { name: 'get-sum', arguments: { a, b: 5 } },
    ]);
    expect(raced.filter((r) => !r.isError && text(r).includes(String(a + 5)))).not.toHaveLength(0);
    expect(text(after)).toContain(String(a + 5));
  });

  it('refuses lookalike and split names, holds an argument that only starts like an allowed one, and refuses a held call to the read-only agent', async () => {
    // Prepare
    const ops = await agent('agent-ops');
    const readonly = await agent('agent-readonly');
    const before = upstreamCalls().length;
    const cards = (await h.messages()).length;
    const tag = unique();

    // Act: names that are not `everything__echo`
    const names = [
      'everything__echo\u200b',
      'everything__ECHO',
      'everything____echo',
      'everything__echo__echo',
      'everything__echo ',
      'everything__ech\u043e',
    ];
    const lookalikes = await Promise.all(names.map((n) => call(ops, n, { message: `hi ${tag}` })));
    // Act: the plain pattern matches the start of this message only
    const partial = await call(ops, 'everything__echo', { message: `plain ${tag}\n<!channel>` });
    const readOnlyHeld = await call(readonly, 'everything__get-sum', { a: 1, b: 2 });
    const readOnlyAllowed = await call(readonly, 'everything__echo', { message: `ro ${tag}` });

    // Assess: refused by default, forwarded nothing
    for (const r of lookalikes) expect(r.isError).toBe(true);
    expect(lookalikes.map((r) => text(r)).filter((t) => t.includes('default-refuse'))).toHaveLength(names.length);
    // Assess: held for people, not forwarded
    expect(partial.isError).toBeFalsy();
    expect(partial.structuredContent).toMatchObject({ status: 'pending' });
    // Assess: the read-only agent may make allowed calls only
    expect(readOnlyHeld.isError).toBe(true);
    expect(text(readOnlyHeld)).toContain('may not request approvals');
    expect(readOnlyAllowed.isError).toBeFalsy();
    expect(upstreamCalls().slice(before)).toEqual([{ name: 'echo', arguments: { message: `ro ${tag}` } }]);
    const posted = (await h.messages()).slice(cards).filter((m) => m.kind === 'message' && !m.thread_ts);
    expect(posted.filter((m) => textOf(m).includes('get-sum') && textOf(m).includes('agent-readonly'))).toEqual([]);
  });

  it("forwards nothing when the stored call and its receipt's digest were rewritten after the approval (write access to the table, not to the key)", async () => {
    // Prepare: a held call people approve
    const ops = await agent('agent-ops');
    const a = 9000 + Math.floor(Math.random() * 1000);
    const { approvalId } = await approvedHeldCall(h, ops, 'everything__get-sum', { a, b: 1 });
    // Act: an insider rewrites the stored arguments, and the receipt's digest to match them, before the agent asks
    const doc = DynamoDBDocumentClient.from(
      new DynamoDBClient(localClientConfig(process.env.CHAINSEC_TEST_DYNAMODB_ENDPOINT!)),
    );
    const widened = { a: -a, b: 1 };
    await doc.send(
      new UpdateCommand({
        TableName: process.env.INCIDENTS_TABLE!,
        Key: { pk: `MCP#${approvalId}`, sk: 'MCP' },
        UpdateExpression: 'SET approval.toolCall.arguments = :args, approval.outcome.receipt.actionDigest = :d',
        ExpressionAttributeValues: {
          ':args': widened,
          ':d': actionDigest(toolCallAction('everything', 'get-sum', widened)),
        },
      }),
    );
    doc.destroy();
    const result = await call(ops, 'get_tool_result', { approvalId });

    // Assess
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('nothing was forwarded');
    expect(upstreamCalls().filter((c) => Math.abs((c.arguments as { a?: number }).a ?? 0) === a)).toEqual([]);
  });

  it('reaches the upstream only with the token its secret holds, reads a rotated one again, and never shows it', async () => {
    // Prepare
    const ops = await agent('agent-ops');
    const upstream = h.sandbox.upstream!;
    const echo = async (label: string) => {
      const message = `${label} ${unique()}`;
      const result = await call(ops, 'everything__echo', { message });
      return {
        message,
        result,
        ran: upstreamCalls().filter((c) => (c.arguments as { message?: string }).message === message),
      };
    };
    const tokens = [upstream.token];

    // Act 1: an agent that found the upstream's address calls it without chainsec
    const bypass = new Client({ name: 'bypass', version: '1.0.0' });
    const bypassed = bypass.connect(new StreamableHTTPClientTransport(new URL(upstream.url)));

    // Assess 1
    await expect(bypassed).rejects.toMatchObject({ code: 401 });

    // Act 2: the operator rotates the token and stores it: chainsec's kept session is refused once, then let in
    expect((await echo('before')).ran).toHaveLength(1);
    tokens.push(upstream.rotateToken());
    h.sandbox.putUpstreamToken();
    const refusedBefore = upstream.refused;
    const rotated = await echo('rotated');

    // Assess 2
    expect(rotated.result.isError).toBeFalsy();
    expect(rotated.ran).toHaveLength(1);
    expect(upstream.refused).toBeGreaterThan(refusedBefore);

    // Act 3: rotated upstream-side only (the secret still holds the old token), then a secret that is not JSON
    tokens.push(upstream.rotateToken());
    const stale = await echo('stale');
    h.sandbox.secrets.put('chainsec/sandbox/mcp-upstreams/everything', `Bearer ${upstream.token}`);
    const malformed = await echo('malformed');

    // Assess 3: nothing ran; each is a recorded failure naming why, and no token is quoted anywhere
    expect(stale.ran).toEqual([]);
    expect(stale.result.isError).toBe(true);
    expect(text(stale.result)).toContain('Unauthorized');
    expect(malformed.ran).toEqual([]);
    expect(text(malformed.result)).toContain('chainsec_upstream_credentials_unavailable');
    expect(text(malformed.result)).toContain('not JSON');
    const entries = await ledger();
    for (const m of [stale.message, malformed.message]) {
      const passed = entries.find(
        (e) => e.type === 'tool_call' && e.argumentsDigest === argumentsDigest({ message: m }),
      );
      expect(entries).toContainEqual(
        expect.objectContaining({ type: 'tool_call_result', incidentId: passed?.incidentId, outcome: 'failed' }),
      );
    }
    const seen = [text(stale.result), text(malformed.result), JSON.stringify(entries)].join('\n');
    for (const t of tokens) expect(seen).not.toContain(t);

    // Cleanup: the secret holds the upstream's token again
    h.sandbox.putUpstreamToken();
    expect((await echo('restored')).ran).toHaveLength(1);
  });

  // Last: it stops the upstream.
  it('reports an upstream that is down as a tool error, recorded, and does not retry', async () => {
    // Prepare
    const ops = await agent('agent-ops');
    await h.sandbox.upstream!.stop();
    const message = `down ${unique()}`;

    // Act
    const result = await call(ops, 'everything__echo', { message });

    // Assess
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('the MCP server "everything" failed: fetch failed');
    expect(text(result)).toContain('not retried');
    const entries = await ledger();
    const passed = entries.find((e) => e.type === 'tool_call' && e.argumentsDigest === argumentsDigest({ message }));
    expect(entries).toContainEqual(
      expect.objectContaining({ type: 'tool_call_result', incidentId: passed?.incidentId, outcome: 'failed' }),
    );
  });
});
