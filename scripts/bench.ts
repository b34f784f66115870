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
// Extension benches (contract). Other parts of Crux add end-to-end figures in their own files:
//   scripts/bench-<name>.{ts,mts,mjs,js}, e.g. bench-discord.ts, bench-slack.ts, bench-ops.ts, bench-formats.ts.
// When such a file exists and exports a function named `bench`, this script runs it after the search bench, in a
// child process of its own (node --expose-gc, tsx loaded, 5 minute limit), as
//   export async function bench(ctx: BenchContext): Promise<BenchRow[]>   (a plain BenchRow[] is fine too)
// and prints the rows it returns as a table headed by <name>. A BenchRow is a flat object whose values are strings,
// numbers, booleans or null; the columns are the union of the rows' keys, in first-seen order. Put units in the key
// ("p50 ms") or in string values. A file that is absent, has no `bench` export, throws, or times out is reported in
// one line and skipped; the rest still runs. `--only <name>` runs just that one (with or without the search bench).
// Types: `import type { BenchContext, BenchRow } from './bench.ts'` (importing this file does not run the bench).
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BenchContext {
  /** --quick was given: keep it short. */
  quick: boolean;
  /** Corpus sizes (passages) picked with --sizes. */
  sizes: number[];
  /** A scratch folder for generated data (outside the repository); create subfolders of your own in it. */
  dir: string;
  /** The seed corpus folder (data/corpus). */
  seedCorpus: string;
  /** Repository root. */
  root: string;
}

export type BenchRow = Record<string, string | number | boolean | null>;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SEED = join(ROOT, 'data', 'corpus');
const SELF = fileURLToPath(import.meta.url);
/** Bump when the generator changes, so cached corpora are regenerated. */
const GEN_VERSION = 2;
const LIBS = ['crux', 'minisearch', 'fuse'] as const;
type Lib = (typeof LIBS)[number];

/**
 * A realistic mix of queries: single topic words, multi-word topics, questions, and typos (marked so the output can
 * say how typo queries fare). Drawn from the seed corpus's topics and the development judgments in ../shared/eval.
 */
export const QUERIES: string[] = [
  'hyperstition',
  'hyperstiton',
  'hypersticion',
  'persona selection model',
  'persona selction model',
  'inoculation prompting',
  'filtering pretraining data',
  'pretrainig data filtering',
  'Lincoln character training',
  'tumblr bot Frank',
  'constitutional AI',
  'instrumental convergence power seeking',
  'canary string evals',
  'classical alignment theory',
  'clasical alignment theory',
  'sycophancy thumbs up',
  'self-fulfilling prophecy',
  'self fulfiling prophecy',
  "Yudkowsky's predictions and whether his model is falsifiable",
  'alignment faking',
  'RL versus SFT',
  'Twitter reaction dunks',
  "who should write the AI's personality",
  'base models trained only on data before a cutoff year',
  'spiritual bliss attractor',
  'emergent misalignment',
  'the void',
  'agency by default',
  'security commitments of compute providers',
  'evals leaking into training data',
  'GPT-4 base model',
  'what is the assistant character',
];

// ---------------------------------------------------------------------------------------------------------------
// Command line

interface Args {
  sizes: number[];
  quick: boolean;
  only: string[] | null;
  dir: string;
  child: string | null;
  rest: Record<string, string>;
}

function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kKmM]?)$/.exec(s.trim());
  if (!m) throw new Error(`--sizes: "${s}" is not a size (use 10k, 100k, 1M or a number)`);
  const n = Number(m[1]) * (m[2].toLowerCase() === 'k' ? 1e3 : m[2].toLowerCase() === 'm' ? 1e6 : 1);
  if (!Number.isInteger(n) || n < 100) throw new Error(`--sizes: "${s}" is too small (at least 100 passages)`);
  return n;
}

export function sizeLabel(n: number): string {
  if (n >= 1e6 && n % 1e6 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 1e3 === 0) return `${n / 1e3}k`;
  return String(n);
}

function parseArgs(argv: string[]): Args {
  const a: Args = { sizes: [], quick: false, only: null, dir: join(tmpdir(), 'crux-bench'), child: null, rest: {} };
  let sizesGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--sizes') {
      a.sizes = value().split(',').filter(Boolean).map(parseSize);
      sizesGiven = true;
    } else if (flag === '--quick') a.quick = true;
    else if (flag === '--only') a.only = value().split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    else if (flag === '--dir') a.dir = resolve(value());
    else if (flag === '--child') a.child = value();
    else if (flag === '--help' || flag === '-h') {
      console.log(readFileSync(SELF, 'utf8').split('\n').filter((l) => l.startsWith('//')).slice(0, 14).map((l) => l.slice(3)).join('\n'));
      process.exit(0);
    } else if (flag.startsWith('--') && a.child) a.rest[flag.slice(2)] = value();
    else throw new Error(`unknown option ${arg} (try --help)`);
  }
  if (!sizesGiven) a.sizes = a.quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
  return a;
}

