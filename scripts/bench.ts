// npm run bench: Crux's index and answers against MiniSearch and fuse.js on generated corpora of 10k, 100k and 1M
// passages, side by side: index build time, size on disk, load time, heap, query latency (p50/p99) and Crux's whole
// answer latency (engine.ask, which includes excerpts, positions and exchanges).
//
//   npm run bench                          # 10k, 100k and 1M passages, every library (about 10-15 min on 2 cores)
//   npm run bench -- --sizes 10k,100k      # pick sizes (any of 10k, 100k, 1M, or a number such as 50000)
//   npm run bench -- --quick               # fewer repetitions, fuse.js on 3 queries; sizes 10k,100k unless --sizes
//   npm run bench -- --only crux,minisearch   # only these parts (crux, minisearch, fuse, or an extension's name)
//   npm run bench -- --dir /path           # where generated corpora and saved indexes go (default: $TMPDIR/crux-bench)
//
// Generated corpora are cached in that folder (never in the repository) and reused by later runs. Each library and
// size runs in child processes (one to build and save, one to load and query), so memory is measured cleanly and one
// failure (out of memory, timeout) does not stop the rest.
//
// The parts live in scripts/bench/: args.ts (this command line), corpus.ts (generated corpora), queries.ts (the query
// mix), libs/ (one file per library: build + save, load + query), measure.ts (timing and memory helpers), spawn.ts and
// child.ts (child processes), report.ts (tables and targets), extensions.ts (the runner below), main.ts.
//
// Extension benches (contract). Other parts of Crux add end-to-end figures in their own files, in scripts/ beside
// this one: scripts/bench-<name>.{ts,mts,mjs,js}, e.g. bench-discord.ts, bench-slack.ts, bench-ops.ts, bench-formats.ts.
// When such a file exists and exports a function named `bench`, this script runs it after the search bench, in a
// child process of its own (node --expose-gc, tsx loaded, a 5 minute limit unless the file declares its own on a line
// `export const timeoutS = 1800`), as
//   export async function bench(ctx: BenchContext): Promise<BenchRow[]>   (a plain BenchRow[] is fine too)
// and prints the rows it returns as a table headed by <name>. A BenchRow is a flat object whose values are strings,
// numbers, booleans or null; the columns are the union of the rows' keys, in first-seen order. Put units in the key
// ("p50 ms") or in string values. A file that is absent, has no `bench` export, throws, or times out is reported in
// one line and skipped; the rest still runs. `--only <name>` runs just that one (with or without the search bench).
// Types and helpers: `import type { BenchContext, BenchRow } from './bench.ts'`; QUERIES, sizeLabel and rng too
// (importing this file does not run the bench).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from './bench/main.ts';

export type { BenchContext, BenchRow } from './bench/types.ts';
export { QUERIES } from './bench/queries.ts';
export { sizeLabel } from './bench/args.ts';
export { rng } from './bench/corpus.ts';

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  });
}
