// Bundles each Lambda entry point (every top-level file in src/handlers) into
// dist/<name>/index.js with esbuild, as SAM's esbuild build does: CommonJS for
// nodejs22.x, minified, with source maps; the AWS SDK v3 stays external because
// the Lambda runtime ships it. Prints each bundle's size.
import { build } from 'esbuild';
import { readdirSync, statSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const handlersDir = path.join(root, 'src/handlers');
const outRoot = path.join(root, 'dist');

/** Extra bundles the benchmarks compare against (never deployed). */
const extra = process.argv.includes('--bench') ? { bareBolt: path.join(root, 'bench/bareBolt.ts') } : {};

const entries = Object.fromEntries(
  readdirSync(handlersDir)
    .filter((f) => f.endsWith('.ts') && statSync(path.join(handlersDir, f)).isFile())
    .map((f) => [path.basename(f, '.ts'), path.join(handlersDir, f)]),
);
Object.assign(entries, extra);

for (const name of Object.keys(entries)) rmSync(path.join(outRoot, name), { recursive: true, force: true });
const sizes = {};
for (const [name, entry] of Object.entries(entries)) {
  const outfile = path.join(outRoot, name, 'index.js');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    sourcemap: true,
    external: ['@aws-sdk/*'],
    logLevel: 'warning',
  });
  sizes[name] = statSync(outfile).size;
}
for (const [name, bytes] of Object.entries(sizes)) console.log(`${name.padEnd(12)} ${(bytes / 1024).toFixed(0).padStart(6)} KiB  dist/${name}/index.js`);
