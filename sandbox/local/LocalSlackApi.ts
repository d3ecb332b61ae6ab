import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import {
  APP_ID,
  APPROVALS_CHANNEL,
  APPROVALS_CHANNEL_NAME,
  APPROVERS,
  APPROVERS_USERGROUP,
  BOT_ID,
  BOT_TOKEN,
  BOT_USER_ID,
  CRITICAL_CHANNEL,
  CRITICAL_CHANNEL_NAME,
  SANDBOX_USERS,
  TEAM_DOMAIN,
  TEAM_ID,
} from '../identities';
import { blockProblems } from './blockLimits';
import { delay } from './FaultSwitch';
import { BodyTooLargeError, LocalServer, readRequestBody, send } from './LocalServer';
import { MessageStore, type RecordedMessage } from './MessageStore';
import { RateLimiter, type RateLimiterOptions } from './RateLimiter';

/** Options of {@link LocalSlackApi}. */
export interface LocalSlackApiOptions {
  /** Port of the standalone server (tests); 0 by default. */
  port?: number;
  /** The only accepted token; default `xoxb-sandbox`. */
  botToken?: string;
  /** `chat.postMessage` limit per channel; default 1 per second, burst 1. `false` turns it off. */
  rateLimit?: RateLimiterOptions | false;
  /** The rate limit's clock (epoch ms); `Date.now` by default. A test holds it still to decide what is too soon. */
  now?: () => number;
  /** Share a message store (the sandbox's `response_url` target writes to it too). */
  messages?: MessageStore;
}

/** One recorded Web API call. */
export interface SlackApiCall {
  method: string;
  /** Arguments, token removed; JSON-encoded form fields decoded. */
  args: Record<string, unknown>;
  at: number;
  status: number;
  ok: boolean;
  error?: string;
}

/** Counters for tests and the storm benchmark. */
export interface SlackApiStats {
  calls: number;
  byMethod: Record<string, number>;
  /** Calls answered 429 (rate limit or injected). */
  rateLimited: number;
  /** Successful `chat.postMessage` calls, by channel. */
  postsByChannel: Record<string, number>;
  /** Most successful posts in any one-second window, by channel. */
  maxPostsPerSecondByChannel: Record<string, number>;
  /** The highest of those. */
  maxPostsPerSecondPerChannel: number;
}

type Args = Record<string, unknown>;
/** A method's answer: the JSON body, and an HTTP status other than 200 when needed. */
type Answer = { body: Record<string, unknown>; status?: number; headers?: Record<string, string> };
type Method = (args: Args, req: IncomingMessage) => Answer;

/** Form fields the Web API client sends JSON-encoded. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata']);
const MAX_TEXT = 40_000;
/** The channels the sandbox names (docs/SANDBOX.md and docs/ROUTING.md); any other `C…` id is a channel named after its id. */
const CHANNEL_NAMES: Record<string, string> = {
  [APPROVALS_CHANNEL]: APPROVALS_CHANNEL_NAME,
  [CRITICAL_CHANNEL]: CRITICAL_CHANNEL_NAME,
};

