// Bundles each Lambda entry point (every top-level file in src/handlers, and
// each example's examples/<dir>/handler.ts as example<Dir>) into
// dist/<name>/index.js with esbuild: CommonJS for nodejs22.x, minified, with
// source maps; the AWS SDK v3 stays external because the Lambda runtime ships
// it. Bolt's HTTP and Socket Mode receivers are replaced by a stub (see
// slimBolt below). Prints each bundle's size.
//
// SAM builds each function through the Makefile, which calls this script:
//   node scripts/build.mjs --only slackEvents --outdir "$ARTIFACTS_DIR"
// Options: --only <handler> (one bundle), --outdir <dir> (write index.js there;
// needs --only), --bench (also the bare Bolt baselines the benchmarks compare
// against: bareBolt built the standard way, bareBoltSlim slimmed like ours).
import { build } from 'esbuild';
import { existsSync, readdirSync, statSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const handlersDir = path.join(root, 'src/handlers');
const examplesDir = path.join(root, 'examples');
const outRoot = path.join(root, 'dist');

function option(name) {
  const i = process.argv.indexOf(name);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  if (!value || value.startsWith('--')) throw new Error(`${name} needs a value`);
  return value;
}

/**
 * Bolt's App module requires its HTTPReceiver and SocketModeReceiver (and with
 * them Express, raw-body, iconv tables, @slack/oauth, Socket Mode and undici:
 * about 2 MB) to build a default receiver. Our handlers always pass an
 * AwsLambdaReceiver, so those modules are dead weight on every cold start.
 * They are swapped for a class that throws if anything ever constructs it.
 */
const slimBolt = {
  name: 'slim-bolt',
  setup(b) {
    const unused =
      /[\\/]@slack[\\/]bolt[\\/]dist[\\/]receivers[\\/](HTTPReceiver|SocketModeReceiver|ExpressReceiver)\.js$/;
    b.onLoad({ filter: unused }, (args) => ({
      loader: 'js',
      contents: `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
class NotBundled { constructor() { throw new Error(${JSON.stringify(`chainsec: ${path.basename(args.path)} is not bundled; pass an AwsLambdaReceiver`)}); } }
exports.default = NotBundled;`,
    }));
  },
};

/**
 * Powertools' tracer brings the X-Ray SDK (~125 KB minified) and is loaded
 * only where X-Ray is on (src/services/PowertoolsTracing.ts, a dynamic
 * import). Bundled inline it would still be read and parsed on every cold
 * start, so it goes to its own file beside the handler (tracer.js, written
 * when a bundle imports it), required only when the dynamic import runs.
 */
const TRACER_FILE = './tracer.js';
const separateTracer = {
  name: 'separate-tracer',
  setup(b) {
    b.onResolve({ filter: /^@aws-lambda-powertools\/tracer$/ }, (args) => {
      if (args.kind !== 'dynamic-import') throw new Error(`${args.importer}: import the tracer lazily (await import)`);
      return { path: TRACER_FILE, external: true };
    });
  },
};

/**
 * Every SDK client's default credentials come from
 * `@aws-sdk/credential-provider-node`: a chain (environment, SSO, ini files,
 * credential_process, web identity, container and instance metadata) whose
 * later links bring the SSO and STS clients, an INI parser and more (~100 KB
 * minified) into each bundle. In Lambda the role's credentials are always in
 * the environment, the chain's first link, so that link is inlined and the
 * whole chain goes to its own file beside the handler (credentials.js),
 * required only when the environment has no key pair or names a profile (the
 * chain then runs exactly as before, from its first link). Same answer as the
 * chain's: with AWS_PROFILE unset and both keys set, the chain returns
 * fromEnv's credentials.
 */
const CREDENTIALS_FILE = './credentials.js';
const envFirstCredentials = {
  name: 'env-first-credentials',
  setup(b) {
    b.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
      path: 'credential-provider-node',
      namespace: 'env-first-credentials',
    }));
    b.onResolve({ filter: /^\.\/credentials\.js$/, namespace: 'env-first-credentials' }, () => ({
      path: CREDENTIALS_FILE,
      external: true,
    }));
    b.onLoad({ filter: /.*/, namespace: 'env-first-credentials' }, () => ({
      resolveDir: root,
      loader: 'js',
      contents: `import { ENV_KEY, ENV_SECRET, fromEnv } from '@aws-sdk/credential-provider-env';
import { ENV_PROFILE } from '@smithy/core/config';
export const defaultProvider = (init = {}) =>
  !(init.profile ?? process.env[ENV_PROFILE]) && process.env[ENV_KEY] && process.env[ENV_SECRET]
    ? fromEnv(init)
    : require(${JSON.stringify(CREDENTIALS_FILE)}).defaultProvider(init);`,
    }));
  },
};

