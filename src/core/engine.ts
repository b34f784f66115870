// The core: loads a corpus (from its saved index when fresh), and answers queries with passages, positions, exchanges.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Answer, AskOptions, Passage, PassageHit, SourceInfo } from './types.ts';
import type { Problem } from '../corpus/types.ts';
import { listCorpusFiles, loadCorpus } from '../corpus/load.ts';
import { fileReadCache, type ReadCache } from '../corpus/cache.ts';
import { WINDOWS_VERSION } from '../corpus/windows.ts';
import { Bm25Index } from '../search/bm25.ts';
import { parseQuery, Vocabulary } from '../search/query.ts';
import { rankCandidates, rankParams, type RankCorpus } from '../search/rank.ts';
import { FORMAT_VERSION, loadSnapshot, saveSnapshot, SnapshotError, type Snapshot } from '../search/snapshot.ts';
import { excerpt, EXCERPT_CHARS } from './excerpt.ts';
import { cleanQuery, clipText, fold, printable, termOf } from './text.ts';
import { corpusFields, describeFilters, hasFilters, mergeFilters, parseFilters, passageFilter, type CorpusFields, type Filters } from './filters.ts';
import { UserError } from '../errors.ts';
import { findExchanges, findPositions, type CorpusView, type Relevant } from '../positions/index.ts';
import { readStance } from '../positions/stance.ts';
import { wordsOf } from '../positions/words.ts';

import { REPO_ROOT } from '../paths.ts';

export { REPO_ROOT };
export const DEFAULT_CORPUS = join(REPO_ROOT, 'data', 'corpus');
export const DEFAULT_CACHE = join(REPO_ROOT, 'data', '.cache');

export const DEFAULT_LIMIT = 5;

export const MAX_LIMIT = 50;
/** Queries longer than this many distinct words keep only their most telling ones. */
const MAX_QUERY_TERMS = 32;
/** Up to this many words a query is a question or a topic, not a whole message. */
const SHORT_QUERY_WORDS = 12;
/** How many passages the positions step considers. */
const RELEVANT_POOL = 60;

export interface OpenOptions {
  corpus?: string | string[];
  cacheDir?: string;
  format?: string;
  /** Ignore any saved index and build afresh. */
  rebuild?: boolean;
  /** One-line notices for the person running Crux ("index rebuilt: corpus changed"). */
  onNotice?: (msg: string) => void;
  onProgress?: (done: number, total: number) => void;
  /** Reading progress while building: files read, files in all, records read so far. */
  onLoad?: (done: number, total: number, records: number) => void;
  /** After a build: how many files (or folder exports) were reused unchanged and how many were parsed. */
  onReads?: (stats: { reused: number; parsed: number }) => void;
  /** Parse every file again instead of reusing what unchanged files gave last time (incremental indexing). */
  full?: boolean;
}

export interface EngineStats {
  passages: number;
  unique: number;
  files: number;
  builtAt: string;
  indexPath: string;
  indexBytes: number | null;
}

export interface Engine {
  ask(query: string, opts?: AskOptions): Answer;
  passage(id: string): Passage | undefined;
  /** Distinct sources (by title), for source filters and suggestions. */
  sources(): SourceInfo[];
  problems: Problem[];
  stats: EngineStats;
  view: CorpusView;
  /** Builds what the first query with a typo would otherwise build (the vocabulary tree): call after opening. */
  warm?(): void;
}

/** Where the saved index of a corpus lives: one file per corpus location and format option. */
export function indexPathFor(corpus: string[], cacheDir: string, format?: string): string {
  const key = createHash('sha256').update(JSON.stringify([corpus.map((c) => resolve(c)), format ?? null])).digest('hex');
  return join(cacheDir, `index-${key.slice(0, 16)}.bin`);
}

/** Identifies the corpus as it is on disk now: file paths, sizes and modification times. */
export function corpusFingerprint(corpus: string[], format?: string): string {
  const files = listCorpusFiles(corpus, []).map((f) => {
    const st = statSync(f);
    return [f, st.size, Math.floor(st.mtimeMs)];
  });
  return createHash('sha256').update(JSON.stringify([FORMAT_VERSION, WINDOWS_VERSION, format ?? null, files])).digest('hex');
}

/** Where a passage takes its stance on the query's words (its cues), for the excerpt to keep. */
function stanceOf(p: Passage, words: string[]): Array<[number, number]> {
  const topic = { terms: new Set(words.map((w) => termOf(w))), direction: 1, action: null };
  return readStance(p.text, topic, wordsOf(p)).cues.map((c): [number, number] => [c.start, c.end]);
}