/** A Slack `{ok:false}` answer. */
class SlackApiError extends Error {
  public constructor(
    public readonly code: string,
    public readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

const ok = (body: Record<string, unknown> = {}): Answer => ({ body: { ok: true, ...body } });

/**
 * The local Slack Web API: what `@slack/web-api`'s WebClient sends
 * (`POST /api/<method>`, form-encoded with JSON-encoded `blocks`/`view`, or
 * JSON with `Authorization: Bearer`), answered as Slack does, and every call
 * recorded. Messages go to a {@link MessageStore} in the shape of
 * `GET /sandbox/messages`. `chat.postMessage` is rate limited per channel
 * (HTTP 429 + `Retry-After`, which the WebClient honours and retries).
 *
 * Mount {@link handle} at `POST /api/{method}` of another server, or
 * {@link start} it standalone (`slackApiUrl: url + '/api/'`).
 */
export class LocalSlackApi extends LocalServer {
  public readonly messages: MessageStore;
  /** App Home views, by user (`views.publish`). */
  public readonly homeViews: Record<string, unknown> = {};
  /** Modals opened (`views.open`), oldest first. */
  public readonly openedViews: Array<{ trigger_id: string; view: unknown; id: string }> = [];
  private readonly botToken: string;
  private readonly limiter?: RateLimiter;
  private readonly callLog: SlackApiCall[] = [];
  private readonly postTimes = new Map<string, number[]>();
  private readonly dmUsers = new Map<string, string>();
  private rateLimitedCount = 0;
  /** Channels the bot is not a member of; it is in every channel unless a test says otherwise. */
  private readonly botNotIn = new Set<string>();
  private readonly methods: Record<string, Method>;
  private readonly now: () => number;

  public constructor(options: LocalSlackApiOptions = {}) {
    super(options.port);
    this.botToken = options.botToken ?? BOT_TOKEN;
    this.messages = options.messages ?? new MessageStore();
    const rate = options.rateLimit === undefined ? { perSecond: 1, burst: 1 } : options.rateLimit;
    if (rate) this.limiter = new RateLimiter(rate);
    this.now = options.now ?? Date.now;
    this.methods = {
      'auth.test': () => this.authTest(),
      'chat.postMessage': (a) => this.postMessage(a),
      'chat.update': (a) => this.update(a),
      'chat.postEphemeral': (a) => this.postEphemeral(a),
      'chat.getPermalink': (a, req) => this.getPermalink(a, req),
      'conversations.info': (a) => this.conversationsInfo(a),
      'conversations.open': (a) => this.conversationsOpen(a),
      'users.info': (a) => this.usersInfo(a),
      'usergroups.users.list': (a) => this.usergroupUsers(a),
      'views.open': (a) => this.viewsOpen(a),
      'views.publish': (a) => this.viewsPublish(a),
      'views.update': (a) => this.viewsUpdate(a),
    };
  }

  /**
   * Answers one Web API call. For mounting at `POST /api/{method}`; never
   * rejects (a bug in here becomes an HTTP 500).
   */
  public async handle(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    try {
      await this.answer(req, res, method);
    } catch (e) {
      this.internalError(res, e);
    }
  }

  /** Recorded calls, oldest first; only one method's when given. */
  public calls(method?: string): SlackApiCall[] {
    return this.callLog.filter((c) => method === undefined || c.method === method);
  }

  /** Call counters and the per-channel post rate (docs/PERFORMANCE.md, `storm`). */
  public stats(): SlackApiStats {
    const byMethod: Record<string, number> = {};
    for (const c of this.callLog) byMethod[c.method] = (byMethod[c.method] ?? 0) + 1;
    const postsByChannel: Record<string, number> = {};
    const maxPostsPerSecondByChannel: Record<string, number> = {};
    for (const [channel, times] of this.postTimes) {
      postsByChannel[channel] = times.length;
      maxPostsPerSecondByChannel[channel] = maxInWindow(times, 1000);
    }
    return {
      calls: this.callLog.length,
      byMethod,
      rateLimited: this.rateLimitedCount,
      postsByChannel,
      maxPostsPerSecondByChannel,
      maxPostsPerSecondPerChannel: Math.max(0, ...Object.values(maxPostsPerSecondByChannel)),
    };
  }

  /**
   * Puts the bot in `channel` or takes it out. Out, a post or an update there
   * answers `not_in_channel` and `conversations.info` says `is_member: false`,
   * as Slack does for a public channel nobody invited the bot to.
   */
  public setBotMember(channel: string, member: boolean): void {
    if (member) this.botNotIn.delete(channel);
    else this.botNotIn.add(channel);
  }

  /** Forgets calls, messages, views, rate-limit state and membership changes (the bot is in every channel again). */
  public reset(): void {
    this.botNotIn.clear();
    this.callLog.length = 0;
    this.postTimes.clear();
    this.rateLimitedCount = 0;
    this.messages.clear();
    this.openedViews.length = 0;
    for (const user of Object.keys(this.homeViews)) delete this.homeViews[user];
    this.limiter?.reset();
    this.faults.clear();
  }

  protected override async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!path.startsWith('/api/')) {
      send(res, 404, JSON.stringify({ ok: false, error: 'not_found' }), { 'content-type': 'application/json' });
      return;
    }
    await this.handle(req, res, path.slice('/api/'.length));
  }

  private async answer(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    let args: Args;
    let token: string | undefined;
    try {
      ({ args, token } = await this.readArgs(req));
    } catch (e) {
      const error =
        e instanceof SlackApiError
          ? e.code
          : e instanceof BodyTooLargeError
            ? 'request_too_large'
            : 'invalid_form_data';
      return this.reply(res, method, {}, { body: { ok: false, error } });
    }
    if (!token) return this.reply(res, method, args, { body: { ok: false, error: 'not_authed' } });
    if (token !== this.botToken) return this.reply(res, method, args, { body: { ok: false, error: 'invalid_auth' } });

    const fault = this.faults.take(method);
    await delay(fault?.delayMs);
    if (fault?.status === 429) return this.reply(res, method, args, rateLimited(fault.retryAfterSec ?? 1));
    if (fault?.status && fault.status >= 400) {
      return this.reply(res, method, args, {
        status: fault.status,
        body: { ok: false, error: fault.error ?? 'internal_error' },
      });
    }
    if (fault?.error) return this.reply(res, method, args, { body: { ok: false, error: fault.error } });

    const handler = this.methods[method];
    if (!handler)
      return this.reply(res, method, args, { body: { ok: false, error: 'unknown_method', req_method: method } });
    try {
      return this.reply(res, method, args, handler(args, req));
    } catch (e) {
      if (!(e instanceof SlackApiError)) throw e;
      return this.reply(res, method, args, { body: { ok: false, error: e.code, ...e.extra } });
    }
  }

