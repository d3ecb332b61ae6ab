import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import YAML from 'yaml';
import { SLACK_BOT_SCOPES, SLACK_METHODS_WITHOUT_SCOPE } from '../../../src/services/slackScopes';
import { sourceFiles } from './templateChecks';

const ROOT = path.resolve(__dirname, '../../..');
// A vendored copy of the upstream schema (schemas/vendor/README.md names its source and licence).
const MANIFEST_SCHEMA = path.join(ROOT, 'schemas/vendor/slack-manifest.schema.json');

interface Manifest {
  _metadata?: { major_version?: number };
  display_information: { name: string; description?: string; background_color?: string };
  features: {
    bot_user: { display_name: string; always_online?: boolean };
    app_home: { home_tab_enabled?: boolean; messages_tab_enabled?: boolean };
    slash_commands: Array<{ command: string; url?: string; description: string; usage_hint?: string }>;
  };
  oauth_config: { scopes: { bot: string[]; user?: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
    org_deploy_enabled: boolean;
    socket_mode_enabled: boolean;
    token_rotation_enabled: boolean;
  };
}

let validate: ValidateFunction;
let manifest: Manifest;

function errorsOf(value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

function copy(): Manifest {
  return JSON.parse(JSON.stringify(manifest)) as Manifest;
}

/** Slack Web API methods called anywhere in src (`client.chat.postMessage(`, `apiCall('x.y'`). */
function calledSlackMethods(): Set<string> {
  const methods = new Set<string>();
  for (const file of sourceFiles(path.join(ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(
      /\bclient\.((?:admin|apps|auth|bookmarks|bots|calls|chat|conversations|dnd|emoji|files|pins|reactions|reminders|search|stars|team|usergroups|users|views)(?:\.[a-zA-Z]+)+)\s*\(/g,
    )) {
      methods.add(m[1]!);
    }
    for (const m of text.matchAll(/apiCall\(\s*['"]([a-z]+(?:\.[a-zA-Z]+)+)['"]/g)) methods.add(m[1]!);
  }
  return methods;
}

beforeAll(() => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  validate = ajv.compile(JSON.parse(readFileSync(MANIFEST_SCHEMA, 'utf8')) as object);
  manifest = YAML.parse(readFileSync(path.join(ROOT, 'manifest.yml'), 'utf8')) as Manifest;
});

describe('File: manifest.yml', () => {
  it('validates against the Slack app manifest schema (1.0.0)', () => {
    // Prepare
    const document = manifest;

    // Act
    const errors = errorsOf(document);

    // Assess
    expect(errors).toEqual([]);
    expect(document._metadata?.major_version).toBe(1);
  });

  it('fails validation for a command without a leading slash, and for a name over 35 characters', () => {
    // Prepare
    const noSlash = copy();
    noSlash.features.slash_commands[0]!.command = 'chainsec';
    const longName = copy();
    longName.display_information.name = 'x'.repeat(36);

    // Act
    const slashErrors = errorsOf(noSlash);
    const nameErrors = errorsOf(longName);

    // Assess
    expect(slashErrors.join('\n')).toMatch(/slash_commands\/0\/command must match pattern/);
    expect(nameErrors.join('\n')).toMatch(/display_information\/name/);
  });

  it('requests exactly the bot scopes listed in src/services/slackScopes.ts, and no user scopes', () => {
    // Prepare
    const listed = SLACK_BOT_SCOPES.map((s) => s.scope);

    // Act
    const requested = manifest.oauth_config.scopes.bot;

    // Assess
    expect([...requested].sort()).toEqual([...listed].sort());
    expect(new Set(requested).size).toBe(requested.length);
    expect(manifest.oauth_config.scopes.user).toBeUndefined();
    for (const s of SLACK_BOT_SCOPES) expect(s.reason.length).toBeGreaterThan(10);
  });

  it('covers every Slack Web API method the code calls with a listed scope (or a method that needs none)', () => {
    // Prepare
    const covered = new Set([...SLACK_BOT_SCOPES.flatMap((s) => s.methods), ...SLACK_METHODS_WITHOUT_SCOPE]);

    // Act
    const called = calledSlackMethods();
    const uncovered = [...called].filter((m) => !covered.has(m));
    const unused = SLACK_BOT_SCOPES.filter((s) => s.methods.length > 0 && !s.methods.some((m) => called.has(m))).map(
      (s) => s.scope,
    );

    // Assess
    expect(called.size).toBeGreaterThan(0);
    expect(uncovered).toEqual([]);
    expect(unused).toEqual([]);
  });

  it('offers /chainsec with a description and a usage hint', () => {
    // Prepare
    const commands = manifest.features.slash_commands;

    // Act
    const chainsec = commands.find((c) => c.command === '/chainsec');

    // Assess
    expect(commands).toHaveLength(1);
    expect(chainsec?.description).toBeTruthy();
    expect(chainsec?.usage_hint).toBe(
      '[status | pending | incident <id> | verify [<id>] | stats [24h|7d|30d] | oncall | help]',
    );
  });

  it('points the command, interactivity and events at the same /slack/events URL', () => {
    // Prepare
    const { settings, features } = manifest;

    // Act
    const urls = [
      features.slash_commands[0]!.url,
      settings.interactivity.request_url,
      settings.event_subscriptions.request_url,
    ];

    // Assess
    expect(new Set(urls).size).toBe(1);
    expect(urls[0]).toBe('https://YOUR-API-ID.execute-api.YOUR-REGION.amazonaws.com/slack/events');
    expect(settings.interactivity.is_enabled).toBe(true);
  });

  it('subscribes to app_home_opened only, with the Home tab on and HTTP delivery', () => {
    // Prepare
    const { settings, features } = manifest;

    // Act
    const events = settings.event_subscriptions.bot_events;

    // Assess
    expect(events).toEqual(['app_home_opened']);
    expect(features.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: false });
    expect(features.bot_user).toEqual({ display_name: 'chainsec', always_online: true });
    expect(settings).toMatchObject({
      org_deploy_enabled: false,
      socket_mode_enabled: false,
      token_rotation_enabled: false,
    });
    expect(manifest.display_information.name.length).toBeLessThanOrEqual(35);
  });
});
