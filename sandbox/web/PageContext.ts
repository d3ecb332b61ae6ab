/**
 * What the sandbox page's server routes may use from the sandbox: its URL,
 * the signing secret (to sign requests as Slack would), a way to mint
 * `response_url`s that record answers for the right user, and a way to send a
 * signed request through the real `POST /slack/events` path.
 */
export interface PageContext {
  /** e.g. http://localhost:3000 */
  url: string;
  signingSecret: string;
  responseUrlFor(target: { channel?: string; user?: string }): string;
  /** Sends a request to the Bolt app exactly as Slack would (the body is signed by the caller). */
  postToSlackEvents(body: string, headers: Record<string, string>): Promise<{ status: number; body: string }>;
  /** App Home views published per user (views.publish). */
  homeView(user: string): unknown;
  /**
   * A recorded message by channel and ts, so a click's payload carries
   * `message` as Slack's does. Optional: without it the page routes read
   * `GET /sandbox/messages`.
   */
  message?(channel: string, ts: string): { text?: string; blocks?: unknown[] } | undefined;
  /** Modals opened so far (views.open), oldest first: the page submits them as Slack would. */
  openedViews?(): ReadonlyArray<{ id: string; view: unknown }>;
}
