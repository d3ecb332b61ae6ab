import { Sandbox, type SandboxOptions } from '../../sandbox/Sandbox';
import { blockActionsPayload, signSlackRequest, slashCommandBody } from '../../sandbox/local/slackSigning';
import { APPROVALS_CHANNEL } from '../../sandbox/identities';
import type { RecordedMessage } from '../../sandbox/local/MessageStore';
import { eventually } from './localAws';

/** A running sandbox and the calls a test makes to it, over HTTP as a person or Slack would. */
export interface Harness {
  sandbox: Sandbox;
  url: string;
  stop(): Promise<void>;
  json<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Sends a signed request to POST /slack/events. */
  slack(
    body: string,
    opts?: { contentType?: string; timestamp?: number; signature?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; text: string }>;
  click(opts: {
    user: string;
    actionId: string;
    value: string;
    messageTs: string;
    channel?: string;
    /** The button's block's `block_id` (Slack sends it with the click; see {@link blockIdOf}). */
    blockId?: string | undefined;
  }): Promise<{ status: number; text: string }>;
  command(user: string, text: string, channel?: string): Promise<{ status: number; text: string }>;
  messages(): Promise<RecordedMessage[]>;
  /** Waits for a channel message whose text or blocks contain `needle`. */
  waitForMessage(
    needle: string,
    opts?: {
      channel?: string;
      kind?: RecordedMessage['kind'];
      user?: string;
      timeoutMs?: number;
      where?: (m: RecordedMessage) => boolean;
      after?: number;
    },
  ): Promise<RecordedMessage>;
  waitForExecution(executionArn: string, timeoutMs?: number): Promise<{ status: string; output: any; error: unknown }>;
  startIncident(event: unknown): Promise<string>;
}

/** Starts an in-process sandbox on a free port, sharing the run's DynamoDB Local. */
export async function startHarness(options: SandboxOptions = {}): Promise<Harness> {
  const sandbox = new Sandbox({
    port: 0,
    ...(process.env.CHAINSEC_TEST_DYNAMODB_ENDPOINT && {
      dynamoDbEndpoint: process.env.CHAINSEC_TEST_DYNAMODB_ENDPOINT,
    }),
    ...options,
  });
  await sandbox.start();
  const url = sandbox.url;
  const json: Harness['json'] = async (method, path, body) => {
    const res = await fetch(url + path, {
      method,
      ...(body !== undefined && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as never };
  };
  const slack: Harness['slack'] = async (body, opts = {}) => {
    const signed = signSlackRequest(body, sandbox.signingSecret, opts.timestamp);
    const res = await fetch(`${url}/slack/events`, {
      method: 'POST',
      body,
      headers: {
        'content-type': opts.contentType ?? 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': signed['x-slack-request-timestamp'],
        'x-slack-signature': opts.signature ?? signed['x-slack-signature'],
        ...opts.headers,
      },
    });
    return { status: res.status, text: await res.text() };
  };
  const messages = async () => (await json<RecordedMessage[]>('GET', '/sandbox/messages')).body;
  return {
    sandbox,
    url,
    stop: () => sandbox.stop(),
    json,
    slack,
    click: (o) =>
      slack(
        blockActionsPayload({
          user: o.user,
          actionId: o.actionId,
          value: o.value,
          channel: o.channel ?? APPROVALS_CHANNEL,
          messageTs: o.messageTs,
          ...(o.blockId !== undefined && { blockId: o.blockId }),
          responseUrl: sandbox.responseUrlFor({ channel: o.channel ?? APPROVALS_CHANNEL, user: o.user }),
        }),
      ),
    command: (user, text, channel = APPROVALS_CHANNEL) =>
      slack(slashCommandBody({ user, channel, text, responseUrl: sandbox.responseUrlFor({ channel, user }) })),
    messages,
    waitForMessage: (needle, opts = {}) =>
      eventually(
        async () => {
          const all = (await messages()).slice(opts.after ?? 0);
          return all.find(
            (m) =>
              (opts.channel === undefined || m.channel === opts.channel) &&
              (opts.kind === undefined || m.kind === opts.kind) &&
              (opts.user === undefined || m.user === opts.user) &&
              (opts.where === undefined || opts.where(m)) &&
              (m.text.includes(needle) || JSON.stringify(m.blocks).includes(needle)),
          );
        },
        opts.timeoutMs ?? 20_000,
        50,
      ),
    waitForExecution: (arn, timeoutMs = 20_000) =>
      eventually(
        async () => {
          const r = await json<{ status: string; output: unknown; error: unknown }>(
            'GET',
            `/sandbox/executions/${encodeURIComponent(arn)}`,
          );
          return r.body.status !== 'RUNNING' ? (r.body as { status: string; output: any; error: unknown }) : undefined;
        },
        timeoutMs,
        50,
      ),
    startIncident: async (event) => {
      const r = await json<{ executionArn: string }>('POST', '/sandbox/incidents', event);
      if (r.status !== 202) throw new Error(`start incident: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.executionArn;
    },
  };
}

/**
 * Registers `beforeAll` / `afterAll` hooks that start a sandbox for the calling
 * describe block and stop it, and answers the harness: each member is the
 * running sandbox's, read when a test or hook uses it (before `beforeAll` it throws).
 * @param options the sandbox's options, as {@link startHarness} takes them
 */
export function useHarness(options: SandboxOptions = {}): Harness {
  let running: Harness | undefined;
  beforeAll(async () => {
    running = await startHarness(options);
  });
  afterAll(async () => {
    await running?.stop();
  });
  return new Proxy({} as Harness, {
    get: (_, member) => {
      if (!running) throw new Error('useHarness: the sandbox is used inside a test or hook, after beforeAll');
      return Reflect.get(running, member);
    },
  });
}

/** All action ids of a message's buttons. */
export function actionIds(m: RecordedMessage): string[] {
  const ids: string[] = [];
  for (const b of m.blocks as Array<{ type: string; elements?: Array<{ action_id?: string }> }>) {
    if (b.type === 'actions') for (const e of b.elements ?? []) if (e.action_id) ids.push(e.action_id);
  }
  return ids;
}

/** The `block_id` of the block holding a message's button `actionId` (as Slack sends it with a click). */
export function blockIdOf(m: RecordedMessage, actionId: string): string | undefined {
  for (const b of m.blocks as Array<{ type: string; block_id?: string; elements?: Array<{ action_id?: string }> }>) {
    if (b.type === 'actions' && b.elements?.some((e) => e.action_id === actionId)) return b.block_id;
  }
  return undefined;
}

let counter = 0;
/** A unique hex suffix, so each test's incidents are new. */
export function unique(): string {
  counter++;
  return `${Date.now().toString(16)}${counter.toString(16).padStart(4, '0')}${Math.floor(Math.random() * 0xffff).toString(16)}`;
}

/** The incident id a card carries (on its buttons and in its context line). */
export function incidentIdOf(card: RecordedMessage): string {
  const m = JSON.stringify(card.blocks).match(/INC-[0-9A-Z]{10}/);
  if (!m) throw new Error('card has no incident id');
  return m[0];
}

/** A message's text and blocks as one searchable string. */
export function textOf(m: RecordedMessage): string {
  return `${m.text}\n${JSON.stringify(m.blocks)}`;
}

/** The last octet of the next {@link wafEvent}'s source IP: distinct within a test file (its sandbox). */
let wafHost = Math.floor(Math.random() * 250);

/**
 * A fresh WAF event with the triage agent's severity rating (high at 4). Its
 * source IP differs from the file's other WAF events (tests find their card
 * by it; a random one collided 1 time in 250).
 */
export function wafEvent(severity: number) {
  wafHost = (wafHost + 1) % 250;
  return {
    id: `waf-${unique()}`,
    timestamp: new Date().toISOString(),
    action: 'BLOCK',
    source_ip: `198.51.100.${wafHost + 1}`,
    uri: `/login/${unique()}`,
    http_method: 'POST',
    rule_name: 'CredentialStuffing',
    country: 'NL',
    analysis: {
      severity_rating: severity,
      security_analysis: 'Many failed logins from one IP.',
      follow_up_suggestion: 'Block it.',
    },
  };
}

/**
 * Sends `/chainsec <text>` as `user` and returns the answers shown to them
 * (response_url), waiting until one contains `expect` when it is given.
 */
export async function ask(h: Harness, user: string, text: string, expect?: string): Promise<RecordedMessage[]> {
  const before = (await h.messages()).length;
  const res = await h.command(user, text);
  if (res.status !== 200) throw new Error(`command answered ${res.status}`);
  return eventually(async () => {
    const fresh = (await h.messages()).slice(before).filter((m) => m.kind === 'response_url' && m.user === user);
    if (fresh.length === 0) return undefined;
    if (expect && !fresh.some((m) => textOf(m).includes(expect))) return undefined;
    return fresh;
  }, 10_000);
}

/** Every entry of the sandbox ledger, as GET /sandbox/ledger exports them. */
export async function ledgerEntries(h: Harness): Promise<Array<Record<string, unknown>>> {
  const text = String((await h.json<string>('GET', '/sandbox/ledger')).body);
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The sandbox ledger's entries of one incident. */
export async function ledgerOf(h: Harness, incidentId: string): Promise<Array<Record<string, unknown>>> {
  return (await ledgerEntries(h)).filter((e) => e.incidentId === incidentId);
}

/** A critical on-chain event (two approvers decide) for transaction `tx`. */
export function criticalOnChain(tx: string) {
  return { tx_hash: tx, amount_usd: 250_000, protocol: 'Uniswap', anomaly_score: 0.95, from: '0xabc' };
}

/**
 * Starts the workflow for an on-chain `event` and waits for its approval card
 * in the approvals channel.
 * @returns the execution's ARN, the card and the incident id it carries
 */
export async function requestApproval(
  h: Harness,
  event: { tx_hash: string; [field: string]: unknown },
): Promise<{ arn: string; card: RecordedMessage; id: string }> {
  const arn = await h.startIncident(event);
  const card = await h.waitForMessage(event.tx_hash, { channel: APPROVALS_CHANNEL, kind: 'message' });
  return { arn, card, id: incidentIdOf(card) };
}
