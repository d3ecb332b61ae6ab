import { ErrorCode, LogLevel, WebClient, type FetchFunction, type WebClientOptions } from '@slack/web-api';
import type { KnownBlock, ModalView } from '@slack/types';
import { ChannelUnreachableError } from '../errors';
import { nodeHttpFetch } from './nodeHttpFetch';
import { missedSlot, PACE_RULES, type PacedMethod, type PacePriority } from '../domain/pacing';
import type { SlackGateway, SlackMessage } from './SlackGateway';
import type { SlackPacer } from './SlackPacer';

/** Options of {@link WebApiSlackGateway}. */
export interface WebApiSlackGatewayOptions {
  /** An existing client (Bolt's `app.client`), or a token to build one. */
  client?: WebClient;
  token?: string;
  /** Base URL of the Web API; the sandbox points this at its local Slack API. */
  slackApiUrl?: string;
  timeoutMs: number;
  /** Retries for 5xx and network errors; 429s are always waited out (`Retry-After`). */
  retries: number;
  /**
   * The client throws on a 429 instead of waiting it out itself, so the
   * gateway books the retry through its pacer (see {@link WebApiSlackGateway}).
   * Only for a client whose gateway has a pacer.
   */
  rejectRateLimitedCalls?: boolean;
  /** Paces chat.postMessage / chat.update per channel (the functions that post); none: send at once. */
  pacer?: SlackPacer;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One transport per container, shared by every WebClient (keep-alive connections). */
let sharedFetch: FetchFunction | undefined;
/** The Slack transport every WebClient here uses (see {@link nodeHttpFetch}). */
export const slackFetch = (): FetchFunction => (sharedFetch ??= nodeHttpFetch());

/**
 * The settings of chainsec's WebClient: bounded retries, a timeout, our
 * transport, and the bot token as the `Authorization` header. The header
 * (rather than the constructor's token argument) lets Bolt's App build the
 * one client of the Slack Lambda from these settings: `new App({ clientOptions })`
 * has no token of its own when it authorises with `authorize`.
 */
export function slackClientOptions(
  token: string,
  options: Omit<WebApiSlackGatewayOptions, 'client' | 'token'>,
): WebClientOptions {
  return {
    timeout: options.timeoutMs,
    // Rate-limit waits are expected under load; real failures surface as errors.
    logLevel: LogLevel.ERROR,
    retryConfig: { retries: options.retries, factor: 2, minTimeout: 200, maxTimeout: 2000, randomize: true },
    ...(options.rejectRateLimitedCalls && { rejectRateLimitedCalls: true }),
    ...(options.slackApiUrl !== undefined && { slackApiUrl: options.slackApiUrl }),
    // node:http instead of the global fetch: no undici load on a cold start.
    fetch: slackFetch(),
    headers: { Authorization: `Bearer ${token}` },
  };
}

/** Builds a WebClient with {@link slackClientOptions}. */
export function buildWebClient(token: string, options: Omit<WebApiSlackGatewayOptions, 'client' | 'token'>): WebClient {
  return new WebClient(token, slackClientOptions(token, options));
}

/** Slack's answers to a post that mean the bot cannot post in that channel (not a failure of the call). */
const UNREACHABLE = new Set(['not_in_channel', 'channel_not_found', 'is_archived']);

/** The Slack error of a WebClient platform error (`{ ok: false, error }`), if it is one. */
const slackErrorOf = (e: unknown): string | undefined => (e as { data?: { error?: string } }).data?.error;

/** A conversation whose membership is worth caching: a channel, not a DM. */
const isChannel = (channel: string): boolean => /^[CG]/.test(channel);

/**
 * Whether the bot is in a channel, by channel id, shared by every gateway of
 * the process (one workspace per deployment): what a post or a lookup last
 * learnt, kept {@link MEMBERSHIP_TTL_MS}.
 */
const membership = new Map<string, { member: boolean; until: number }>();
/** Membership is cached briefly: a status or Home tab opened by many people costs one lookup a minute per channel. */
const MEMBERSHIP_TTL_MS = 60_000;

/** A new message's text and blocks; a text-only message (no blocks) is sent without `blocks`. */
function content(message: SlackMessage): { text: string; blocks?: SlackMessage['blocks'] } {
  return message.blocks.length > 0 ? { text: message.text, blocks: message.blocks } : { text: message.text };
}

/** 429s one call waits out before its error surfaces (the WebClient's own default is about as patient). */
const MAX_RATE_LIMITED = 5;
/** Slots a caller may miss (woken too late) before it sends anyway. */
const MAX_MISSED_SLOTS = 3;

/** The `Retry-After` (s) of a 429 the WebClient rejected (`rejectRateLimitedCalls`), else undefined. */
function retryAfterOf(e: unknown): number | undefined {
  const err = e as { code?: unknown; retryAfter?: unknown } | null;
  if (err?.code !== ErrorCode.RateLimitedError) return undefined;
  return typeof err.retryAfter === 'number' && err.retryAfter >= 0 ? err.retryAfter : 1;
}

/** A paced call's slot key and priority. */
interface PaceSlot {
  channel: string;
  method: PacedMethod;
  priority: PacePriority;
}

/**
 * {@link SlackGateway} on `@slack/web-api`.
 *
 * With a pacer, the client rejects 429s (`rejectRateLimitedCalls`) and this
 * gateway retries them: a paced call books a new slot no earlier than
 * `Retry-After`, so every later caller of the channel queues behind it. The
 * WebClient's own retry would resend outside the pacer, land in the next
 * caller's slot, have that one answered 429, and so on: one 429 every
 * interval for as long as the backlog lasts (measured in the storm).
 */
export class WebApiSlackGateway implements SlackGateway {
  private readonly client: WebClient;
  private readonly dmChannels = new Map<string, string>();
  private readonly groups = new Map<string, { members: string[]; until: number }>();
  /** User group membership is cached briefly: fresh enough to follow changes, cheap per click. */
  private static readonly GROUP_TTL_MS = 60_000;

