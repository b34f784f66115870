// Crux's own index: build and save the snapshot; load it, time queries (parse + BM25) and whole answers (engine.ask).
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cpuMs, firstQueries, heapNow, Parts, planFor, timeQueries } from '../measure.ts';
import { processFigures } from '../processes.ts';
import type { BuildResult, QueryResult } from '../types.ts';

export async function build(corpus: string, snapDir: string): Promise<BuildResult> {
  mkdirSync(snapDir, { recursive: true });
  const { buildSnapshot } = await import('../../../src/core/engine.ts');
  const { saveSnapshot } = await import('../../../src/search/snapshot.ts');
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

export async function query(corpus: string, snapDir: string, n: number, quick: boolean): Promise<QueryResult> {
  const plan = planFor('crux', n, quick);
  const { corpusFingerprint, createEngine } = await import('../../../src/core/engine.ts');
  const { loadSnapshot } = await import('../../../src/search/snapshot.ts');
  const { parseQuery, Vocabulary } = await import('../../../src/search/query.ts');
  const path = join(snapDir, 'crux.bin');
  const base = heapNow();
  const c0 = cpuMs();
  const t0 = performance.now();
  const snap = loadSnapshot(path, corpusFingerprint([corpus]));
  const engine = createEngine(snap, { indexPath: path, indexBytes: statSync(path).size });
  const loadS = (performance.now() - t0) / 1000;
  const loadCpuS = (cpuMs() - c0) / 1000;
  // What serving does right after loading (engine.warm: the English word list typo fixes consult), timed on its own;
  // then the first answer and the first answer with a typo, cold otherwise.
  const vocab = new Vocabulary(snap.index);
  const t1 = performance.now();
  engine.warm?.();
  const vocabTreeS = (performance.now() - t1) / 1000;
  const first = firstQueries((q) => engine.ask(q, { limit: 5 }));
  const heapBytes = heapNow() - base;
  let parts = new Parts();
  const queryLatency = timeQueries(
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
    query: queryLatency,
    ask,
    vocabTreeS,
    parts: parts.summary(),
    vocabulary: { terms: snap.index.data.terms.length, words: snap.index.data.words.length },
    ...first,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    // A forum corpus is one JSONL file: time whole processes on it too.
    processes: corpus.endsWith('.jsonl') ? await processFigures(corpus, path, snapDir) : undefined,
  };
}
