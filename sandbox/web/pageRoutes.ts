import { ReasonView } from '../../src/domain/actionIds';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { z } from 'zod';
import { readBody, parseJsonBody, sendJson } from '../http';
import { APP_ID, BOT_USER_ID, SANDBOX_USERS, TEAM_ID } from '../identities';
import { blockActionsPayload, signSlackRequest, slashCommandBody, viewSubmissionPayload } from '../local/slackSigning';
import type { PageContext } from './PageContext';
import { findingSamples } from '../samples/findingEvents';

/**
 * The sandbox web page (docs/SANDBOX.md, `GET /`) and the few server routes
 * it needs to act as a Slack client: every click, command and Home-tab open is
 * turned into the request Slack would send, signed with the signing secret, and
 * sent through the real `POST /slack/events` handler.
 */

const STATIC_DIR = path.join(__dirname, 'static');

/** The only files `GET /web/<file>` serves, with their content types. */
const STATIC_FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'mrkdwn.js': 'text/javascript; charset=utf-8',
  'blockkit.js': 'text/javascript; charset=utf-8',
  'ledger.js': 'text/javascript; charset=utf-8',
  'samples.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

/** Strict: only our own files, no inline script or style, nothing framed, no plugins. */
export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': PAGE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const USER_IDS = SANDBOX_USERS.map((u) => u.id);
const userId = z
  .string()
  .refine((u) => USER_IDS.includes(u), { message: `must be one of the sandbox identities: ${USER_IDS.join(', ')}` });
const channelId = z.string().regex(/^[CDG][A-Z0-9]{1,40}$/, 'must be a Slack channel id (C…, D… or G…)');
const slackTs = z.string().regex(/^\d{1,12}\.\d{1,6}$/, 'must be a Slack message ts like 1700000000.000100');

const clickFields = {
  user: userId,
  actionId: z.string().min(1).max(255),
  value: z.string().max(2000).optional(),
  blockId: z.string().min(1).max(255).optional(),
  buttonText: z.string().max(200).optional(),
  /** An overflow menu's chosen option (the card's "… with reason"). */
  selectedOption: z.string().min(1).max(150).optional(),
};

/** A click on a button of a view (the App Home tab). */
const ViewClickBody = z.object({ ...clickFields, view: z.literal(true) }).strict();

/** A click on a button of a message. */
const MessageClickBody = z
  .object({ ...clickFields, view: z.literal(false).optional(), channel: channelId, messageTs: slackTs })
  .strict();

/** `view: true` picks the view schema, so errors name the fields that matter. */
const clickSchema = (raw: unknown) =>
  typeof raw === 'object' && raw !== null && (raw as { view?: unknown }).view === true
    ? ViewClickBody
    : MessageClickBody;

const CommandBody = z
  .object({
    user: userId,
    channel: channelId,
    text: z.string().max(4000),
  })
  .strict();

const HomeOpenedBody = z.object({ user: userId }).strict();

/** A modal the page shows, submitted with the reason typed (the reason modal's one input). */
const SubmitViewBody = z
  .object({ user: userId, viewId: z.string().min(1).max(64), reason: z.string().max(3000) })
  .strict();

/** 400 with a readable list of what is wrong. */
function badRequest(res: ServerResponse, error: z.ZodError): void {
  sendJson(res, 400, {
    error: 'invalid request body',
    issues: error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(body)'}: ${i.message}`),
  });
}

/** Reads and validates a JSON body; answers 400 itself and returns undefined when it is not acceptable. */
async function readValid<T>(
  req: IncomingMessage,
  res: ServerResponse,
  schemaFor: z.ZodType<T> | ((raw: unknown) => z.ZodType<T>),
): Promise<T | undefined> {
  const parsed = parseJsonBody(await readBody(req));
  if (!parsed.ok) {
    sendJson(res, 400, { error: parsed.error });
    return undefined;
  }
  const schema = typeof schemaFor === 'function' ? schemaFor(parsed.value) : schemaFor;
  const result = schema.safeParse(parsed.value);
  if (!result.success) {
    badRequest(res, result.error);
    return undefined;
  }
  return result.data;
}