  private readonly pacer?: SlackPacer;

  public constructor(options: WebApiSlackGatewayOptions) {
    if (options.pacer) this.pacer = options.pacer;
    if (options.client) this.client = options.client;
    else if (options.token) this.client = buildWebClient(options.token, options);
    else throw new Error('WebApiSlackGateway needs a client or a token');
  }

  /**
   * Makes one Web API call: in its pacer's slot when `slot` is given, and
   * through any 429 the client rejects (see the class comment).
   */
  private async call<T>(send: () => Promise<T>, slot?: PaceSlot): Promise<T> {
    let notBefore: number | undefined;
    for (let limited = 0; ; limited++) {
      if (slot && this.pacer) await this.waitForSlot(this.pacer, slot, notBefore);
      try {
        return await send();
      } catch (e) {
        const retryAfter = retryAfterOf(e);
        if (retryAfter === undefined || limited >= MAX_RATE_LIMITED) throw e;
        notBefore = Date.now() + retryAfter * 1000;
        if (!(slot && this.pacer)) await sleep(retryAfter * 1000);
      }
    }
  }

  /**
   * Books the call's slot and sleeps until it. A caller that wakes too late
   * (a busy event loop, a slow store) books again rather than crowd the next
   * caller's slot into a 429; after a few misses it goes anyway.
   */
  private async waitForSlot(pacer: SlackPacer, slot: PaceSlot, notBefore?: number): Promise<void> {
    let after = notBefore;
    for (let missed = 0; ; missed++) {
      const at = await pacer.reserve(slot.channel, slot.method, slot.priority, after);
      const waitMs = at - Date.now();
      if (waitMs > 0) await sleep(waitMs);
      if (missed >= MAX_MISSED_SLOTS || !missedSlot(PACE_RULES[slot.method], Date.now() - at)) return;
      after = Date.now();
    }
  }

