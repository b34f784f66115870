// fuse.js with its defaults: a linear Bitap scan over every passage (seconds per query on large corpora).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPassages } from '../corpus.ts';
import { cpuMs, fileBytes, heapNow, planFor, timeQueries } from '../measure.ts';
import type { BuildResult, QueryResult } from '../types.ts';

// fuse.js defaults (threshold 0.6, location 0, distance 100: it only looks near the start of each passage). With
// ignoreLocation it scans whole passages and took 2.8 s per query at 10k passages (about 10x the defaults).
const FUSE_OPTIONS = {};

export async function build(corpus: string, snapDir: string): Promise<BuildResult> {
  mkdirSync(snapDir, { recursive: true });
  const c0 = cpuMs();
  const t0 = performance.now();
  const texts = readPassages(corpus);
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

export async function query(_corpus: string, snapDir: string, n: number, quick: boolean): Promise<QueryResult> {
  const plan = planFor('fuse', n, quick);
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
  const queryLatency = timeQueries(plan, (q) => fuse.search(q, { limit: 10 }), n <= 20_000);
  return { loadS, loadCpuS, heapBytes, query: queryLatency, peakRssBytes: process.resourceUsage().maxRSS * 1024 };
}
