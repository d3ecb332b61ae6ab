import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Where screenshots go (git-ignored). */
export const ARTIFACTS_DIR = path.resolve(__dirname, '..', 'artifacts');

/** Flags for a headless Chromium in a container (no sandbox, no GPU, no network chatter). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

function onPath(name: string): string | undefined {
  try {
    const found = execFileSync('which', [name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return found !== '' && existsSync(found) ? found : undefined;
  } catch {
    return undefined;
  }
}

/** A Chromium installed by Playwright (`npx playwright install chromium`), if any. */
function playwrightCacheChromium(): string | undefined {
  const root = process.env.PLAYWRIGHT_BROWSERS_PATH ?? path.join(os.homedir(), '.cache', 'ms-playwright');
  if (!existsSync(root)) return undefined;
  for (const dir of readdirSync(root)
    .filter((d) => d.startsWith('chromium'))
    .sort()
    .reverse()) {
    for (const rel of [
      'chrome-linux64/chrome',
      'chrome-linux/chrome',
      'chrome-headless-shell-linux64/chrome-headless-shell',
    ]) {
      const candidate = path.join(root, dir, rel);
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

/** A Chromium executable: `CHROMIUM_PATH`, the system one, or Playwright's. */
export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  for (const p of [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
  ])
    if (existsSync(p)) return p;
  return onPath('chromium') ?? onPath('chromium-browser') ?? onPath('google-chrome') ?? playwrightCacheChromium();
}

/**
 * Finds Chromium, installing Debian's package when it is missing and we may
 * (root, apt-get present, `CHAINSEC_INSTALL_CHROMIUM` not `0`).
 * @returns the executable, or why there is none
 */
export function ensureChromium(): { path: string } | { path: undefined; reason: string } {
  const found = findChromium();
  if (found) return { path: found };
  const mayInstall =
    process.env.CHAINSEC_INSTALL_CHROMIUM !== '0' && process.getuid?.() === 0 && onPath('apt-get') !== undefined;
  if (!mayInstall)
    return { path: undefined, reason: 'no Chromium found (set CHROMIUM_PATH, or install the "chromium" package)' };
  const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
    stdio: 'ignore',
    timeout: 300_000,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  const after = findChromium();
  if (after) return { path: after };
  return {
    path: undefined,
    reason: `no Chromium found and "apt-get install chromium" did not provide one (exit ${String(install.status)})`,
  };
}

/** Launches headless Chromium with container-friendly flags. */
export async function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

/** The artifacts folder, created when missing; returns the path of `file` in it. */
export function artifactPath(file: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return path.join(ARTIFACTS_DIR, file);
}