/** Sends a body to the Bolt app signed as Slack would, and hands back its HTTP answer. */
async function sendSigned(
  ctx: PageContext,
  body: string,
  contentType: string,
): Promise<{ status: number; body: string }> {
  const headers = {
    'content-type': contentType,
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    ...signSlackRequest(body, ctx.signingSecret),
  };
  return ctx.postToSlackEvents(body, headers);
}

/** The message a button sits on, so the payload carries `message` as Slack's does (best effort). */
async function findMessage(
  ctx: PageContext,
  channel: string,
  ts: string,
): Promise<{ text?: string; blocks?: unknown[] } | undefined> {
  if (ctx.message) return ctx.message(channel, ts);
  try {
    const answer = await fetch(`${ctx.url}/sandbox/messages`);
    if (!answer.ok) return undefined;
    const all = (await answer.json()) as Array<{ channel: string; ts: string; text?: string; blocks?: unknown[] }>;
    return all.find((m) => m.channel === channel && m.ts === ts);
  } catch {
    return undefined;
  }
}

/** A stable id for a user's Home tab view (the local Slack API does not assign one). */
const homeViewId = (user: string) => `V0HOME${user}`;

async function click(ctx: PageContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readValid<z.infer<typeof ViewClickBody> | z.infer<typeof MessageClickBody>>(req, res, clickSchema);
  if (!body) return;
  const common = {
    user: body.user,
    actionId: body.actionId,
    ...(body.value !== undefined && { value: body.value }),
    ...(body.blockId !== undefined && { blockId: body.blockId }),
    ...(body.buttonText !== undefined && { buttonText: body.buttonText }),
    ...(body.selectedOption !== undefined && { selectedOption: body.selectedOption }),
  };
  const viewsBefore = ctx.openedViews?.().length ?? 0;
  let form: string;
  if (body.view === true) {
    const home = (ctx.homeView(body.user) ?? {}) as Record<string, unknown>;
    form = blockActionsPayload({ ...common, view: { ...home, id: homeViewId(body.user), type: 'home' } });
  } else {
    const message = await findMessage(ctx, body.channel, body.messageTs);
    form = blockActionsPayload({
      ...common,
      channel: body.channel,
      messageTs: body.messageTs,
      ...(message && { message: { text: message.text ?? '', blocks: message.blocks ?? [] } }),
      responseUrl: ctx.responseUrlFor({ channel: body.channel, user: body.user }),
    });
  }
  const answer = await sendSigned(ctx, form, 'application/x-www-form-urlencoded');
  // A click that opened a modal (the reason menu): the page shows it and submits it.
  const modal = ctx.openedViews?.().slice(viewsBefore)[0];
  sendJson(res, 200, { ...answer, ...(modal && { modal }) });
}

/** Submits a modal the page showed, as Slack would (`view_submission`, signed), with the reason typed. */
async function submitView(ctx: PageContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readValid(req, res, SubmitViewBody);
  if (!body) return;
  const opened = ctx.openedViews?.().find((v) => v.id === body.viewId);
  if (!opened) return sendJson(res, 404, { error: 'no such modal', viewId: body.viewId });
  const view = { ...(opened.view as Record<string, unknown>), id: opened.id };
  const values = { [ReasonView.InputBlock]: { [ReasonView.InputAction]: body.reason } };
  sendJson(
    res,
    200,
    await sendSigned(
      ctx,
      viewSubmissionPayload({ user: body.user, view, values }),
      'application/x-www-form-urlencoded',
    ),
  );
}

async function command(ctx: PageContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readValid(req, res, CommandBody);
  if (!body) return;
  const form = slashCommandBody({
    user: body.user,
    channel: body.channel,
    text: body.text.replace(/^\s*\/chainsec\b/, '').trim(),
    command: '/chainsec',
    responseUrl: ctx.responseUrlFor({ channel: body.channel, user: body.user }),
  });
  sendJson(res, 200, await sendSigned(ctx, form, 'application/x-www-form-urlencoded'));
}

