#!/usr/bin/env node

/*
 * `npx chainsec ...` entry point. The CLI is TypeScript in src/cli; tsx's
 * CommonJS hook compiles it on require, so no build step is needed. The hook is
 * namespaced: it applies to what we load through it, not to the whole process.
 */
const path = require('node:path');
const { register } = require('tsx/cjs/api');

const tsx = register({ namespace: 'chainsec-cli' });
const { main } = tsx.require(path.join(__dirname, '..', 'src', 'cli', 'main.ts'), __filename);

// exitCode (not process.exit) lets piped stdout drain before the process ends.
// `export` and `verify` both answer a promise (they may talk to AWS).
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