// ---------------------------------------------------------------------------------------------------------------
// Corpus generation: seed sentences recombined, ~12% of words replaced from a Zipf-distributed derived lexicon,
// ~1% typos; passages unique after folding (as Crux folds them), written one per line with blank lines between.

/** Small, fast, seeded PRNG (mulberry32), so corpora are the same on every machine. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

function typo(word: string, r: () => number): string {
  if (word.length < 4) return word;
  const i = 1 + Math.floor(r() * (word.length - 2));
  const c = LETTERS[Math.floor(r() * 26)];
  switch (Math.floor(r() * 4)) {
    case 0:
      return word.slice(0, i) + word.slice(i + 1); // deletion
    case 1:
      return word.slice(0, i) + c + word.slice(i); // insertion
    case 2:
      return word.slice(0, i) + c + word.slice(i + 1); // substitution
    default:
      return word.slice(0, i - 1) + word[i] + word[i - 1] + word.slice(i + 1); // transposition
  }
}

/** A lexicon of about 3M entries, Zipf-ranked: the seed's own words first (by frequency), then derived words. */
class Lexicon {
  static readonly SIZE = 3_000_000;
  private cache = new Map<number, string>();
  private static PREFIX = ['un', 're', 'pre', 'post', 'anti', 'meta', 'over', 'under', 'non', 'proto', 'hyper', 'counter', 'inter', 'sub', 'super', 'neo'];
  private static SUFFIX = ['ness', 'ish', 'ize', 'ism', 'ist', 'ful', 'less', 'able', 'ation', 'ward', 'ling', 'oid', 'ery', 'ette', 'ity', 'ology'];
  private static ONSET = ['b', 'br', 'c', 'ch', 'd', 'dr', 'f', 'g', 'gr', 'h', 'j', 'k', 'kl', 'l', 'm', 'n', 'p', 'pr', 'r', 's', 'sh', 'st', 't', 'tr', 'v', 'w', 'z'];
  private static VOWEL = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'io', 'ou', 'y'];
  private readonly lnSize = Math.log(Lexicon.SIZE + 1);

  constructor(private readonly seedWords: string[]) {}

  /** A rank drawn with P(r) roughly proportional to 1/(r+1). */
  draw(r: () => number): string {
    return this.word(Math.floor(Math.exp(r() * this.lnSize)) - 1);
  }

  private seedWord(r: () => number): string {
    const V = this.seedWords.length;
    return this.seedWords[Math.min(V - 1, Math.floor(Math.exp(r() * Math.log(V + 1))) - 1)];
  }

  word(rank: number): string {
    if (rank < this.seedWords.length) return this.seedWords[rank];
    let w = this.cache.get(rank);
    if (w !== undefined) return w;
    const r = rng(rank * 2654435761);
    const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
    switch (rank % 5) {
      case 0:
        w = pick(Lexicon.PREFIX) + this.seedWord(r);
        break;
      case 1:
        w = this.seedWord(r) + pick(Lexicon.SUFFIX);
        break;
      case 2:
        w = this.seedWord(r) + this.seedWord(r);
        break;
      case 3: {
        const n = 2 + Math.floor(r() * 3);
        w = '';
        for (let i = 0; i < n; i++) w += pick(Lexicon.ONSET) + pick(Lexicon.VOWEL);
        w = w[0].toUpperCase() + w.slice(1);
        break;
      }
      default:
        w = typo(this.seedWord(r), r);
    }
    this.cache.set(rank, w);
    return w;
  }
}

function seedSentences(): { sentences: string[]; words: string[] } {
  const seg = new Intl.Segmenter('en', { granularity: 'sentence' });
  const sentences = new Set<string>();
  const freq = new Map<string, number>();
  for (const f of readdirSync(SEED).filter((f) => f.endsWith('.txt')).sort()) {
    for (const line of readFileSync(join(SEED, f), 'utf8').split(/\r?\n/)) {
      const t = line.trim();
      if (!t) continue;
      for (const s of seg.segment(t)) {
        const x = s.segment.trim();
        if (x.length >= 3 && x.length <= 1200) sentences.add(x);
      }
      for (const m of t.toLowerCase().matchAll(/[a-z]+/g)) freq.set(m[0], (freq.get(m[0]) ?? 0) + 1);
    }
  }
  const words = [...freq].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([w]) => w);
  return { sentences: [...sentences], words };
}

const PER_FILE = 10_000;
const MAX_PASSAGE = 1400; // below Crux's 1,500-character windowing, so every generated line is one passage