  /** Form or JSON body (plus query string), token from the form or `Authorization: Bearer`. */
  private async readArgs(req: IncomingMessage): Promise<{ args: Args; token?: string }> {
    const text = await readRequestBody(req);
    const args: Args = {};
    for (const [k, v] of new URL(req.url ?? '/', 'http://localhost').searchParams) args[k] = v;
    const contentType = String(req.headers['content-type'] ?? '');
    if (contentType.includes('application/json')) {
      const parsed: unknown = text.length === 0 ? {} : JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('JSON body must be an object');
      Object.assign(args, parsed);
    } else {
      for (const [k, v] of new URLSearchParams(text)) args[k] = JSON_FIELDS.has(k) ? jsonField(k, v) : v;
    }
    const auth = String(req.headers.authorization ?? '');
    const bearer = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : undefined;
    const token = bearer || (typeof args.token === 'string' ? args.token : undefined);
    delete args.token;
    return { args, token };
  }

  private reply(res: ServerResponse, method: string, args: Args, answer: Answer): void {
    const status = answer.status ?? 200;
    if (status === 429) this.rateLimitedCount += 1;
    const error = answer.body.ok === true ? undefined : String(answer.body.error ?? 'unknown');
    this.callLog.push({
      method,
      args,
      at: Date.now(),
      status,
      ok: answer.body.ok === true,
      ...(error !== undefined && { error }),
    });
    send(res, status, JSON.stringify(answer.body), {
      'content-type': 'application/json; charset=utf-8',
      ...answer.headers,
    });
  }

  // ---- methods -------------------------------------------------------------

  private authTest(): Answer {
    return ok({
      url: `https://${TEAM_DOMAIN}.slack.com/`,
      team: 'chainsec sandbox',
      user: 'chainsec',
      team_id: TEAM_ID,
      user_id: BOT_USER_ID,
      bot_id: BOT_ID,
      is_enterprise_install: false,
    });
  }

