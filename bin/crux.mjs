#!/usr/bin/env node
// The crux command: runs the compiled build in dist/ (made by npm install, remade by scripts/build.mjs whenever a
// source is newer), so nothing is compiled at start-up. CRUX_FROM_SOURCE=1 runs the TypeScript sources through tsx,
// as does any machine where the build cannot be made.
import { ensureBuilt } from '../scripts/build.mjs';

let entry = process.env.CRUX_FROM_SOURCE ? null : await ensureBuilt();
if (!entry) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = '../src/cli/main.ts';
}
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
