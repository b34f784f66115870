// MiniSearch in the recommended setup (../shared/docs/search-libs.md): OR, fuzzy 0.2 for terms > 4 chars, prefix > 3,
// stop words, query terms in > 5% of passages dropped. Saved as JSON, loaded with MiniSearch.loadJSON.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPassages } from '../corpus.ts';
import { cpuMs, fileBytes, firstQueries, heapNow, planFor, timeQueries } from '../measure.ts';
import type { BuildResult, QueryResult } from '../types.ts';

const MS_FIELDS = { fields: ['text'] };

async function miniSearchOptions() {
  const { isStopWord } = await import('../../../src/core/text.ts');
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

export async function build(corpus: string, snapDir: string): Promise<BuildResult> {
  mkdirSync(snapDir, { recursive: true });
  const c0 = cpuMs();
  const t0 = performance.now();
  const texts = readPassages(corpus);
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

export async function query(_corpus: string, snapDir: string, n: number, quick: boolean): Promise<QueryResult> {
  const plan = planFor('minisearch', n, quick);
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
  const first = firstQueries(search);
  const queryLatency = timeQueries(plan, search);
  return { loadS, loadCpuS, heapBytes, query: queryLatency, ...first, peakRssBytes: process.resourceUsage().maxRSS * 1024 };
}