/** Generates (or reuses) a corpus of `n` passages; returns its folder. */
async function ensureCorpus(dir: string, n: number, log: (s: string) => void): Promise<string> {
  const final = join(dir, `corpus-v${GEN_VERSION}-${sizeLabel(n)}`);
  if (existsSync(join(final, '.done'))) return final;
  // Written to a folder of this run's own, then renamed: two runs at once never see half a corpus.
  const out = join(dir, `.corpus-v${GEN_VERSION}-${sizeLabel(n)}-${process.pid}`);
  const done = join(out, '.done');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const { fold } = await import('../src/core/text.ts');
  const t0 = performance.now();
  const { sentences, words } = seedSentences();
  const lex = new Lexicon(words);
  const r = rng(0xc0ffee + n);
  const seen = new Set<number>();
  const WORD = /[A-Za-z][A-Za-z]*/g;
  let made = 0;
  let file = 0;
  let chars = 0;
  while (made < n) {
    const lines: string[] = [];
    const target = Math.min(PER_FILE, n - made);
    while (lines.length < target) {
      const x0 = r();
      const k = x0 < 0.5 ? 1 : x0 < 0.8 ? 2 : x0 < 0.92 ? 3 : 4; // 1-4 sentences, about 1.8 on average
      let text = '';
      for (let i = 0; i < k; i++) {
        const s = sentences[Math.floor(r() * sentences.length)];
        if (text && text.length + 1 + s.length > MAX_PASSAGE) break;
        text = text ? `${text} ${s}` : s;
      }
      text = text.slice(0, MAX_PASSAGE).replace(WORD, (w) => {
        const x = r();
        if (x < 0.12) {
          const v = lex.draw(r);
          return w[0] >= 'A' && w[0] <= 'Z' ? v[0].toUpperCase() + v.slice(1) : v;
        }
        if (x < 0.13) return typo(w, r);
        return w;
      });
      const key = fold(text);
      // Two 32-bit hashes as one number: collisions are negligible at these sizes.
      const h = hash32(key) * 2 ** 21 + (hash32(key + '\u0001') & 0x1fffff);
      if (seen.has(h) || !key) continue;
      seen.add(h);
      lines.push(text);
      chars += text.length;
    }
    const ws = createWriteStream(join(out, `part-${String(file++).padStart(4, '0')}.txt`));
    await new Promise<void>((ok, fail) => {
      ws.on('error', fail);
      ws.end(lines.join('\n\n') + '\n', () => ok());
    });
    made += lines.length;
    if (n >= 100_000 && made % 100_000 === 0) log(`  generating ${sizeLabel(n)}: ${made.toLocaleString('en')} passages`);
  }
  writeFileSync(done, JSON.stringify({ passages: n, chars, seconds: (performance.now() - t0) / 1000 }));
  rmSync(final, { recursive: true, force: true });
  renameSync(out, final);
  log(`  generated ${sizeLabel(n)} passages (${(chars / 1e6).toFixed(0)} M chars, avg ${Math.round(chars / n)}) in ${((performance.now() - t0) / 1000).toFixed(1)} s -> ${final}`);
  return final;
}

