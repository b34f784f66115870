// Long paragraphs: one-line inputs of several megabytes (real sentences in one line, words without punctuation, a
// run without spaces) indexed by the real engine in a child process each, then asked the bench's queries. Shows that
// indexing stays linear (sentences are segmented in bounded chunks) and that answers stay fast (no passage is longer
// than MAX_PASSAGE). 'first ask' is the first query after opening; the p50/p99/max are of every bench query asked
// twice (each topic cold the first time) after ten other words have warmed the code. Run by `npm run bench` (the `bench` export), or alone:
//   node --import tsx scripts/bench-long.ts [--quick]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QUERIES, rng, type BenchContext, type BenchRow } from './bench.ts';

const SELF = fileURLToPath(import.meta.url);
const ROOT = resolve(dirname(SELF), '..');
/** Bump when the generator changes, so cached inputs are regenerated. */
const GEN_VERSION = 2;
const MB = 1e6;
/** Words asked before timing, none of them a bench query: each topic is still asked cold, but not the code. */
const WARM_UP = ['model', 'data', 'people', 'training', 'language', 'future', 'writing', 'story', 'world', 'reward'];

interface Input {
  name: string;
  make: (sentences: string[], r: () => number) => string;
}

/** Sentences of the seed corpus in a seeded random order, until `chars` characters. */
const shuffled = (sentences: string[], r: () => number, chars: number, join: string) => {
  const parts: string[] = [];
  for (let n = 0; n < chars; ) {
    const s = sentences[Math.floor(r() * sentences.length)];
    parts.push(s);
    n += s.length + join.length;
  }
  return parts.join(join).slice(0, chars);
};

const INPUTS: Input[] = [
  { name: 'one line of prose', make: (s, r) => shuffled(s, r, 2 * MB, ' ') },
  { name: 'one line, no punctuation', make: (s, r) => shuffled(s, r, 5.5 * MB, ' ').replace(/[^\p{L}\p{N}\s]/gu, '').slice(0, 5 * MB) },
  { name: 'one line, no spaces', make: (s, r) => shuffled(s, r, 1.2 * MB, '').replace(/[^\p{L}\p{N}]/gu, '').slice(0, MB) },
];

/** Writes (or reuses) each input as a corpus folder of one .txt file. */
function ensureInputs(dir: string, seedCorpus: string, quick: boolean): Array<{ name: string; path: string }> {
  const base = join(dir, `long-v${GEN_VERSION}`);
  const sentences = seedSentences(seedCorpus);
  return INPUTS.filter((_, i) => !quick || i < 2).map((input, i) => {
    const path = join(base, `input-${i}`);
    if (!existsSync(join(path, 'done'))) {
      rmSync(path, { recursive: true, force: true });
      mkdirSync(join(path, 'corpus'), { recursive: true });
      writeFileSync(join(path, 'corpus', 'one.txt'), input.make(sentences, rng(i + 1)) + '\n');
      writeFileSync(join(path, 'done'), '');
    }
    return { name: input.name, path: join(path, 'corpus') };
  });
}

function seedSentences(seedCorpus: string): string[] {
  return readdirSync(seedCorpus)
    .filter((f) => f.endsWith('.txt'))
    .flatMap((f) => readFileSync(join(seedCorpus, f), 'utf8').split(/(?<=[.!?])\s+/))
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s.length > 20);
}

interface Measured {
  mb: number;
  buildMs: number;
  buildCpuMs: number;
  passages: number;
  longest: number;
  firstMs: number;
  p50: number;
  p99: number;
  max: number;
  /** CPU time of the p99 query: on a busy machine, wall time overstates the work. */
  cpuP99: number;
  peakRssMb: number;
}

/** In the child: build the index of one input (no saved index), then time every bench query twice. */
async function measure(corpus: string): Promise<Measured> {
  const { openEngine } = await import('../src/core/engine.ts');
  const cacheDir = mkdtempSync(join(tmpdir(), 'crux-bench-long-'));
  try {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const engine = openEngine({ corpus, cacheDir });
    const buildMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    engine.warm?.();
    let t = performance.now();
    engine.ask(QUERIES[0]);
    const firstMs = performance.now() - t;
    // As in a bot that has answered a few questions: the JIT has compiled the answering code.
    for (const w of WARM_UP) engine.ask(w);
    const times: number[] = [];
    const cpuTimes: number[] = [];
    for (let round = 0; round < 2; round++) {
      for (const q of QUERIES) {
        const c = process.cpuUsage();
        t = performance.now();
        engine.ask(q);
        times.push(performance.now() - t);
        const used = process.cpuUsage(c);
        cpuTimes.push((used.user + used.system) / 1000);
      }
    }
    const pick = (list: number[], p: number) => [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor(p * list.length))];
    const longest = engine.view.passages.reduce((n, p) => Math.max(n, p.text.length), 0);
    return {
      mb: readFileSync(join(corpus, 'one.txt')).length / MB,
      buildMs,
      buildCpuMs: (cpu.user + cpu.system) / 1000,
      firstMs,
      passages: engine.stats.passages,
      longest,
      p50: pick(times, 0.5),
      p99: pick(times, 0.99),
      max: pick(times, 1),
      cpuP99: pick(cpuTimes, 0.99),
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const input of ensureInputs(ctx.dir, ctx.seedCorpus, ctx.quick)) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', SELF, '--measure', input.path], { cwd: ROOT, encoding: 'utf8', timeout: 90_000, maxBuffer: 1 << 20 });
    let m: Measured | null = null;
    try {
      m = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Measured;
    } catch {
      rows.push({ input: input.name, MB: null, 'index s': null, note: `failed: ${(r.stderr || r.error?.message || 'no output').trim().split('\n').pop()}` });
      continue;
    }
    const ms = (x: number) => Math.round(x * 10) / 10;
    rows.push({
      input: input.name,
      MB: Math.round(m.mb * 10) / 10,
      'index s': Math.round(m.buildMs / 10) / 100,
      'index cpu s': Math.round(m.buildCpuMs / 10) / 100,
      passages: m.passages,
      'longest passage': m.longest,
      'first ask ms': ms(m.firstMs),
      'ask p50 ms': ms(m.p50),
      'ask p99 ms': ms(m.p99),
      'ask max ms': ms(m.max),
      'ask p99 cpu ms': ms(m.cpuP99),
      'peak RSS MB': Math.round(m.peakRssMb),
    });
  }
  return rows;
}

if (process.argv[1] && resolve(process.argv[1]) === SELF) {
  const args = process.argv.slice(2);
  if (args[0] === '--measure') {
    measure(args[1]).then((m) => console.log(JSON.stringify(m)));
  } else {
    const ctx: BenchContext = { quick: args.includes('--quick'), sizes: [], dir: join(tmpdir(), 'crux-bench'), seedCorpus: join(ROOT, 'data', 'corpus'), root: ROOT };
    bench(ctx).then((rows) => {
      for (const r of rows) console.log(JSON.stringify(r));
    });
  }
}
