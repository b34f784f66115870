// The tables the parent prints: search results per size and library (wall and CPU time), and the targets' verdicts.
import { sizeLabel } from './args.ts';
import type { BenchRow, BuildResult, Latency, Lib, Outcome, QueryResult } from './types.ts';

export interface Cell {
  size: number;
  lib: Lib;
  build: Outcome<BuildResult> | null;
  query: Outcome<QueryResult> | null;
}

export const fmtS = (s: number) => (s < 1 ? s.toFixed(2) : s < 10 ? s.toFixed(1) : s.toFixed(0));
export const fmtMs = (ms: number) => (ms < 1 ? ms.toFixed(2) : ms < 10 ? ms.toFixed(1) : ms < 1000 ? ms.toFixed(0) : ms.toLocaleString('en', { maximumFractionDigits: 0 }));
export const fmtMb = (b: number) => (b / 1e6 < 10 ? (b / 1e6).toFixed(1) : (b / 1e6).toFixed(0));

export function table(rows: BenchRow[]): string {
  if (!rows.length) return '(no rows)';
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  const cell = (v: BenchRow[string] | undefined) => (v === null || v === undefined ? '–' : String(v));
  const w = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => (i === 0 ? v.padEnd(w[i]) : v.padStart(w[i]))).join('  ');
  return [line(cols), line(w.map((n) => '-'.repeat(n))), ...rows.map((r) => line(cols.map((c) => cell(r[c]))))].join('\n');
}

const LIB_NAMES: Record<Lib, string> = { crux: 'Crux', minisearch: 'MiniSearch', fuse: 'fuse.js' };

export function rowOf(c: Cell): BenchRow {
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

export function cpuRowOf(c: Cell): BenchRow {
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

export function targets(cells: Cell[]): string[] {
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