/** The passages of a generated corpus, in file order (what MiniSearch and fuse.js index). */
function readPassages(corpus: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(corpus).filter((f) => f.endsWith('.txt')).sort()) {
    for (const line of readFileSync(join(corpus, f), 'utf8').split('\n')) if (line) out.push(line);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Measuring helpers (used in the children)

declare const gc: undefined | (() => void);

function heapNow(): number {
  if (typeof gc === 'function') for (let i = 0; i < 3; i++) gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
}

function percentile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function fileBytes(paths: string[]): number {
  return paths.reduce((s, p) => s + statSync(p).size, 0);
}

interface Plan {
  rounds: number;
  queries: string[];
  /** Why fewer queries or rounds than the full mix, when so. */
  capped: string | null;
  /** Stop the query phase after this many seconds (checked after each round; at least one round runs). */
  budgetS: number;
  /** Check the budget after every query instead (at least one query runs): for fuse.js's seconds-long scans. */
  perQuery?: boolean;
}

/** How many query samples each library gets at each size (fuse.js takes seconds per query on large corpora). */
function planFor(lib: Lib | 'ask', n: number, quick: boolean): Plan {
  const rounds = n <= 20_000 ? (quick ? 5 : 20) : n <= 200_000 ? (quick ? 3 : 10) : quick ? 1 : 3;
  if (lib !== 'fuse') return { rounds, queries: QUERIES, capped: null, budgetS: 240 };
  const cap = quick ? 3 : n <= 20_000 ? QUERIES.length : n <= 200_000 ? 6 : 3;
  const queries = cap >= QUERIES.length ? QUERIES : spread(QUERIES, cap);
  return {
    rounds: 1,
    queries,
    capped: cap < QUERIES.length ? `fuse.js: ${cap} of ${QUERIES.length} queries, 1 round (a linear scan: seconds per query at this size)` : null,
    budgetS: n <= 200_000 ? 60 : 100,
    perQuery: true,
  };
}

/** k items spread evenly over a list, so a capped sample still mixes single words, topics and typos. */
function spread<T>(xs: T[], k: number): T[] {
  return Array.from({ length: k }, (_, i) => xs[Math.floor(((i + 0.5) * xs.length) / k)]);
}

interface Latency {
  p50: number;
  p99: number;
  max: number;
  /** The same in CPU time of this process (the machine may be shared: wall time includes waiting for a core). */
  cpuP50: number;
  cpuP99: number;
  samples: number;
  queries: number;
  capped: string | null;
  /** The slowest queries by their median wall time: [query, ms]. */
  slowest: Array<[string, number]>;
}

function cpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

/** A stopwatch for the parts of one call (Crux: typo fixes and parsing vs BM25 scoring). */
class Parts {
  readonly times = new Map<string, number[]>();
  add(name: string, ms: number): void {
    let xs = this.times.get(name);
    if (!xs) this.times.set(name, (xs = []));
    xs.push(ms);
  }
  summary(): Record<string, { p50: number; p99: number }> {
    const out: Record<string, { p50: number; p99: number }> = {};
    for (const [k, xs] of this.times) {
      const sorted = [...xs].sort((a, b) => a - b);
      out[k] = { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
    }
    return out;
  }
}

/** Times fn over the plan's queries after one warm-up pass; per query in ms. */
function timeQueries(plan: Plan, fn: (q: string) => unknown, warm = true, onWarm?: () => void): Latency {
  if (warm) for (const q of plan.queries) fn(q);
  onWarm?.();
  const samples: number[] = [];
  const cpu: number[] = [];
  const perQuery = new Map<string, number[]>();
  const t0 = performance.now();
  let capped = plan.capped;
  const over = () => (performance.now() - t0) / 1000 > plan.budgetS;
  rounds: for (let r = 0; r < plan.rounds; r++) {
    for (let i = 0; i < plan.queries.length; i++) {
      const q = plan.queries[i];
      const c = cpuMs();
      const s = performance.now();
      fn(q);
      const ms = performance.now() - s;
      cpu.push(cpuMs() - c);
      samples.push(ms);
      const list = perQuery.get(q) ?? [];
      list.push(ms);
      perQuery.set(q, list);
      if (plan.perQuery && over() && i < plan.queries.length - 1) {
        capped = `${capped ? `${capped}; ` : ''}stopped after ${samples.length} queries (${plan.budgetS} s time budget)`;
        break rounds;
      }
    }
    if (over() && r < plan.rounds - 1) {
      capped = `${capped ? `${capped}; ` : ''}stopped after ${r + 1} of ${plan.rounds} rounds (time budget)`;
      break;
    }
  }
  samples.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const slowest = [...perQuery]
    .map(([q, xs]): [string, number] => [q, percentile([...xs].sort((a, b) => a - b), 0.5)])
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3);
  return {
    p50: percentile(samples, 0.5),
    p99: percentile(samples, 0.99),
    max: samples[samples.length - 1],
    cpuP50: percentile(cpu, 0.5),
    cpuP99: percentile(cpu, 0.99),
    samples: samples.length,
    queries: plan.queries.length,
    capped,
    slowest,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Children: build + save, and load + query, for each library

interface BuildResult {
  buildS: number;
  buildCpuS: number;
  saveS: number;
  diskBytes: number;
  docs: number;
  terms: number | null;
  note?: string;
}

interface QueryResult {
  loadS: number;
  loadCpuS: number;
  heapBytes: number;
  query: Latency;
  /** Crux only: whole answers (engine.ask), and the lazily built typo radix tree. */
  ask?: Latency;
  vocabTreeS?: number;
  /** Crux only: p50/p99 of the query's parts (parse with typo fixes; BM25 top 10), wall ms. */
  parts?: Record<string, { p50: number; p99: number }>;
  /** Crux only: index statistics. */
  vocabulary?: { terms: number; words: number };
  peakRssBytes: number;
  note?: string;
}

const MS_FIELDS = { fields: ['text'] };

async function miniSearchOptions() {
  const { isStopWord } = await import('../src/core/text.ts');
  return {
    fields: MS_FIELDS.fields,
    processTerm: (term: string) => {
      const t = term.toLowerCase();
      return isStopWord(t) ? null : t;
    },
    searchOptions: {
      combineWith: 'OR' as const,
      fuzzy: (t: string) => (t.length > 4 ? 0.2 : false),
      prefix: (t: string) => t.length > 3,
    },
  };
}

// fuse.js defaults (threshold 0.6, location 0, distance 100: it only looks near the start of each passage). With
// ignoreLocation it scans whole passages and took 2.8 s per query at 10k passages (about 10x the defaults).
const FUSE_OPTIONS = {};

async function childBuild(lib: Lib, corpus: string, snapDir: string): Promise<BuildResult> {
  mkdirSync(snapDir, { recursive: true });
  if (lib === 'crux') {
    const { buildSnapshot } = await import('../src/core/engine.ts');
    const { saveSnapshot } = await import('../src/search/snapshot.ts');
    const c0 = cpuMs();
    const t0 = performance.now();
    const snap = buildSnapshot([corpus]);
    const buildS = (performance.now() - t0) / 1000;
    const buildCpuS = (cpuMs() - c0) / 1000;
    const t1 = performance.now();
    mkdirSync(snapDir, { recursive: true });
    const bytes = saveSnapshot(join(snapDir, 'crux.bin'), snap);
    return { buildS, buildCpuS, saveS: (performance.now() - t1) / 1000, diskBytes: bytes, docs: snap.index.n, terms: snap.index.data.terms.length };
  }
  const c0 = cpuMs();
  const t0 = performance.now();
  const texts = readPassages(corpus);
  if (lib === 'minisearch') {
    const { default: MiniSearch } = await import('minisearch');
    const ms = new MiniSearch<{ id: number; text: string }>(await miniSearchOptions());
    for (let i = 0; i < texts.length; i++) ms.add({ id: i, text: texts[i] });
    const buildS = (performance.now() - t0) / 1000;
    const buildCpuS = (cpuMs() - c0) / 1000;
    const t1 = performance.now();
    mkdirSync(snapDir, { recursive: true });
    writeFileSync(join(snapDir, 'minisearch.json'), JSON.stringify(ms));
    writeFileSync(join(snapDir, 'passages.json'), JSON.stringify(texts));
    const saveS = (performance.now() - t1) / 1000;
    return { buildS, buildCpuS, saveS, diskBytes: fileBytes([join(snapDir, 'minisearch.json'), join(snapDir, 'passages.json')]), docs: ms.documentCount, terms: ms.termCount };
  }
  const { default: Fuse } = await import('fuse.js');
  const fuse = new Fuse(texts, FUSE_OPTIONS);
  const buildS = (performance.now() - t0) / 1000;
  const buildCpuS = (cpuMs() - c0) / 1000;
  const t1 = performance.now();
  mkdirSync(snapDir, { recursive: true });
  writeFileSync(join(snapDir, 'fuse-index.json'), JSON.stringify(fuse.getIndex().toJSON()));
  writeFileSync(join(snapDir, 'passages.json'), JSON.stringify(texts));
  const saveS = (performance.now() - t1) / 1000;
  return { buildS, buildCpuS, saveS, diskBytes: fileBytes([join(snapDir, 'fuse-index.json'), join(snapDir, 'passages.json')]), docs: texts.length, terms: null };
}

async function childQuery(lib: Lib, corpus: string, snapDir: string, n: number, quick: boolean): Promise<QueryResult> {
  const plan = planFor(lib, n, quick);
  if (lib === 'crux') {
    const { corpusFingerprint, createEngine } = await import('../src/core/engine.ts');
    const { loadSnapshot } = await import('../src/search/snapshot.ts');
    const { parseQuery, Vocabulary } = await import('../src/search/query.ts');
    const path = join(snapDir, 'crux.bin');
    const base = heapNow();
    const c0 = cpuMs();
    const t0 = performance.now();
    const snap = loadSnapshot(path, corpusFingerprint([corpus]));
    const engine = createEngine(snap, { indexPath: path, indexBytes: statSync(path).size });
    const loadS = (performance.now() - t0) / 1000;
    const loadCpuS = (cpuMs() - c0) / 1000;
    // The typo-correction radix tree is built on the first query that needs it; time it on its own.
    const vocab = new Vocabulary(snap.index);
    const t1 = performance.now();
    vocab.warm();
    const vocabTreeS = (performance.now() - t1) / 1000;
    const heapBytes = heapNow() - base;
    let parts = new Parts();
    const query = timeQueries(
      plan,
      (q) => {
        const t = performance.now();
        const parsed = parseQuery(q, snap.index, vocab);
        const t2 = performance.now();
        const top = snap.index.search(parsed.terms, 10);
        parts.add('parse and typo fixes', t2 - t);
        parts.add('BM25 top 10', performance.now() - t2);
        return top;
      },
      true,
      () => (parts = new Parts()),
    );
    const ask = timeQueries(planFor('ask', n, quick), (q) => engine.ask(q, { limit: 5 }));
    return {
      loadS,
      loadCpuS,
      heapBytes,
      query,
      ask,
      vocabTreeS,
      parts: parts.summary(),
      vocabulary: { terms: snap.index.data.terms.length, words: snap.index.data.words.length },
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
  }
  if (lib === 'minisearch') {
    const { default: MiniSearch } = await import('minisearch');
    const opts = await miniSearchOptions();
    const base = heapNow();
    const c0 = cpuMs();
    const t0 = performance.now();
    const texts: string[] = JSON.parse(readFileSync(join(snapDir, 'passages.json'), 'utf8'));
    const ms = MiniSearch.loadJSON<{ id: number; text: string }>(readFileSync(join(snapDir, 'minisearch.json'), 'utf8'), opts);
    const loadS = (performance.now() - t0) / 1000;
    const loadCpuS = (cpuMs() - c0) / 1000;
    const heapBytes = heapNow() - base;
    // Recommended setup (docs/search-libs.md): drop query terms found in more than 5% of passages (unless that
    // would drop them all). Document frequencies come from MiniSearch's own index (an internal field).
    const index = (ms as unknown as { _index: { get(t: string): Map<number, Map<number, number>> | undefined } })._index;
    const tokenize = MiniSearch.getDefault('tokenize') as (s: string) => string[];
    const limit = 0.05 * ms.documentCount;
    const search = (q: string) => {
      const terms = tokenize(q).map((t) => opts.processTerm(t)).filter((t): t is string => !!t);
      const df = (t: string) => index.get(t)?.get(0)?.size ?? 0;
      const kept = terms.filter((t) => df(t) <= limit);
      const use = kept.length ? kept : terms.sort((a, b) => df(a) - df(b)).slice(0, 1);
      return ms.search(use.join(' ')).slice(0, 10).map((r) => texts[r.id as number]);
    };
    const query = timeQueries(plan, search);
    return { loadS, loadCpuS, heapBytes, query, peakRssBytes: process.resourceUsage().maxRSS * 1024 };
  }
  const { default: Fuse } = await import('fuse.js');
  const base = heapNow();
  const c0 = cpuMs();
  const t0 = performance.now();
  const texts: string[] = JSON.parse(readFileSync(join(snapDir, 'passages.json'), 'utf8'));
  const idx = Fuse.parseIndex<string>(JSON.parse(readFileSync(join(snapDir, 'fuse-index.json'), 'utf8')));
  const fuse = new Fuse(texts, FUSE_OPTIONS, idx);
  const loadS = (performance.now() - t0) / 1000;
  const loadCpuS = (cpuMs() - c0) / 1000;
  const heapBytes = heapNow() - base;
  // No warm-up pass at large sizes: each query is a full linear scan, so the first one is no colder than the rest.
  const query = timeQueries(plan, (q) => fuse.search(q, { limit: 10 }), n <= 20_000);
  return { loadS, loadCpuS, heapBytes, query, peakRssBytes: process.resourceUsage().maxRSS * 1024 };
}

async function childExt(file: string, ctx: BenchContext): Promise<BenchRow[]> {
  const mod = (await import(pathToFileURL(file).href)) as { bench?: (ctx: BenchContext) => unknown };
  if (typeof mod.bench !== 'function') throw new NoBench(`${basename(file)} has no exported function "bench"`);
  const rows = await mod.bench(ctx);
  if (!Array.isArray(rows)) throw new Error(`bench() of ${basename(file)} returned ${typeof rows}, not an array of rows`);
  return rows as BenchRow[];
}

class NoBench extends Error {}

async function runChild(args: Args): Promise<void> {
  const out = args.rest.out;
  let result: unknown;
  try {
    if (args.child === 'build') result = { ok: true, value: await childBuild(args.rest.lib as Lib, args.rest.corpus, args.rest.snap) };
    else if (args.child === 'query')
      result = { ok: true, value: await childQuery(args.rest.lib as Lib, args.rest.corpus, args.rest.snap, Number(args.rest.n), args.quick) };
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

// ---------------------------------------------------------------------------------------------------------------
// Parent: run the children, print the tables

type Outcome<T> = { ok: true; value: T } | { ok: false; error: string; skip?: boolean };

/** Runs this script as a child with its own heap limit; kills it (by its pid) if it runs past `timeoutS`. */
function spawnChild<T>(kind: string, rest: Record<string, string>, opts: { heapMb: number; timeoutS: number; quick: boolean; dir: string }): Promise<Outcome<T>> {
  const out = join(opts.dir, `result-${process.pid}-${Date.now()}.json`);
  const argv = [
    '--expose-gc',
    `--max-old-space-size=${opts.heapMb}`,
    '--import',
    'tsx',
    SELF,
    '--child',
    kind,
    ...(opts.quick ? ['--quick'] : []),
    ...Object.entries({ ...rest, out }).flatMap(([k, v]) => [`--${k}`, v]),
  ];
  return new Promise((done) => {
    const child = spawn(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let res: Outcome<T> | null = null;
      try {
        res = JSON.parse(readFileSync(out, 'utf8'));
        rmSync(out, { force: true });
      } catch {
        res = null;
      }
      if (res) return done(res);
      const oom = /heap out of memory|Allocation failed/i.test(stderr);
      const why = timedOut
        ? `timed out after ${opts.timeoutS} s`
        : oom
          ? `out of memory (--max-old-space-size=${opts.heapMb})`
          : `exited with ${signal ?? code}${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' / ')}` : ''}`;
      done({ ok: false, error: why });
    });
  });
}

interface Cell {
  size: number;
  lib: Lib;
  build: Outcome<BuildResult> | null;
  query: Outcome<QueryResult> | null;
}

const fmtS = (s: number) => (s < 1 ? s.toFixed(2) : s < 10 ? s.toFixed(1) : s.toFixed(0));
const fmtMs = (ms: number) => (ms < 1 ? ms.toFixed(2) : ms < 10 ? ms.toFixed(1) : ms < 1000 ? ms.toFixed(0) : ms.toLocaleString('en', { maximumFractionDigits: 0 }));
const fmtMb = (b: number) => (b / 1e6 < 10 ? (b / 1e6).toFixed(1) : (b / 1e6).toFixed(0));

function table(rows: BenchRow[]): string {
  if (!rows.length) return '(no rows)';
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  const cell = (v: BenchRow[string] | undefined) => (v === null || v === undefined ? '–' : String(v));
  const w = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => (i === 0 ? v.padEnd(w[i]) : v.padStart(w[i]))).join('  ');
  return [line(cols), line(w.map((n) => '-'.repeat(n))), ...rows.map((r) => line(cols.map((c) => cell(r[c]))))].join('\n');
}

const LIB_NAMES: Record<Lib, string> = { crux: 'Crux', minisearch: 'MiniSearch', fuse: 'fuse.js' };

function rowOf(c: Cell): BenchRow {
  const b = c.build?.ok ? c.build.value : null;
  const q = c.query?.ok ? c.query.value : null;
  const lat = (l: Latency | undefined) => (l ? `${fmtMs(l.p50)} / ${fmtMs(l.p99)}` : null);
  return {
    size: sizeLabel(c.size),
    library: LIB_NAMES[c.lib],
    'build s': b ? fmtS(b.buildS) : null,
    'save s': b ? fmtS(b.saveS) : null,
    'disk MB': b ? fmtMb(b.diskBytes) : null,
    'load s': q ? fmtS(q.loadS) : null,
    'heap MB': q ? fmtMb(q.heapBytes) : null,
    'query p50 / p99 ms': q ? lat(q.query) : null,
    samples: q ? `${q.query.samples}${q.query.capped ? '*' : ''}` : null,
    'answer p50 / p99 ms': q?.ask ? lat(q.ask) : null,
    'peak RSS MB': q ? fmtMb(q.peakRssBytes) : null,
  };
}

function cpuRowOf(c: Cell): BenchRow {
  const b = c.build?.ok ? c.build.value : null;
  const q = c.query?.ok ? c.query.value : null;
  const lat = (l: Latency | undefined) => (l ? `${fmtMs(l.cpuP50)} / ${fmtMs(l.cpuP99)}` : null);
  return {
    size: sizeLabel(c.size),
    library: LIB_NAMES[c.lib],
    'build cpu s': b ? fmtS(b.buildCpuS) : null,
    'load cpu s': q ? fmtS(q.loadCpuS) : null,
    'query cpu p50 / p99 ms': q ? lat(q.query) : null,
    'answer cpu p50 / p99 ms': q?.ask ? lat(q.ask) : null,
  };
}

function targets(cells: Cell[]): string[] {
  const out: string[] = [];
  const get = (size: number, lib: Lib) => {
    const c = cells.find((x) => x.size === size && x.lib === lib);
    return { b: c?.build?.ok ? c.build.value : null, q: c?.query?.ok ? c.query.value : null };
  };
  const verdict = (ok: boolean) => (ok ? 'meets' : 'MISSES');
  if (cells.some((c) => c.size === 100_000 && c.lib === 'crux')) {
    const { q } = get(100_000, 'crux');
    if (q) {
      out.push(
        `${verdict(q.query.p99 < 10)} p99 < 10 ms at 100k: Crux query p99 ${fmtMs(q.query.p99)} ms (cpu ${fmtMs(q.query.cpuP99)} ms); ` +
          `whole answer p99 ${q.ask ? `${fmtMs(q.ask.p99)} ms (cpu ${fmtMs(q.ask.cpuP99)} ms)` : '?'}`,
      );
      out.push(
        `${verdict(q.loadS < 1)} load < 1 s at 100k: Crux load ${fmtS(q.loadS)} s (cpu ${fmtS(q.loadCpuS)} s), ` +
          `+ ${fmtS(q.vocabTreeS ?? 0)} s to build the typo tree on the first query with an unknown word`,
      );
    } else out.push('MISSES 100k targets: Crux did not run at 100k');
  }
  for (const size of [...new Set(cells.map((c) => c.size))]) {
    const c = get(size, 'crux');
    const m = get(size, 'minisearch');
    if (!c.q || !m.q || !c.b || !m.b) continue;
    // Each figure is compared in wall time and in CPU time: on a shared machine wall time also counts waiting for a core.
    const cmp: Array<[string, number, number, number, number, (x: number) => string, string]> = [
      ['query p50', c.q.query.p50, m.q.query.p50, c.q.query.cpuP50, m.q.query.cpuP50, fmtMs, 'ms'],
      ['query p99', c.q.query.p99, m.q.query.p99, c.q.query.cpuP99, m.q.query.cpuP99, fmtMs, 'ms'],
      ['load', c.q.loadS, m.q.loadS, c.q.loadCpuS, m.q.loadCpuS, fmtS, 's'],
      ['build', c.b.buildS, m.b.buildS, c.b.buildCpuS, m.b.buildCpuS, fmtS, 's'],
    ];
    const parts = cmp.map(([name, cw, mw, cc, mc, f, unit]) => {
      const tag = cw <= mw && cc <= mc ? 'ok' : cw > mw && cc > mc ? 'SLOWER' : cc > mc ? 'slower in CPU' : 'slower in wall time';
      return `${name} ${f(cw)} vs ${f(mw)} ${unit} (cpu ${f(cc)} vs ${f(mc)}): ${tag}`;
    });
    const bad = parts.some((p) => /SLOWER|slower in CPU/.test(p));
    out.push(`${verdict(!bad)} no slower than MiniSearch at ${sizeLabel(size)}: Crux vs MiniSearch: ${parts.join('; ')}`);
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) return runChild(args);
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
      `(OR, fuzzy 0.2 for terms > 4 chars, prefix > 3, stop words, terms in > 5% of passages dropped). fuse.js: default options.`,
  );
  const cells: Cell[] = [];
  if (libs.length) {
    for (const size of args.sizes) {
      const corpus = await ensureCorpus(args.dir, size, log);
      const big = size > 200_000;
      for (const lib of libs) {
        const snap = join(args.dir, `snap-${process.pid}-${sizeLabel(size)}-${lib}`);
        const heapMb = big ? 8192 : 4096;
        const cell: Cell = { size, lib, build: null, query: null };
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
      if (c.build && !c.build.ok) notes.add(`${sizeLabel(c.size)} ${c.lib}: build failed: ${c.build.error}`);
      if (c.query && !c.query.ok) notes.add(`${sizeLabel(c.size)} ${c.lib}: load/query failed: ${c.query.error}`);
      const q = c.query?.ok ? c.query.value : null;
      if (q?.query.capped) notes.add(`* ${sizeLabel(c.size)}: ${q.query.capped}`);
      if (q) {
        const slow = (l: Latency) => l.slowest.map(([qq, ms]) => `"${qq}" ${fmtMs(ms)}`).join(', ');
        notes.add(`${sizeLabel(c.size)} ${c.lib}: slowest queries (median ms): ${slow(q.query)}`);
        if (q.ask) notes.add(`${sizeLabel(c.size)} ${c.lib}: slowest answers (median ms): ${slow(q.ask)}`);
        if (q.parts) {
          const parts = Object.entries(q.parts).map(([k, v]) => `${k} ${fmtMs(v.p50)} / ${fmtMs(v.p99)}`);
          notes.add(`${sizeLabel(c.size)} crux: query p50 / p99 by part (ms): ${parts.join('; ')}`);
        }
        if (q.vocabulary) notes.add(`${sizeLabel(c.size)} crux: ${q.vocabulary.terms.toLocaleString('en')} index terms, ${q.vocabulary.words.toLocaleString('en')} surface words`);
      }
      if (q?.vocabTreeS !== undefined) notes.add(`Crux ${sizeLabel(c.size)}: typo-correction tree built on the first query that needs it: ${fmtS(q.vocabTreeS)} s (not in "load s", in "heap MB")`);
      const b = c.build?.ok ? c.build.value : null;
      if (b && b.docs !== c.size) notes.add(`${sizeLabel(c.size)} ${c.lib}: indexed ${b.docs} passages, not ${c.size}`);
    }
    notes.add('build = read the corpus files and index them (Crux: loader, dedupe, BM25); save = write the snapshot; load = read it back, ready to answer');
    notes.add('heap = heapUsed + external + arrayBuffers after load (3× gc), minus the baseline before loading: index plus passage texts');
    for (const n of notes) console.log(`  ${n}`);
    const t = targets(cells);
    if (t.length) {
      console.log('Targets (issue 2):');
      for (const line of t) console.log(`  ${line}`);
    }
  }

  // Extension benches from other parts of Crux.
  const extFiles = readdirSync(join(ROOT, 'scripts'))
    .filter((f) => /^bench-[\w-]+\.(ts|mts|mjs|js)$/.test(f))
    .sort();
  const ctx: BenchContext = { quick: args.quick, sizes: args.sizes, dir: args.dir, seedCorpus: SEED, root: ROOT };
  const seen = new Set<string>();
  for (const f of extFiles) {
    const name = f.replace(/^bench-/, '').replace(/\.\w+$/, '');
    if (seen.has(name) || !want(name)) continue;
    seen.add(name);
    log(`extension bench ${f}…`);
    const res = await spawnChild<BenchRow[]>(
      'ext',
      { file: join(ROOT, 'scripts', f), ctx: JSON.stringify(ctx) },
      { heapMb: 4096, timeoutS: 300, quick: args.quick, dir: args.dir },
    );
    console.log('');
    if (res.ok) {
      console.log(`${name} (scripts/${f})`);
      console.log(table(res.value));
    } else console.log(`${name} (scripts/${f}): skipped: ${res.error}`);
  }
  for (const name of ['discord', 'slack', 'ops', 'formats']) {
    if (!seen.has(name) && want(name)) console.log(`${name}: no scripts/bench-${name}.* yet; skipped`);
  }
  console.log('');
  console.log(`Bench finished in ${fmtS((performance.now() - started) / 1000)} s; load average now: ${load()}.`);
}

if (process.argv[1] && resolve(process.argv[1]) === SELF) {
  main().catch((e) => {
    console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  });
}
