// Measuring helpers used in the child processes: heap after GC, percentiles, query plans and timed query loops.
import { statSync } from 'node:fs';
import { QUERIES } from './queries.ts';
import type { Latency, Lib } from './types.ts';

declare const gc: undefined | (() => void);

export function heapNow(): number {
  if (typeof gc === 'function') for (let i = 0; i < 3; i++) gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
}

export function percentile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function fileBytes(paths: string[]): number {
  return paths.reduce((s, p) => s + statSync(p).size, 0);
}

export interface Plan {
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
export function planFor(lib: Lib | 'ask', n: number, quick: boolean): Plan {
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


export function cpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

/** A stopwatch for the parts of one call (Crux: typo fixes and parsing vs BM25 scoring). */
export class Parts {
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

/** The first query and the first query with a typo right after loading, before any warm-up (ms, wall). */
export const FIRST_QUERY = 'hyperstition';
export const FIRST_TYPO = 'hypersticion';

export function firstQueries(fn: (q: string) => unknown): { firstMs: number; firstTypoMs: number } {
  let t = performance.now();
  fn(FIRST_QUERY);
  const firstMs = performance.now() - t;
  t = performance.now();
  fn(FIRST_TYPO);
  return { firstMs, firstTypoMs: performance.now() - t };
}

/** Times fn over the plan's queries after one warm-up pass; per query in ms. */
export function timeQueries(plan: Plan, fn: (q: string) => unknown, warm = true, onWarm?: () => void): Latency {
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
