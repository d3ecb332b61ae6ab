import type { KnownBlock, ModalView } from '@slack/types';
import { ChannelUnreachableError } from '../../../src/errors';
import type { SlackGateway, SlackMessage } from '../../../src/services/SlackGateway';
import { Faults, otherCallersFirst } from './Faults';

/** One call the bot made, with what it sent. */
export type SlackCall =
  | { method: 'post'; channel: string; message: SlackMessage; threadTs?: string; ts: string }
  | { method: 'update'; channel: string; ts: string; message: SlackMessage }
  | { method: 'postEphemeral'; channel: string; user: string; message: SlackMessage }
  | { method: 'dm'; user: string; message: SlackMessage; ts: string }
  | { method: 'isWorkspaceUser'; userId: string }
  | { method: 'isBotInChannel'; channel: string }
  | { method: 'usergroupMembers'; usergroupId: string }
  | { method: 'permalink'; channel: string; ts: string }
  | { method: 'openView'; triggerId: string; view: ModalView }
  | { method: 'publishHome'; user: string; view: { type: 'home'; blocks: KnownBlock[] } };

/** The gateway's methods, as fault names. */
export type SlackMethod = SlackCall['method'];

/**
 * A {@link SlackGateway} that records every call (what a person would have
 * seen) and answers like Slack: posts get increasing `ts` values, a DM goes
 * to `D<user>`. A failed call (see `faults`) is recorded too, then throws.
 * A post to a channel in `botNotIn` is refused as Slack refuses it
 * (`not_in_channel`, a {@link ChannelUnreachableError}).
 */
export class RecordingSlackGateway implements SlackGateway {
  public readonly calls: SlackCall[] = [];
  public readonly faults = new Faults<SlackMethod>();
  /** Channels the bot is not a member of (it is in every other one). */
  public readonly botNotIn = new Set<string>();
  private seq = 0;

  /**
   * @param usergroups members by user group id
   * @param outsiders users who are not (or no longer) members of the workspace
   */
  public constructor(
    private readonly usergroups: Record<string, string[]> = {},
    private readonly outsiders: ReadonlySet<string> = new Set(),
  ) {}

  /** The calls of one method, typed. */
  public callsOf<M extends SlackMethod>(method: M): Array<Extract<SlackCall, { method: M }>> {
    return this.calls.filter((c): c is Extract<SlackCall, { method: M }> => c.method === method);
  }

  public async post(
    channel: string,
    message: SlackMessage,
    threadTs?: string,
  ): Promise<{ channel: string; ts: string }> {
    const ts = this.nextTs();
    await this.record({ method: 'post', channel, message, ...(threadTs !== undefined && { threadTs }), ts });
    if (this.botNotIn.has(channel)) throw new ChannelUnreachableError(channel, 'not_in_channel');
    return { channel, ts };
  }

  public async update(channel: string, ts: string, message: SlackMessage): Promise<void> {
    await this.record({ method: 'update', channel, ts, message });
  }

  public async postEphemeral(channel: string, user: string, message: SlackMessage): Promise<void> {
    await this.record({ method: 'postEphemeral', channel, user, message });
  }

  public async dm(user: string, message: SlackMessage): Promise<{ channel: string; ts: string }> {
    const ts = this.nextTs();
    await this.record({ method: 'dm', user, message, ts });
    return { channel: `D${user}`, ts };
  }

  public async isWorkspaceUser(userId: string): Promise<boolean> {
    await this.record({ method: 'isWorkspaceUser', userId });
    return !this.outsiders.has(userId);
  }

  public async isBotInChannel(channel: string): Promise<boolean> {
    await this.record({ method: 'isBotInChannel', channel });
    return !this.botNotIn.has(channel);
  }

  public async usergroupMembers(usergroupId: string): Promise<string[]> {
    await this.record({ method: 'usergroupMembers', usergroupId });
    return [...(this.usergroups[usergroupId] ?? [])];
  }

  public async openView(triggerId: string, view: ModalView): Promise<void> {
    await this.record({ method: 'openView', triggerId, view });
  }

  public async permalink(channel: string, ts: string): Promise<string | undefined> {
    await this.record({ method: 'permalink', channel, ts });
    return `https://chainsec.slack.example/archives/${channel}/p${ts.replace('.', '')}`;
  }

  public async publishHome(user: string, view: { type: 'home'; blocks: KnownBlock[] }): Promise<void> {
    await this.record({ method: 'publishHome', user, view });
  }

  private async record(call: SlackCall): Promise<void> {
    await otherCallersFirst();
    this.calls.push(call);
    this.faults.check(call.method);
  }

  private nextTs(): string {
    return `1700000000.${String(++this.seq).padStart(6, '0')}`;
  }
}
