// Types shared by the bench's parts, and the contract extension benches implement (see scripts/bench.ts).

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

export const LIBS = ['crux', 'minisearch', 'flexsearch', 'fuse'] as const;
export type Lib = (typeof LIBS)[number];

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string; skip?: boolean };

export interface Latency {
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

export interface BuildResult {
  buildS: number;
  buildCpuS: number;
  saveS: number;
  diskBytes: number;
  docs: number;
  terms: number | null;
  note?: string;
}

export interface QueryResult {
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
  /** The first query and first typo query after loading (Crux: whole answers), before any warm-up, in ms. */
  firstMs?: number;
  firstTypoMs?: number;
  /** Crux on a forum corpus: whole processes, as a user runs them (see processes.ts). */
  processes?: ProcessFigures;
  note?: string;
}

export interface ProcessFigures {
  /** `crux --corpus FILE hyperstition`: wall time and peak RSS of the whole process. */
  oneShotS: number;
  oneShotRssBytes: number;
  /** Two prompt processes serving the same index, after one answer each: RSS and PSS (shared pages split) each. */
  rssBytes: number[];
  pssBytes: number[];
}