/**
 * The AWS SDK v3 is bundled, not left to the copy the Lambda runtime ships:
 * required from /var/runtime, each client's CommonJS build is one file with
 * every command of its service (DynamoDB's is 175 KB), pulls in the Smithy
 * core whole (with `node:http2`, which no handler uses) and costs a module
 * resolution per file. Bundled from its ES modules (`mainFields`: `module`
 * first; packages with an `exports` map get the `module` condition anyway),
 * esbuild keeps only the commands and the core a handler imports: the click
 * bundle's require is ~40 ms shorter on this machine (bench numbers in the
 * commit), and the SDK's version is the one package-lock.json pins.
 */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: true,
  // template.yaml runs every function with NODE_OPTIONS=--enable-source-maps:
  // Node then reads and parses each bundle's map while it requires the bundle.
  // Stack traces need the mappings and the file names, not the sources' text
  // (three quarters of the map with the SDK bundled).
  sourcesContent: false,
  // An external `import()` (the tracer's file, above) becomes a `require()`: a
  // native import() of a CommonJS file would give only its `default` export.
  supported: { 'dynamic-import': false },
  logLevel: 'warning',
};

const only = option('--only');
const outdir = option('--outdir');
if (outdir && !only) throw new Error('--outdir needs --only <handler>');

const entries = Object.fromEntries(
  readdirSync(handlersDir)
    .filter((f) => f.endsWith('.ts') && statSync(path.join(handlersDir, f)).isFile())
    .map((f) => [
      path.basename(f, '.ts'),
      { entry: path.join(handlersDir, f), plugins: [slimBolt, separateTracer, envFirstCredentials] },
    ]),
);
// The examples' Lambdas: examples/<dir>/handler.ts is bundle example<Dir>
// (examples/executor/handler.ts -> exampleExecutor, dist/exampleExecutor/index.js);
// test/unit/infra/templateChecks.ts resolves bundle names the same way.
for (const dir of readdirSync(examplesDir)) {
  const entry = path.join(examplesDir, dir, 'handler.ts');
  if (!existsSync(entry)) continue;
  entries[`example${dir[0].toUpperCase()}${dir.slice(1)}`] = {
    entry,
    plugins: [slimBolt, separateTracer, envFirstCredentials],
  };
}
if (process.argv.includes('--bench')) {
  entries.bareBolt = { entry: path.join(root, 'bench/bareBolt.ts'), plugins: [] };
  // The same app, slimmed like our handlers: `@slack/bolt` resolves to Bolt's own modules.
  const slimIndex = {
    name: 'slim-bolt-index',
    setup(b) {
      b.onResolve({ filter: /^@slack\/bolt$/ }, () => ({ path: path.join(root, 'bench/slimBoltIndex.ts') }));
    },
  };
  entries.bareBoltSlim = { entry: path.join(root, 'bench/bareBolt.ts'), plugins: [slimIndex, slimBolt] };
}
if (only && !entries[only]) throw new Error(`no handler named ${only} (have: ${Object.keys(entries).join(', ')})`);
const selected = only ? { [only]: entries[only] } : entries;

const sizes = {};
for (const [name, { entry, plugins }] of Object.entries(selected)) {
  const dir = outdir ? path.resolve(outdir) : path.join(outRoot, name);
  if (!outdir) rmSync(dir, { recursive: true, force: true });
  const outfile = path.join(dir, 'index.js');
  const { metafile } = await build({ ...common, entryPoints: [entry], outfile, plugins, metafile: true });
  sizes[name] = { bytes: statSync(outfile).size, file: outfile };
  const imports = Object.values(metafile.outputs).flatMap((o) => o.imports);
  if (imports.some((i) => i.external && i.path === CREDENTIALS_FILE)) {
    const credentialsFile = path.join(dir, 'credentials.js');
    await build({
      ...common,
      stdin: { contents: "module.exports = require('@aws-sdk/credential-provider-node');", resolveDir: root },
      outfile: credentialsFile,
    });
    sizes[`${name} (credentials)`] = { bytes: statSync(credentialsFile).size, file: credentialsFile };
  }
  if (imports.some((i) => i.external && i.path === TRACER_FILE)) {
    const tracerFile = path.join(dir, 'tracer.js');
    await build({
      ...common,
      stdin: { contents: "module.exports = require('@aws-lambda-powertools/tracer');", resolveDir: root },
      outfile: tracerFile,
    });
    sizes[`${name} (tracer)`] = { bytes: statSync(tracerFile).size, file: tracerFile };
  }
}
for (const [name, { bytes, file }] of Object.entries(sizes)) {
  console.log(`${name.padEnd(20)} ${(bytes / 1024).toFixed(0).padStart(6)} KiB  ${path.relative(root, file)}`);
}
