// FlexSearch 0.8, the fastest JavaScript index (../shared/docs/search-libs.md), as the speed anchor: its default
// "strict" tokenizer, no BM25 (it ranks by where a term sits in the passage). Saved with export(), loaded with import().
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPassages } from '../corpus.ts';
import { cpuMs, fileBytes, firstQueries, heapNow, planFor, timeQueries } from '../measure.ts';
import type { BuildResult, QueryResult } from '../types.ts';

const OPTIONS = { tokenize: 'strict' as const };

export async function build(corpus: string, snapDir: string): Promise<BuildResult> {
  mkdirSync(snapDir, { recursive: true });
  const { Index } = await import('flexsearch');
  const c0 = cpuMs();
  const t0 = performance.now();
  const texts = readPassages(corpus);
  const index = new Index(OPTIONS);
  for (let i = 0; i < texts.length; i++) index.add(i, texts[i]);
  const buildS = (performance.now() - t0) / 1000;
  const buildCpuS = (cpuMs() - c0) / 1000;
  const t1 = performance.now();
  const parts: Array<[string, string]> = [];
  await index.export((key: string, data: string) => {
    parts.push([key, data]);
  });
  writeFileSync(join(snapDir, 'flexsearch.json'), JSON.stringify(parts));
  writeFileSync(join(snapDir, 'passages.json'), JSON.stringify(texts));
  const saveS = (performance.now() - t1) / 1000;
  return { buildS, buildCpuS, saveS, diskBytes: fileBytes([join(snapDir, 'flexsearch.json'), join(snapDir, 'passages.json')]), docs: texts.length, terms: null };
}

export async function query(_corpus: string, snapDir: string, n: number, quick: boolean): Promise<QueryResult> {
  const plan = planFor('flexsearch', n, quick);
  const { Index } = await import('flexsearch');
  const base = heapNow();
  const c0 = cpuMs();
  const t0 = performance.now();
  const texts: string[] = JSON.parse(readFileSync(join(snapDir, 'passages.json'), 'utf8'));
  const index = new Index(OPTIONS);
  for (const [key, data] of JSON.parse(readFileSync(join(snapDir, 'flexsearch.json'), 'utf8')) as Array<[string, string]>) index.import(key, data);
  const loadS = (performance.now() - t0) / 1000;
  const loadCpuS = (cpuMs() - c0) / 1000;
  const search = (q: string) => (index.search(q, { limit: 10 }) as number[]).map((id) => texts[id]);
  const first = firstQueries(search);
  const heapBytes = heapNow() - base;
  const queryLatency = timeQueries(plan, search);
  return { loadS, loadCpuS, heapBytes, query: queryLatency, ...first, peakRssBytes: process.resourceUsage().maxRSS * 1024 };
}