/** Builds the snapshot of a corpus from its files. Throws UserError when nothing at all could be loaded. */
export function buildSnapshot(
  corpus: string[],
  opts: Pick<OpenOptions, 'format' | 'onProgress' | 'onLoad'> & { cache?: ReadCache } = {},
): Snapshot {
  const fingerprint = corpusFingerprint(corpus, opts.format);
  const loaded = loadCorpus(corpus, { format: opts.format, onFile: opts.onLoad, cache: opts.cache });
  const docPassage: number[] = [];
  loaded.passages.forEach((p, i) => {
    if (!p.dupOf) docPassage.push(i);
  });
  if (docPassage.length === 0) {
    const why = loaded.problems.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`).join('; ');
    throw new UserError('NO_CORPUS', `No passages could be loaded from ${corpus.join(', ')}${why ? ` (${why})` : ''}`);
  }
  const texts = docPassage.map((i) => loaded.passages[i].text);
  const index = Bm25Index.build(texts, (done) => opts.onProgress?.(done, texts.length));
  opts.onProgress?.(texts.length, texts.length);
  return {
    fingerprint,
    builtAt: new Date().toISOString(),
    passages: loaded.passages,
    docPassage: Uint32Array.from(docPassage),
    index,
    problems: loaded.problems,
  };
}

/** Opens a corpus: loads its saved index when it matches the files, else rebuilds and saves it (with a notice). */
export function openEngine(opts: OpenOptions = {}): Engine {
  const corpus = Array.isArray(opts.corpus) ? opts.corpus : [opts.corpus ?? process.env.CRUX_CORPUS ?? DEFAULT_CORPUS];
  const cacheDir = opts.cacheDir ?? process.env.CRUX_CACHE_DIR ?? DEFAULT_CACHE;
  const path = indexPathFor(corpus, cacheDir, opts.format);
  let snap: Snapshot | null = null;
  if (!opts.rebuild) {
    try {
      snap = loadSnapshot(path, corpusFingerprint(corpus, opts.format));
    } catch (e) {
      if (!(e instanceof SnapshotError)) throw e;
      if (e.reason !== 'missing') opts.onNotice?.(`Rebuilding the index: ${e.message}.`);
    }
  }
  let bytes: number | null = null;
  if (!snap) {
    // Incremental: what each unchanged file gave last time is kept beside the index (<index>.reads).
    const reads = opts.full ? undefined : fileReadCache(`${path}.reads`, JSON.stringify([FORMAT_VERSION, opts.format ?? null]));
    snap = buildSnapshot(corpus, { ...opts, cache: reads });
    if (reads) opts.onReads?.(reads.stats);
    try {
      bytes = saveSnapshot(path, snap);
      reads?.save();
    } catch (e) {
      opts.onNotice?.(`Could not save the index to ${path} (${(e as Error).message}); it will be rebuilt next time.`);
    }
  } else {
    try {
      bytes = statSync(path).size;
    } catch {
      bytes = null;
    }
  }
  return createEngine(snap, { indexPath: path, indexBytes: bytes });
}

/** An engine over a loaded snapshot. */
export function createEngine(snap: Snapshot, where: { indexPath: string; indexBytes: number | null }): Engine {
  const { passages, docPassage, index } = snap;
  const vocab = new Vocabulary(index);
  const byId = new Map(passages.map((p) => [p.id, p]));
  /** Index document of each passage (by ord), -1 for copies. */
  const docOf = new Int32Array(passages.length).fill(-1);
  docPassage.forEach((pi, doc) => {
    docOf[pi] = doc;
  });
  const folded = new Map<number, string>();
  const foldedOf = (doc: number) => {
    let f = folded.get(doc);
    if (f === undefined) {
      f = fold(passages[docPassage[doc]].text);
      if (folded.size > 10_000) folded.clear();
      folded.set(doc, f);
    }
    return f;
  };
  const show = (p: Passage, words: string[], score: number): PassageHit => {
    const ex = excerpt(p.text, words, EXCERPT_CHARS, p.text.length > EXCERPT_CHARS ? stanceOf(p, words) : []);
    return { id: p.id, text: ex.text, source: p.source, score: Math.round(score * 1000) / 1000, highlights: ex.highlights };
  };
  const rankCorpus: RankCorpus = { passages, byId: (id) => byId.get(id), index, docPassage, docOf };
  const view: CorpusView = {
    passages,
    byId: (id) => byId.get(id),
    idf: (term) => index.idf(term),
    df: (term) => index.df(term),
    show,
  };
  const sourceList = (() => {
    const seen = new Map<string, SourceInfo>();
    for (const p of passages) if (!seen.has(p.source.title)) seen.set(p.source.title, p.source);
    return [...seen.values()];
  })();

  let fields: CorpusFields | undefined;
  function allowFor(filters: string[] | undefined, more?: Filters): ((doc: number) => boolean) | undefined {
    // Author, date and score filters (src/core/filters.ts); sources are matched below, by title, id or site.
    const keep = more ? passageFilter(more, (fields ??= corpusFields(passages))) : undefined;
    if (!filters?.length) return keep && ((doc) => keep(passages[docPassage[doc]]));
    const wanted = filters.map((f) => fold(f));
    const ok = new Set(
      sourceList
        .filter((s) => wanted.some((w) => fold(s.title).includes(w) || fold(s.id).includes(w) || fold(s.site ?? '').includes(w)))
        .map((s) => s.title),
    );
    if (ok.size === 0) throw new UserError('UNKNOWN_SOURCE', `No source matches ${filters.map((f) => `"${f}"`).join(', ')}.`);
    return (doc) => ok.has(passages[docPassage[doc]].source.title) && (!keep || keep(passages[docPassage[doc]]));
  }

  function ask(query: string, opts: AskOptions = {}): Answer {
    const t0 = performance.now();
    const wanted = Number.isFinite(opts.limit) ? Math.floor(opts.limit!) : DEFAULT_LIMIT;
    const limit = Math.max(1, Math.min(MAX_LIMIT, wanted));
    const shown = printable(query); // what is echoed back (answer, notices, errors): no escapes, no lone surrogates
    const typed = parseFilters(shown); // author:, since:, until:, source:, min-score: inside the query text
    const filters = mergeFilters(typed.filters, opts.filters);
    const q = cleanQuery(typed.text);
    if (!q) throw new UserError('EMPTY_QUERY', !hasFilters(typed.filters) ? 'Type a topic to look up, for example: hyperstition' : 'Add a topic to the filters, for example: author:Theo waste');
    const notices: string[] = [];
    const filtered = describeFilters(filters);
    if (filtered) notices.push(filtered);
    const parsed = parseQuery(q, index, vocab);
    let terms = parsed.terms;
    if (terms.length > MAX_QUERY_TERMS) {
      terms = [...terms].sort((a, b) => index.idf(b.term) - index.idf(a.term)).slice(0, MAX_QUERY_TERMS);
      notices.push(`Long query: searched for its ${MAX_QUERY_TERMS} most distinctive words.`);
    }
    const allow = allowFor([...(opts.sources ?? []), ...filters.sources], filters);
    const pool = Math.max(RELEVANT_POOL, limit * 4);
    const found = terms.length ? index.search(terms, Math.max(pool * 3, rankParams.candidates), allow) : [];
    const ranked = rankCandidates(found, rankCorpus, parsed.didYouMean ?? q);
    const kept: typeof ranked = [];
    for (const r of ranked) {
      const f = foldedOf(r.doc);
      // A passage inside one already kept adds nothing new. One that holds a kept passage inside itself (a short
      // quote line, say) takes that passage's place: the quoted words belong to the paragraph they came from.
      if (kept.some((k) => foldedOf(k.doc).includes(f))) continue;
      const inner = kept.findIndex((k) => f.includes(foldedOf(k.doc)));
      if (inner >= 0) {
        kept[inner] = { ...r, score: kept[inner].score, why: { ...r.why, score: kept[inner].why.score, reads: [...(r.why.reads ?? []), 'holds a quote line that ranked here'] } };
        continue;
      }
      kept.push(r);
      if (kept.length >= pool) break;
    }
    const relevant: Relevant[] = kept.map((r) => lazyRelevant(passages[docPassage[r.doc]], r.score, parsed.words));
    const shownHits = relevant.slice(0, limit).map((r, i) => (opts.explain ? { ...r.hit, why: kept[i].why } : r.hit));
    if (!relevant.length) notices.push(nothingFound(parsed, q));
    // A word searched as typed that no passage uses (a real word, not a typo) is said, not silently dropped; not in
    // a whole message (Find the crux), where many words go unused.
    else if (parsed.unknown.length && parsed.unknown.length <= 2 && q.split(' ').length <= SHORT_QUERY_WORDS) notices.push(`Nothing in the corpus mentions ${quoted(parsed.unknown)}; these passages match the rest.`);
    const input = { query: q, topic: parsed.didYouMean ?? q, words: parsed.words, relevant, corpus: view };
    const { positions, notices: pn } = relevant.length ? findPositions(input) : { positions: [], notices: [] };
    const exchanges = relevant.length ? findExchanges(input, positions) : [];
    return {
      query: shown,
      didYouMean: parsed.didYouMean,
      passages: shownHits,
      positions,
      exchanges,
      notices: [...notices, ...pn],
      tookMs: Math.round((performance.now() - t0) * 100) / 100,
    };
  }

  /** A relevant passage whose excerpt is cut only when something shows it (most of the pool is never shown). */
  function lazyRelevant(passage: Passage, score: number, words: string[]): Relevant {
    let hit: PassageHit | undefined;
    return {
      passage,
      score,
      get hit() {
        return (hit ??= show(passage, words, score));
      },
    };
  }

  /** Why nothing was found, in words the asker can act on. */
  function nothingFound(parsed: { unknown: string[]; onlyStopWords: boolean }, q: string): string {
    if (parsed.onlyStopWords) return `"${clipText(q)}" is made of words too common to search for; try a more specific topic.`;
    const what = quoted(parsed.unknown.length ? parsed.unknown : [q]);
    return `Nothing in the corpus mentions ${what}.`;
  }

  function quoted(words: string[]): string {
    return words.map((w) => `"${clipText(w)}"`).join(', ');
  }

  return {
    ask,
    passage: (id) => byId.get(id),
    sources: () => sourceList,
    problems: snap.problems,
    stats: {
      passages: passages.length,
      unique: docPassage.length,
      files: new Set(passages.map((p) => p.file)).size,
      builtAt: snap.builtAt,
      indexPath: where.indexPath,
      indexBytes: where.indexBytes,
    },
    view,
    warm: () => vocab.warm(),
  };
}

