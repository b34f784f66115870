// The parent process: generates corpora, runs each library at each size in child processes, prints the tables and
// the targets, then runs the extension benches.
import { mkdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs, sizeLabel } from './args.ts';
import { ensureCorpus } from './corpus.ts';
import { ensureForumCorpus } from './forum.ts';
import { runExtensions } from './extensions.ts';
import { ROOT, SEED } from './paths.ts';
import { QUERIES } from './queries.ts';
import { cpuRowOf, fmtMb, fmtMs, fmtS, label, rowOf, table, targets, type Cell } from './report.ts';
import { spawnChild } from './spawn.ts';
import { LIBS, type BenchContext, type BuildResult, type Latency, type QueryResult } from './types.ts';

export async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  mkdirSync(args.dir, { recursive: true });
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const want = (name: string) => !args.only || args.only.includes(name);
  const libs = LIBS.filter(want);
  const started = performance.now();
  console.log(
    `Crux bench — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ` +
      `${Math.round(totalmem() / 2 ** 30)} GB RAM${args.quick ? ', --quick' : ''}`,
  );
  const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
  console.log(`Corpora and saved indexes: ${args.dir}; load average at start: ${load()} (other processes slow every figure)`);
  console.log(
    `Query mix: ${QUERIES.length} queries (single words, topics, questions, 7 with typos), top 10. MiniSearch: recommended setup ` +
      `(OR, fuzzy 0.2 for terms > 4 chars, prefix > 3, stop words, terms in > 5% of passages dropped). fuse.js: default options. FlexSearch: default (strict) tokenizer, no BM25.`,
  );
  const cells: Cell[] = [];
  if (libs.length) {
    for (const size of args.sizes) for (const shape of args.shapes) {
      // The other libraries index only the texts, which are the same in both shapes: the forum shape is Crux's alone.
      const shapeLibs = shape === 'plain' ? libs : libs.filter((l) => l === 'crux');
      if (!shapeLibs.length) continue;
      const corpus = shape === 'plain' ? await ensureCorpus(args.dir, size, log) : await ensureForumCorpus(args.dir, size, log);
      const big = size > 200_000;
      for (const lib of shapeLibs) {
        const snap = join(args.dir, `snap-${process.pid}-${sizeLabel(size)}-${shape}-${lib}`);
        const heapMb = big ? 8192 : 4096;
        const cell: Cell = { size, shape, lib, build: null, query: null };
        cells.push(cell);
        log(`${sizeLabel(size)} ${lib}: building…`);
        cell.build = await spawnChild<BuildResult>('build', { lib, corpus, snap }, { heapMb, timeoutS: big ? 1800 : 600, quick: args.quick, dir: args.dir });
        if (cell.build.ok) {
          log(`${sizeLabel(size)} ${lib}: built in ${fmtS(cell.build.value.buildS)} s; loading and querying…`);
          cell.query = await spawnChild<QueryResult>(
            'query',
            { lib, corpus, snap, n: String(size) },
            { heapMb, timeoutS: big ? 1200 : 600, quick: args.quick, dir: args.dir },
          );
          if (!cell.query.ok) log(`${sizeLabel(size)} ${lib}: query phase failed: ${cell.query.error}`);
        } else log(`${sizeLabel(size)} ${lib}: build failed: ${cell.build.error}`);
        rmSync(snap, { recursive: true, force: true });
        const q = cell.query?.ok ? cell.query.value : null;
        if (q) log(`${sizeLabel(size)} ${lib}: load ${fmtS(q.loadS)} s, heap ${fmtMb(q.heapBytes)} MB, query p50/p99 ${fmtMs(q.query.p50)} / ${fmtMs(q.query.p99)} ms`);
      }
    }
    console.log('');
    console.log(`Search: ${args.sizes.map(sizeLabel).join(', ')} passages (times in seconds, latencies in ms; "answer" = engine.ask with positions and exchanges, limit 5)`);
    console.log(table(cells.map(rowOf)));
    console.log('');
    console.log('The same in CPU time of the measuring process (wall time above also counts waiting for a core on a shared machine):');
    console.log(table(cells.map(cpuRowOf)));
    const notes = new Set<string>();
    for (const c of cells) {
      if (c.build && !c.build.ok) notes.add(`${label(c)} ${c.lib}: build failed: ${c.build.error}`);
      if (c.query && !c.query.ok) notes.add(`${label(c)} ${c.lib}: load/query failed: ${c.query.error}`);
      const q = c.query?.ok ? c.query.value : null;
      if (q?.query.capped) notes.add(`* ${label(c)}: ${q.query.capped}`);
      if (q) {
        const slow = (l: Latency) => l.slowest.map(([qq, ms]) => `"${qq}" ${fmtMs(ms)}`).join(', ');
        notes.add(`${label(c)} ${c.lib}: slowest queries (median ms): ${slow(q.query)}`);
        if (q.ask) notes.add(`${label(c)} ${c.lib}: slowest answers (median ms): ${slow(q.ask)}`);
        if (q.parts) {
          const parts = Object.entries(q.parts).map(([k, v]) => `${k} ${fmtMs(v.p50)} / ${fmtMs(v.p99)}`);
          notes.add(`${label(c)} crux: query p50 / p99 by part (ms): ${parts.join('; ')}`);
        }
        if (q.vocabulary) notes.add(`${label(c)} crux: ${q.vocabulary.terms.toLocaleString('en')} index terms, ${q.vocabulary.words.toLocaleString('en')} surface words`);
      }
      if (q?.vocabTreeS !== undefined) notes.add(`Crux ${label(c)}: warm() (the English word list typo fixes consult) ${fmtS(q.vocabTreeS)} s, not in "load s"`);
      if (q?.firstMs !== undefined) notes.add(`${label(c)} ${c.lib}: first ${c.lib === 'crux' ? 'answer' : 'query'} after loading "hyperstition" ${fmtMs(q.firstMs)} ms, then the first with a typo "hypersticion" ${fmtMs(q.firstTypoMs!)} ms`);
      const b = c.build?.ok ? c.build.value : null;
      if (b && b.docs !== c.size) notes.add(`${label(c)} ${c.lib}: indexed ${b.docs} passages, not ${c.size}`);
    }
    notes.add('build = read the corpus files and index them (Crux: loader, dedupe, BM25); save = write the snapshot; load = read it back, ready to answer');
    notes.add('heap = heapUsed + external + arrayBuffers after load (3× gc), minus the baseline before loading: index plus passage texts');
    for (const n of notes) console.log(`  ${n}`);
    const t = targets(cells);
    if (t.length) {
      console.log('Targets (issues 2 and 15):');
      for (const line of t) console.log(`  ${line}`);
    }
  }

  // Extension benches from other parts of Crux.
  const ctx: BenchContext = { quick: args.quick, sizes: args.sizes, dir: args.dir, seedCorpus: SEED, root: ROOT };
  await runExtensions(ctx, want, log);
  console.log('');
  console.log(`Bench finished in ${fmtS((performance.now() - started) / 1000)} s; load average now: ${load()}.`);
}