  private postMessage(args: Args): Answer {
    const channel = this.channelOf(args);
    this.assertBotIn(channel);
    const { text, blocks } = this.content(args, true);
    if (this.limiter) {
      const decision = this.limiter.tryTake(channel, this.now());
      if (!decision.allowed) return rateLimited(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
    }
    const thread_ts = optional(args, 'thread_ts');
    const user = this.dmUserOf(channel);
    const message = this.messages.add({
      channel,
      text,
      blocks,
      kind: 'message',
      ...(thread_ts && { thread_ts }),
      ...(user && { user }),
    });
    const times = this.postTimes.get(channel) ?? [];
    times.push(Date.now());
    this.postTimes.set(channel, times);
    return ok({ channel, ts: message.ts, message: slackMessage(message) });
  }

  private update(args: Args): Answer {
    const channel = this.channelOf(args);
    this.assertBotIn(channel);
    const ts = required(args, 'ts', 'message_not_found');
    const existing = this.messages.find(channel, ts);
    if (existing?.kind !== 'message') throw new SlackApiError('message_not_found');
    const { text, blocks } = this.content(args, false);
    const updated = this.messages.update(channel, ts, {
      ...(text !== undefined && { text }),
      ...(blocks !== undefined && { blocks }),
    })!;
    return ok({ channel, ts, text: updated.text, message: slackMessage(updated) });
  }

  private postEphemeral(args: Args): Answer {
    const channel = this.channelOf(args);
    const user = required(args, 'user', 'user_not_found');
    if (!knownUser(user)) throw new SlackApiError('user_not_found');
    const { text, blocks } = this.content(args, true);
    const thread_ts = optional(args, 'thread_ts');
    const message = this.messages.add({
      channel,
      user,
      text,
      blocks,
      kind: 'ephemeral',
      ...(thread_ts && { thread_ts }),
    });
    return ok({ message_ts: message.ts });
  }

  private getPermalink(args: Args, req: IncomingMessage): Answer {
    const channel = this.channelOf(args);
    const ts = required(args, 'message_ts', 'message_not_found');
    if (!this.messages.find(channel, ts)) throw new SlackApiError('message_not_found');
    // The sandbox page shows the message at this address (same port as the API it was asked through).
    const port =
      String(req.headers.host ?? '')
        .split(':')
        .pop() || '80';
    return ok({ channel, permalink: `http://localhost:${port}/#/msg/${channel}/${ts}` });
  }

  private conversationsInfo(args: Args): Answer {
    const channel = this.channelOf(args);
    if (channel.startsWith('D'))
      return ok({ channel: { id: channel, is_im: true, user: this.dmUserOf(channel), is_member: true } });
    // A private channel the bot is not in is invisible to it.
    if (channel.startsWith('G') && this.botNotIn.has(channel)) throw new SlackApiError('channel_not_found');
    return ok({
      channel: {
        id: channel,
        name: CHANNEL_NAMES[channel] ?? channel.toLowerCase(),
        is_channel: channel.startsWith('C'),
        is_group: channel.startsWith('G'),
        is_private: channel.startsWith('G'),
        is_archived: false,
        is_member: !this.botNotIn.has(channel),
      },
    });
  }

  private conversationsOpen(args: Args): Answer {
    if (typeof args.channel === 'string') return ok({ channel: { id: args.channel } });
    const users = required(args, 'users', 'users_list_not_supplied')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
    const unknown = users.find((u) => !knownUser(u));
    if (unknown) throw new SlackApiError('user_not_found');
    if (users.length === 1) {
      const id = `D${users[0]}`;
      this.dmUsers.set(id, users[0]!);
      return ok({ channel: { id, is_im: true, user: users[0] } });
    }
    const id = `G${createHash('sha256')
      .update([...users].sort().join(','))
      .digest('hex')
      .slice(0, 10)
      .toUpperCase()}`;
    return ok({ channel: { id, is_mpim: true } });
  }

  private usersInfo(args: Args): Answer {
    const id = required(args, 'user', 'user_not_found');
    if (id === BOT_USER_ID)
      return ok({
        user: {
          id,
          team_id: TEAM_ID,
          name: 'chainsec',
          real_name: 'chainsec',
          is_bot: true,
          tz: 'UTC',
          tz_offset: 0,
          profile: { real_name: 'chainsec', display_name: 'chainsec', bot_id: BOT_ID },
        },
      });
    const user = SANDBOX_USERS.find((u) => u.id === id);
    if (!user) throw new SlackApiError('user_not_found');
    return ok({
      user: {
        id: user.id,
        team_id: TEAM_ID,
        name: user.name,
        real_name: user.realName,
        deleted: false,
        is_bot: false,
        is_admin: false,
        tz: 'UTC',
        tz_label: 'Coordinated Universal Time',
        tz_offset: 0,
        profile: { real_name: user.realName, display_name: user.name, team: TEAM_ID },
      },
    });
  }

  private usergroupUsers(args: Args): Answer {
    const group = required(args, 'usergroup', 'no_such_subteam');
    if (group !== APPROVERS_USERGROUP) throw new SlackApiError('no_such_subteam');
    return ok({ users: [...APPROVERS] });
  }

  private viewsOpen(args: Args): Answer {
    const trigger_id = required(args, 'trigger_id', 'invalid_arguments');
    const view = this.view(args);
    const id = viewId();
    this.openedViews.push({ trigger_id, view, id });
    return ok({
      view: { id, team_id: TEAM_ID, app_id: APP_ID, bot_id: BOT_ID, hash: randomBytes(8).toString('hex'), ...view },
    });
  }

  private viewsPublish(args: Args): Answer {
    const user = required(args, 'user_id', 'invalid_arguments');
    if (!knownUser(user)) throw new SlackApiError('user_not_found');
    const view = this.view(args);
    if (view.type !== 'home')
      throw new SlackApiError('invalid_arguments', {
        response_metadata: { messages: ['[ERROR] views.publish only takes views of type home'] },
      });
    this.homeViews[user] = view;
    return ok({
      view: {
        id: viewId(),
        team_id: TEAM_ID,
        app_id: APP_ID,
        bot_id: BOT_ID,
        hash: randomBytes(8).toString('hex'),
        ...view,
      },
    });
  }

  private viewsUpdate(args: Args): Answer {
    const view = this.view(args);
    const id = typeof args.view_id === 'string' ? args.view_id : undefined;
    const opened = id ? this.openedViews.find((v) => v.id === id) : undefined;
    if (!opened) throw new SlackApiError('not_found');
    opened.view = view;
    return ok({ view: { id, team_id: TEAM_ID, app_id: APP_ID, ...view } });
  }

  // ---- argument helpers ----------------------------------------------------

  /** A channel id, or a user id meaning the DM with that user (as Slack allows). */
  private channelOf(args: Args): string {
    const channel = typeof args.channel === 'string' ? args.channel.trim() : '';
    if (/^[UW][A-Z0-9]+$/.test(channel)) {
      if (!knownUser(channel)) throw new SlackApiError('channel_not_found');
      this.dmUsers.set(`D${channel}`, channel);
      return `D${channel}`;
    }
    if (!/^[CGD][A-Z0-9]+$/.test(channel)) throw new SlackApiError('channel_not_found');
    return channel;
  }

  /** Slack's refusal to post where the bot is not a member: `not_in_channel`, or `channel_not_found` for a private one. */
  private assertBotIn(channel: string): void {
    if (!this.botNotIn.has(channel)) return;
    throw new SlackApiError(channel.startsWith('G') ? 'channel_not_found' : 'not_in_channel');
  }

  /** The person a DM channel belongs to. */
  private dmUserOf(channel: string): string | undefined {
    if (!channel.startsWith('D')) return undefined;
    return this.dmUsers.get(channel) ?? (knownUser(channel.slice(1)) ? channel.slice(1) : undefined);
  }

  /** `text` and `blocks`, with the checks Slack makes. */
  private content(args: Args, requireSome: true): { text: string; blocks: unknown[] };
  private content(args: Args, requireSome: false): { text?: string; blocks?: unknown[] };
  private content(args: Args, requireSome: boolean): { text?: string; blocks?: unknown[] } {
    const text = typeof args.text === 'string' ? args.text : undefined;
    const blocks = args.blocks === undefined ? undefined : args.blocks;
    if (blocks !== undefined) {
      const problems = blockProblems(blocks);
      if (problems.length > 0)
        throw new SlackApiError('invalid_blocks', {
          errors: problems,
          response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) },
        });
    }
    if (requireSome && !text && (!Array.isArray(blocks) || blocks.length === 0) && args.attachments === undefined)
      throw new SlackApiError('no_text');
    if (text !== undefined && text.length > MAX_TEXT) throw new SlackApiError('msg_too_long');
    if (requireSome) return { text: text ?? '', blocks: (blocks as unknown[] | undefined) ?? [] };
    return { ...(text !== undefined && { text }), ...(blocks !== undefined && { blocks: blocks as unknown[] }) };
  }

  private view(args: Args): Record<string, unknown> {
    const view = args.view;
    if (typeof view !== 'object' || view === null || Array.isArray(view) || typeof (view as Args).type !== 'string') {
      throw new SlackApiError('invalid_arguments', {
        response_metadata: { messages: ['[ERROR] missing required field: view'] },
      });
    }
    const problems = blockProblems((view as Args).blocks ?? []);
    if (problems.length > 0)
      throw new SlackApiError('invalid_arguments', {
        response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) },
      });
    return view as Record<string, unknown>;
  }
}