/** The Events API envelope Slack posts for `app_home_opened` (Home tab). */
export function appHomeOpenedEvent(user: string, nowMs: number = Date.now()): Record<string, unknown> {
  const eventTs = (nowMs / 1000).toFixed(6);
  return {
    token: 'sandbox-verification-token',
    team_id: TEAM_ID,
    api_app_id: APP_ID,
    event: { type: 'app_home_opened', user, channel: `D${user}`, tab: 'home', event_ts: eventTs },
    type: 'event_callback',
    event_id: `Ev${randomBytes(8).toString('hex').toUpperCase()}`,
    event_time: Math.floor(nowMs / 1000),
    authorizations: [
      { enterprise_id: null, team_id: TEAM_ID, user_id: BOT_USER_ID, is_bot: true, is_enterprise_install: false },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${randomBytes(12).toString('base64url')}`,
  };
}

async function homeOpened(ctx: PageContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readValid(req, res, HomeOpenedBody);
  if (!body) return;
  sendJson(res, 200, await sendSigned(ctx, JSON.stringify(appHomeOpenedEvent(body.user)), 'application/json'));
}

function home(ctx: PageContext, url: URL, res: ServerResponse): void {
  const result = HomeOpenedBody.safeParse({ user: url.searchParams.get('user') ?? '' });
  if (!result.success) {
    badRequest(res, result.error);
    return;
  }
  const view = ctx.homeView(result.data.user);
  sendJson(res, 200, { user: result.data.user, viewId: homeViewId(result.data.user), view: view ?? null });
}

async function serveStatic(res: ServerResponse, file: string): Promise<void> {
  const type = Object.hasOwn(STATIC_FILES, file) ? STATIC_FILES[file] : undefined;
  if (!type) return sendJson(res, 404, { error: 'not_found', file });
  const content = await readFile(path.join(STATIC_DIR, file));
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': content.length });
  res.end(content);
}

const UI_ROUTES: Record<string, string> = {
  '/sandbox/ui/click': 'POST',
  '/sandbox/ui/command': 'POST',
  '/sandbox/ui/home-opened': 'POST',
  '/sandbox/ui/home': 'GET',
  '/sandbox/ui/submit-view': 'POST',
  '/sandbox/ui/finding-samples': 'GET',
};

/**
 * Serves the page, its assets and its `/sandbox/ui/*` routes.
 * @returns false when `pathname` is not one of them (the caller answers 404)
 */
export async function handlePageRequest(
  ctx: PageContext,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): Promise<boolean> {
  const method = req.method ?? 'GET';
  if (pathname === '/' || pathname === '/index.html') {
    if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(res, 'GET');
    await serveStatic(res, 'index.html');
    return true;
  }
  if (pathname.startsWith('/web/')) {
    if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(res, 'GET');
    // Only bare whitelisted names: no sub-folders, no `..`, no encoded tricks.
    await serveStatic(res, pathname.slice('/web/'.length));
    return true;
  }
  const expected = UI_ROUTES[pathname];
  if (!expected) return false;
  if (method !== expected) return methodNotAllowed(res, expected);
  const url = new URL(req.url ?? pathname, 'http://localhost');
  switch (pathname) {
    case '/sandbox/ui/click':
      await click(ctx, req, res);
      break;
    case '/sandbox/ui/command':
      await command(ctx, req, res);
      break;
    case '/sandbox/ui/home-opened':
      await homeOpened(ctx, req, res);
      break;
    case '/sandbox/ui/home':
      home(ctx, url, res);
      break;
    case '/sandbox/ui/submit-view':
      await submitView(ctx, req, res);
      break;
    case '/sandbox/ui/finding-samples':
      // GuardDuty and Security Hub events, for POST /sandbox/events (the same builders the tests use).
      sendJson(res, 200, findingSamples());
      break;
  }
  return true;
}

function methodNotAllowed(res: ServerResponse, allow: string): true {
  res.setHeader('allow', allow);
  sendJson(res, 405, { error: 'method_not_allowed', allow });
  return true;
}
