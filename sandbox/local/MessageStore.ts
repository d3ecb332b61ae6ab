/** How a recorded message reached people. */
export type MessageKind = 'message' | 'ephemeral' | 'response_url';

/** A message the bot has shown, in the shape `GET /sandbox/messages` answers (docs/SANDBOX.md). */
export interface RecordedMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  thread_ts?: string;
  /** For ephemeral messages and DMs: the person who sees it. */
  user?: string;
  kind: MessageKind;
  /** How many `chat.update`s replaced it. */
  updates: number;
}

/** What a new message carries (the store assigns `ts` and `updates`). */
export interface NewMessage {
  channel: string;
  text?: string;
  blocks?: unknown[];
  thread_ts?: string;
  user?: string;
  kind: MessageKind;
}

/**
 * Every message the bot has shown, in order: channel posts, DMs, ephemeral
 * messages and what was posted to a `response_url`. Timestamps are Slack
 * style (`seconds.micros`), unique and increasing.
 */
export class MessageStore {
  private readonly entries: RecordedMessage[] = [];
  private readonly byKey = new Map<string, RecordedMessage>();
  private lastMicros = 0;

  /** A fresh Slack timestamp, e.g. `1700000000.000100`, greater than any before. */
  public nextTs(): string {
    this.lastMicros = Math.max(this.lastMicros + 1, Date.now() * 1000);
    const seconds = Math.floor(this.lastMicros / 1_000_000);
    const micros = this.lastMicros % 1_000_000;
    return `${seconds}.${String(micros).padStart(6, '0')}`;
  }

  /** Records a message and returns it (a copy). */
  public add(message: NewMessage): RecordedMessage {
    const entry: RecordedMessage = {
      channel: message.channel,
      ts: this.nextTs(),
      text: message.text ?? '',
      blocks: message.blocks ?? [],
      ...(message.thread_ts !== undefined && { thread_ts: message.thread_ts }),
      ...(message.user !== undefined && { user: message.user }),
      kind: message.kind,
      updates: 0,
    };
    this.entries.push(entry);
    this.byKey.set(key(entry.channel, entry.ts), entry);
    return { ...entry };
  }

  /** Records what was posted to a `response_url`. */
  public recordResponseUrl(message: {
    channel?: string;
    user?: string;
    text?: string;
    blocks?: unknown[];
    thread_ts?: string;
  }): RecordedMessage {
    return this.add({ ...message, channel: message.channel ?? '', kind: 'response_url' });
  }

  /**
   * Replaces a message's text and/or blocks (`chat.update`) and counts the update.
   * @returns the updated message, or undefined when there is none at that channel and ts.
   */
  public update(
    channel: string,
    ts: string,
    change: { text?: string; blocks?: unknown[] },
  ): RecordedMessage | undefined {
    const entry = this.byKey.get(key(channel, ts));
    if (!entry) return undefined;
    if (change.text !== undefined) entry.text = change.text;
    if (change.blocks !== undefined) entry.blocks = change.blocks;
    entry.updates += 1;
    return { ...entry };
  }

  /** One message, by channel and ts. */
  public find(channel: string, ts: string): RecordedMessage | undefined {
    const entry = this.byKey.get(key(channel, ts));
    return entry && { ...entry };
  }

  /** Every message, in the order shown. */
  public all(): RecordedMessage[] {
    return this.entries.map((e) => ({ ...e }));
  }

  /** How many messages are recorded. */
  public get size(): number {
    return this.entries.length;
  }

  /** Forgets every message. */
  public clear(): void {
    this.entries.length = 0;
    this.byKey.clear();
  }
}

function key(channel: string, ts: string): string {
  return `${channel}\u0000${ts}`;
}