/** A JSON-encoded form field; Slack answers `invalid_<field>_format`-style errors for bad JSON. */
function jsonField(field: string, value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw new SlackApiError(
      field === 'blocks' ? 'invalid_blocks_format' : field === 'view' ? 'invalid_arguments' : 'invalid_json',
    );
  }
}

function required(args: Args, field: string, error: string): string {
  const value = args[field];
  if (typeof value !== 'string' || value.length === 0) throw new SlackApiError(error);
  return value;
}

function optional(args: Args, field: string): string | undefined {
  const value = args[field];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function knownUser(id: string): boolean {
  return id === BOT_USER_ID || SANDBOX_USERS.some((u) => u.id === id);
}

function viewId(): string {
  return `V${randomBytes(5).toString('hex').toUpperCase()}`;
}

/** Slack's 429: `Retry-After` in whole seconds, body `ratelimited`. */
function rateLimited(retryAfterSec: number): Answer {
  return { status: 429, headers: { 'retry-after': String(retryAfterSec) }, body: { ok: false, error: 'ratelimited' } };
}

/** A message as the Web API returns it in `message`. */
function slackMessage(m: RecordedMessage): Record<string, unknown> {
  return {
    type: 'message',
    text: m.text,
    blocks: m.blocks,
    user: BOT_USER_ID,
    bot_id: BOT_ID,
    app_id: APP_ID,
    team: TEAM_ID,
    ts: m.ts,
    ...(m.thread_ts !== undefined && { thread_ts: m.thread_ts }),
  };
}

/** Most timestamps (sorted ascending) within any window of `windowMs`. */
function maxInWindow(times: number[], windowMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

export { MessageStore } from './MessageStore';
