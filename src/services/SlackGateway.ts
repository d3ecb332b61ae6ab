import type { KnownBlock, ModalView } from '@slack/types';
import type { PacePriority } from '../domain/pacing';

/** A message as chainsec builds it. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** The Slack Web API calls chainsec makes (bot token). */
export interface SlackGateway {
  /**
   * Posts to a channel (or a thread), paced where a pacer is wired; `priority`
   * (default `bulk`) orders it under a backlog (critical cards first).
   * @returns the message `ts` and the channel id
   * @throws ChannelUnreachableError when Slack says the bot is not in the channel, cannot see it, or it is archived
   */
  post(
    channel: string,
    message: SlackMessage,
    threadTs?: string,
    priority?: PacePriority,
  ): Promise<{ channel: string; ts: string }>;
  /** Replaces a message in place (paced like {@link post}). */
  update(channel: string, ts: string, message: SlackMessage, priority?: PacePriority): Promise<void>;
  /** Shows a message only `user` sees. */
  postEphemeral(channel: string, user: string, message: SlackMessage): Promise<void>;
  /** Direct-messages a user. @returns the DM channel and `ts` */
  dm(user: string, message: SlackMessage): Promise<{ channel: string; ts: string }>;
  /** Whether `userId` is a current (not deactivated) member of the workspace (`users.info`). */
  isWorkspaceUser(userId: string): Promise<boolean>;
  /**
   * Whether the bot is a member of `channel` (`conversations.info`, its
   * `is_member`), cached briefly; a channel Slack cannot find for the bot
   * (private and never joined, or deleted) is not one.
   * @throws when the lookup itself fails (network, scope): unknown, never "not a member"
   */
  isBotInChannel(channel: string): Promise<boolean>;
  /** Members of a user group (for approver groups). */
  usergroupMembers(usergroupId: string): Promise<string[]>;
  /** A link to a message, for DMs and `/chainsec pending`. */
  permalink(channel: string, ts: string): Promise<string | undefined>;
  /** Opens a modal for the person whose interaction gave `triggerId` (valid 3 s, once). */
  openView(triggerId: string, view: ModalView): Promise<void>;
  /** Publishes a user's App Home tab. */
  publishHome(user: string, view: { type: 'home'; blocks: KnownBlock[] }): Promise<void>;
}
