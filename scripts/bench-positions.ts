// Positions figures for `npm run bench` (run by scripts/bench.ts as the "positions" extension, or alone with
// `node --expose-gc --import tsx scripts/bench-positions.ts [--quick]`): how much the positions and exchanges step
// adds to an answer. For each corpus (the seed threads, ArgKP dev and train, and the generated 100k-passage corpus
// of the search bench when it exists), every query is answered a few times; the step itself (findPositions +
// findExchanges on the ~60 relevant passages the engine hands it; "step") is timed apart from the whole answer
// (engine.ask), in wall time and in CPU time (which a busy machine inflates less): cold (nothing kept from earlier
// answers: every passage read afresh) and warm (the same topic asked again, readings kept). One warm-up pass
// first, as in the search bench.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext, BenchRow } from './bench.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SELF = fileURLToPath(import.meta.url);

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};
const r2 = (x: number) => Math.round(x * 100) / 100;
const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

interface Target {
  name: string;
  corpus: string;
  queries: string[];
}

async function measure(t: Target, cacheDir: string, rounds: number): Promise<BenchRow> {
  const { openEngine } = await import('../src/core/engine.ts');
  const { clearPositionCaches, findExchanges, findPositions, hooks } = await import('../src/positions/index.ts');
  const engine = openEngine({ corpus: t.corpus, cacheDir });
  let captured: Parameters<typeof findPositions>[0] | null = null;
  const ask: number[] = [];
  const askCpu: number[] = [];
  const step: number[] = [];
  const stepCpu: number[] = [];
  const stepWarm: number[] = [];
  const stepWarmCpu: number[] = [];
  let positions = 0;
  let exchanges = 0;
  let answers = 0;
  for (let round = -1; round < rounds; round++) {
    for (const q of t.queries) {
      hooks.onAnalysis = (_a, input) => {
        captured = input;
      };
      const c0 = cpuMs();
      const t0 = performance.now();
      let a;
      try {
        a = engine.ask(q);
      } catch {
        continue; // an empty query after cleaning: nothing to time
      } finally {
        hooks.onAnalysis = undefined;
      }
      const wall = performance.now() - t0;
      const cpu = cpuMs() - c0;
      if (round < 0) {
        positions += a.positions.length;
        exchanges += a.exchanges.length;
        answers++;
      } else {
        ask.push(wall);
        askCpu.push(cpu);
      }
      if (!captured || round < 0) continue;
      // The step alone, on fresh copies of the same input (its analysis is kept per input object): first with
      // nothing kept from earlier answers (cold), then as a topic asked again (warm: readings kept).
      const input = captured as Parameters<typeof findPositions>[0];
      captured = null;
      for (const cold of [true, false]) {
        if (cold) clearPositionCaches();
        const copy = { ...input };
        const c1 = cpuMs();
        const t1 = performance.now();
        const found = findPositions(copy);
        findExchanges(copy, found.positions);
        (cold ? step : stepWarm).push(performance.now() - t1);
        (cold ? stepCpu : stepWarmCpu).push(cpuMs() - c1);
      }
    }
  }
  return {
    corpus: t.name,
    passages: engine.stats.passages,
    queries: t.queries.length,
    'answer p50 ms': r2(pct(ask, 0.5)),
    'answer p99 ms': r2(pct(ask, 0.99)),
    'answer cpu p99 ms': r2(pct(askCpu, 0.99)),
    'step cold p50 ms': r2(pct(step, 0.5)),
    'step cold p99 ms': r2(pct(step, 0.99)),
    'step cold cpu p50 / p99 ms': `${r2(pct(stepCpu, 0.5))} / ${r2(pct(stepCpu, 0.99))}`,
    'step warm p50 ms': r2(pct(stepWarm, 0.5)),
    'step warm p99 ms': r2(pct(stepWarm, 0.99)),
    'step warm cpu p50 / p99 ms': `${r2(pct(stepWarmCpu, 0.5))} / ${r2(pct(stepWarmCpu, 0.99))}`,
    'positions per answer': r2(positions / Math.max(1, answers)),
    'exchanges per answer': r2(exchanges / Math.max(1, answers)),
  };
}

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const { QUERIES, sizeLabel } = await import('./bench.ts');
  const evalDir = resolve(ctx.root, '..', 'shared', 'eval');
  const targets: Target[] = [{ name: 'seed threads', corpus: ctx.seedCorpus, queries: QUERIES }];
  for (const split of ['dev', 'train']) {
    const dir = join(evalDir, 'argkp', split);
    if (existsSync(join(dir, 'corpus.jsonl'))) {
      targets.push({ name: `ArgKP ${split}`, corpus: join(dir, 'corpus.jsonl'), queries: readFileSync(join(dir, 'queries.txt'), 'utf8').split('\n').filter((q) => q.trim()) });
    }
  }
  const rows: BenchRow[] = [];
  const generated = join(ctx.dir, `corpus-v2-${sizeLabel(100_000)}`);
  if (existsSync(join(generated, '.done'))) targets.push({ name: 'generated 100k', corpus: generated, queries: QUERIES });
  const cacheDir = join(ctx.dir, 'positions-cache');
  mkdirSync(cacheDir, { recursive: true });
  const rounds = ctx.quick ? 2 : 6;
  for (const t of targets) rows.push(await measure(t, cacheDir, rounds));
  if (!existsSync(join(generated, '.done'))) {
    rows.push({ corpus: 'generated 100k', passages: null, queries: null, 'answer p50 ms': 'not generated yet: run the search bench with --sizes 100k first' });
  }
  return rows;
}

if (process.argv[1] && resolve(process.argv[1]) === SELF) {
  const quick = process.argv.includes('--quick');
  const dir = join(process.env.TMPDIR ?? '/tmp', 'crux-bench');
  bench({ quick, sizes: [100_000], dir, seedCorpus: join(ROOT, 'data', 'corpus'), root: ROOT }).then((rows) => {
    for (const r of rows) console.log(JSON.stringify(r));
  });
}
