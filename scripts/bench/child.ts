// What each child process runs: one library's build or query phase, or one extension bench. The result (or the error)
// goes to the JSON file named by --out, which the parent reads.
import { writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, type Args } from './args.ts';
import { libs } from './libs/index.ts';
import type { BenchContext, BenchRow, Lib } from './types.ts';

export class NoBench extends Error {}

async function childExt(file: string, ctx: BenchContext): Promise<BenchRow[]> {
  const mod = (await import(pathToFileURL(file).href)) as { bench?: (ctx: BenchContext) => unknown };
  if (typeof mod.bench !== 'function') throw new NoBench(`${basename(file)} has no exported function "bench"`);
  const rows = await mod.bench(ctx);
  if (!Array.isArray(rows)) throw new Error(`bench() of ${basename(file)} returned ${typeof rows}, not an array of rows`);
  return rows as BenchRow[];
}

async function runChild(args: Args): Promise<void> {
  const out = args.rest.out;
  let result: unknown;
  try {
    const lib = libs[args.rest.lib as Lib];
    if (args.child === 'build') result = { ok: true, value: await lib.build(args.rest.corpus, args.rest.snap) };
    else if (args.child === 'query') result = { ok: true, value: await lib.query(args.rest.corpus, args.rest.snap, Number(args.rest.n), args.quick) };
    else if (args.child === 'ext') result = { ok: true, value: await childExt(args.rest.file, JSON.parse(args.rest.ctx)) };
    else throw new Error(`unknown child ${args.child}`);
  } catch (e) {
    result = { ok: false, error: e instanceof Error ? e.message : String(e), skip: e instanceof NoBench };
    if (!(e instanceof NoBench)) console.error(e);
  }
  writeFileSync(out, JSON.stringify(result));
  // Exit now: an extension's servers or clients may still hold the event loop open.
  process.exit(0);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runChild(parseArgs(process.argv.slice(2))).catch((e) => {
    console.error(`bench child: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  });
}
