// The tables the parent prints: search results per size and library (wall and CPU time), and the targets' verdicts.
import { sizeLabel } from './args.ts';
import type { BenchRow, BuildResult, Latency, Lib, Outcome, QueryResult } from './types.ts';

export interface Cell {
  size: number;
  /** plain: text files of passages; forum: one JSONL file of records with authors, threads and replies (forum.ts). */
  shape: 'plain' | 'forum';
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

/** A size, and "forum" for the forum-shaped corpus. */
export const label = (c: Pick<Cell, 'size' | 'shape'>) => `${sizeLabel(c.size)}${c.shape === 'forum' ? ' forum' : ''}`;

const LIB_NAMES: Record<Lib, string> = { crux: 'Crux', minisearch: 'MiniSearch', flexsearch: 'FlexSearch', fuse: 'fuse.js' };

export function rowOf(c: Cell): BenchRow {
  const b = c.build?.ok ? c.build.value : null;
  const q = c.query?.ok ? c.query.value : null;
  const lat = (l: Latency | undefined) => (l ? `${fmtMs(l.p50)} / ${fmtMs(l.p99)}` : null);
  return {
    size: label(c),
    library: LIB_NAMES[c.lib],
    'build s': b ? fmtS(b.buildS) : null,
    'save s': b ? fmtS(b.saveS) : null,
    'disk MB': b ? fmtMb(b.diskBytes) : null,
    'load s': q ? fmtS(q.loadS) : null,
    'heap MB': q ? fmtMb(q.heapBytes) : null,
    'query p50 / p99 ms': q ? lat(q.query) : null,
    samples: q ? `${q.query.samples}${q.query.capped ? '*' : ''}` : null,
    'answer p50 / p99 ms': q?.ask ? lat(q.ask) : null,
    'first / first typo ms': q?.firstMs !== undefined ? `${fmtMs(q.firstMs)} / ${fmtMs(q.firstTypoMs!)}` : null,
    'peak RSS MB': q ? fmtMb(q.peakRssBytes) : null,
  };
}

export function cpuRowOf(c: Cell): BenchRow {
  const b = c.build?.ok ? c.build.value : null;
  const q = c.query?.ok ? c.query.value : null;
  const lat = (l: Latency | undefined) => (l ? `${fmtMs(l.cpuP50)} / ${fmtMs(l.cpuP99)}` : null);
  return {
    size: label(c),
    library: LIB_NAMES[c.lib],
    'build cpu s': b ? fmtS(b.buildCpuS) : null,
    'load cpu s': q ? fmtS(q.loadCpuS) : null,
    'query cpu p50 / p99 ms': q ? lat(q.query) : null,
    'answer cpu p50 / p99 ms': q?.ask ? lat(q.ask) : null,
  };
}

export function targets(cells: Cell[]): string[] {
  const out: string[] = [];
  const get = (size: number, lib: Lib, shape: Cell['shape'] = 'plain') => {
    const c = cells.find((x) => x.size === size && x.lib === lib && x.shape === shape);
    return { b: c?.build?.ok ? c.build.value : null, q: c?.query?.ok ? c.query.value : null };
  };
  const verdict = (ok: boolean) => (ok ? 'meets' : 'MISSES');
  if (cells.some((c) => c.size === 100_000 && c.lib === 'crux' && c.shape === 'plain')) {
    const { q } = get(100_000, 'crux');
    if (q) {
      out.push(
        `${verdict(q.query.p99 < 10)} p99 < 10 ms at 100k: Crux query p99 ${fmtMs(q.query.p99)} ms (cpu ${fmtMs(q.query.cpuP99)} ms); ` +
          `whole answer p99 ${q.ask ? `${fmtMs(q.ask.p99)} ms (cpu ${fmtMs(q.ask.cpuP99)} ms)` : '?'}`,
      );
      out.push(`${verdict(q.loadS < 1)} load < 1 s at 100k: Crux load ${fmtS(q.loadS)} s (cpu ${fmtS(q.loadCpuS)} s)`);
    } else out.push('MISSES 100k targets: Crux did not run at 100k');
  }
  // Issue 15, at a million forum records.
  const f = get(1_000_000, 'crux', 'forum');
  if (f.b && f.q) {
    const { b, q } = f;
    out.push(`${verdict(b.buildS <= 60)} crux index <= 60 s at 1M forum: build ${fmtS(b.buildS)} s + save ${fmtS(b.saveS)} s (cpu ${fmtS(b.buildCpuS)} s)`);
    if (q.processes) {
      const p = q.processes;
      out.push(`${verdict(p.oneShotS <= 2 && p.oneShotRssBytes <= 800e6)} one-shot answer <= 2 s at <= 800 MB: ${fmtS(p.oneShotS)} s, peak RSS ${fmtMb(p.oneShotRssBytes)} MB`);
      out.push(`two processes serving the 1M forum index: RSS ${p.rssBytes.map(fmtMb).join(' + ')} MB, PSS ${p.pssBytes.map(fmtMb).join(' + ')} MB (PSS splits shared pages)`);
    }
    const worst = Math.max(q.firstMs ?? Infinity, q.firstTypoMs ?? Infinity, q.ask?.max ?? Infinity);
    out.push(`${verdict(worst <= 50)} every answer <= 50 ms at 1M forum: first ${fmtMs(q.firstMs ?? NaN)} ms, first typo ${fmtMs(q.firstTypoMs ?? NaN)} ms, slowest ${fmtMs(q.ask?.max ?? NaN)} ms`);
    out.push(`${verdict((q.ask?.p99 ?? Infinity) <= 20)} answer p99 <= 20 ms at 1M forum: ${fmtMs(q.ask?.p99 ?? NaN)} ms`);
    out.push(`${verdict(q.query.p99 <= 10)} query p99 <= 10 ms at 1M forum: ${fmtMs(q.query.p99)} ms`);
  }
  for (const size of [...new Set(cells.map((c) => c.size))]) {
    const c = get(size, 'crux');
    const m = get(size, 'minisearch');
    const x = get(size, 'flexsearch');
    if (c.q && x.q) {
      const ratio = c.q.query.p50 / x.q.query.p50;
      out.push(`${verdict(ratio <= 2)} within 2x FlexSearch's query p50 at ${sizeLabel(size)}: ${fmtMs(c.q.query.p50)} vs ${fmtMs(x.q.query.p50)} ms (${ratio.toFixed(1)}x)`);
    }
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