  public async post(channel: string, message: SlackMessage, threadTs?: string, priority: PacePriority = 'bulk') {
    let out: Awaited<ReturnType<WebClient['chat']['postMessage']>>;
    try {
      out = await this.call(
        () =>
          this.client.chat.postMessage({
            channel,
            ...content(message),
            unfurl_links: false,
            unfurl_media: false,
            ...(threadTs !== undefined && { thread_ts: threadTs }),
          }),
        { channel, method: 'chat.postMessage', priority },
      );
    } catch (e) {
      const error = slackErrorOf(e);
      if (error === undefined || !UNREACHABLE.has(error)) throw e;
      if (isChannel(channel)) membership.set(channel, { member: false, until: Date.now() + MEMBERSHIP_TTL_MS });
      throw new ChannelUnreachableError(channel, error, { cause: e });
    }
    if (isChannel(channel)) membership.set(channel, { member: true, until: Date.now() + MEMBERSHIP_TTL_MS });
    return { channel: out.channel ?? channel, ts: String(out.ts) };
  }

  public async update(
    channel: string,
    ts: string,
    message: SlackMessage,
    priority: PacePriority = 'bulk',
  ): Promise<void> {
    await this.call(() => this.client.chat.update({ channel, ts, text: message.text, blocks: message.blocks }), {
      channel,
      method: 'chat.update',
      priority,
    });
  }

  public async postEphemeral(channel: string, user: string, message: SlackMessage): Promise<void> {
    await this.call(() => this.client.chat.postEphemeral({ channel, user, ...content(message) }));
  }

  public async dm(user: string, message: SlackMessage) {
    let channel = this.dmChannels.get(user);
    if (!channel) {
      const opened = await this.call(() => this.client.conversations.open({ users: user }));
      channel = opened.channel?.id;
      if (!channel) throw new Error(`could not open a DM with ${user}`);
      this.dmChannels.set(user, channel);
    }
    return this.post(channel, message, undefined, 'escalation');
  }

  public async isWorkspaceUser(userId: string): Promise<boolean> {
    try {
      const out = await this.call(() => this.client.users.info({ user: userId }));
      return out.user?.id === userId && out.user.deleted !== true;
    } catch (e) {
      // Slack says so for an id it does not know; anything else is a failed lookup.
      if (slackErrorOf(e) === 'user_not_found') return false;
      throw e;
    }
  }

  public async isBotInChannel(channel: string): Promise<boolean> {
    const cached = membership.get(channel);
    if (cached && cached.until > Date.now()) return cached.member;
    let member: boolean;
    try {
      const out = await this.call(() => this.client.conversations.info({ channel }));
      member = out.channel?.is_member === true;
    } catch (e) {
      // A private channel the bot was never invited to is invisible to it: Slack answers channel_not_found.
      if (slackErrorOf(e) !== 'channel_not_found') throw e;
      member = false;
    }
    membership.set(channel, { member, until: Date.now() + MEMBERSHIP_TTL_MS });
    return member;
  }

  public async usergroupMembers(usergroupId: string): Promise<string[]> {
    const cached = this.groups.get(usergroupId);
    if (cached && cached.until > Date.now()) return cached.members;
    const out = await this.call(() => this.client.usergroups.users.list({ usergroup: usergroupId }));
    const members = out.users ?? [];
    this.groups.set(usergroupId, { members, until: Date.now() + WebApiSlackGateway.GROUP_TTL_MS });
    return members;
  }

  public async permalink(channel: string, ts: string): Promise<string | undefined> {
    try {
      const out = await this.call(() => this.client.chat.getPermalink({ channel, message_ts: ts }));
      return out.permalink;
    } catch {
      return undefined;
    }
  }

  public async openView(triggerId: string, view: ModalView): Promise<void> {
    await this.call(() => this.client.views.open({ trigger_id: triggerId, view }));
  }

  public async publishHome(user: string, view: { type: 'home'; blocks: KnownBlock[] }): Promise<void> {
    await this.call(() => this.client.views.publish({ user_id: user, view }));
  }
}
