// The core: loads a corpus (from its saved index when fresh), and answers queries with passages, positions, exchanges.
import { createHash } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Answer, AskOptions, Passage, PassageHit, SourceInfo } from './types.ts';
import type { Problem } from '../corpus/types.ts';
import { listCorpusFiles, loadCorpus } from '../corpus/load.ts';
import { fileReadCache, type ReadCache } from '../corpus/cache.ts';
import { WINDOWS_VERSION } from '../corpus/windows.ts';
import { Bm25Index, type ScoredDoc } from '../search/bm25.ts';
import { parseQuery, Vocabulary, type TermStats } from '../search/query.ts';
import { rankCandidates, rankParams } from '../search/rank.ts';
import { FORMAT_VERSION, loadSnapshot, saveSnapshot, SnapshotError, snapshotOf, type Snapshot } from '../search/snapshot.ts';
import { excerpt, EXCERPT_CHARS } from './excerpt.ts';
import { cleanQuery, clipText, fold, printable, termOf } from './text.ts';
import { corpusFields, describeFilters, hasFilters, mergeFilters, parseFilters, passageFilter, type CorpusFields, type Filters } from './filters.ts';
import { isUserError, UserError } from '../errors.ts';
import { streamBuild } from './build.ts';
import { findExchanges, findPositions, type CorpusView, type Relevant } from '../positions/index.ts';
import { readStance } from '../positions/stance.ts';
import { wordsOf } from '../positions/words.ts';
import { LiveCorpus, type LiveChange, type LiveDrafts, type LiveRecord } from './live.ts';

import { REPO_ROOT } from '../paths.ts';

import { DEFAULT_CACHE, DEFAULT_CORPUS, DEFAULT_LIMIT, MAX_LIMIT } from './defaults.ts';

export { REPO_ROOT, DEFAULT_CACHE, DEFAULT_CORPUS, DEFAULT_LIMIT, MAX_LIMIT };
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
  /**
   * Adds records, or replaces those with the same ids, while serving: searchable when it returns, without a rebuild
   * (src/core/live.ts). `scope` keeps them to the asks that name it (a community); null or absent: every ask.
   */
  upsert?(records: Array<LiveRecord | LiveDrafts>, scope?: string | null): LiveChange;
  /** Removes records (by record id, or passage id for line-based files) added with upsert, or of the saved index. */
  remove?(ids: string[], scope?: string | null): LiveChange;
  /**
   * Makes one corpus file's passages (named by its path relative to the corpus, as passages name it) those given, read
   * again after the file changed; for every scope. Null, changing nothing, when too much changed for that.
   */
  syncFile?(file: string, passages: Passage[]): LiveChange | null;
}

/**
 * An engine as a running service holds it: an Engine in this thread, or one answering from a worker thread
 * (src/service/worker/), whose answers and updates arrive as promises. Commands await what ask gives.
 */
export interface ServedEngine {
  ask(query: string, opts?: AskOptions): Answer | Promise<Answer>;
  sources(): SourceInfo[];
  problems: Problem[];
  stats: EngineStats;
  upsert?(records: Array<LiveRecord | LiveDrafts>, scope?: string | null): LiveChange | Promise<LiveChange>;
  remove?(ids: string[], scope?: string | null): LiveChange | Promise<LiveChange>;
}

/** What an ask searches: the saved index alone, or the index with passages added while serving (src/core/live.ts). */
export interface Searchable {
  index: TermIndex;
  /** The saved index's passages in corpus order (passages added while serving are found through the rest). */
  passages: Passage[];
  /** The passage of index document `doc`. */
  passageOf(doc: number): Passage;
  /** The passage at corpus position `ord`, if there is one this ask may see. */
  passageAt(ord: number): Passage | undefined;
  /** The index document of a passage (of its first occurrence for a copy); -1 when it has none. */
  docOf(p: Passage): number;
  byId(id: string): Passage | undefined;
  /** Distinct sources (by title). */
  sources: SourceInfo[];
  /** Copies of a saved passage, by the id of its first occurrence. */
  copies(): { get(id: string): Passage[] | undefined };
  view: CorpusView;
}

/** The index an ask scores with: BM25 statistics and search. */
export interface TermIndex extends TermStats {
  idf(term: string): number;
  /** Length (index terms) of a document. */
  docLen(doc: number): number;
  search(query: Array<{ term: string; weight: number }>, k: number, allow?: (doc: number) => boolean): ScoredDoc[];
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
  return snapshotOf({
    fingerprint,
    builtAt: new Date().toISOString(),
    passages: loaded.passages,
    docPassage: Uint32Array.from(docPassage),
    index,
    problems: loaded.problems,
  });
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
    const fingerprint = corpusFingerprint(corpus, opts.format);
    let unsaved: Error | null = null;
    try {
      // Streamed into the saved file (src/core/build.ts): the corpus is never held whole.
      mkdirSync(dirname(path), { recursive: true });
      const built = streamBuild(corpus, path, { fingerprint, format: opts.format, cache: reads, onLoad: opts.onLoad, onProgress: opts.onProgress });
      snap = built.snap;
      bytes = built.bytes;
      if (reads) opts.onReads?.(reads.stats);
      reads?.save();
    } catch (e) {
      if (!(e as NodeJS.ErrnoException).code || isUserError(e)) throw e;
      unsaved = e as Error;
    }
    if (!snap) {
      opts.onNotice?.(`Could not save the index to ${path} (${unsaved?.message}); it will be rebuilt next time.`);
      // The file system refused the index (a read-only or missing cache folder): built in memory, as it was before.
      snap = buildSnapshot(corpus, opts);
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
  const { store } = snap;
  /** Index document of each passage (by ord), -1 for copies. */
  const docOfOrd = new Int32Array(passages.length).fill(-1);
  docPassage.forEach((pi, doc) => {
    docOfOrd[pi] = doc;
  });
  const folded = new Map<number, string>();
  const show = (p: Passage, words: string[], score: number): PassageHit => {
    const ex = excerpt(p.text, words, EXCERPT_CHARS, p.text.length > EXCERPT_CHARS ? stanceOf(p, words) : []);
    return { id: p.id, text: ex.text, source: p.source, score: Math.round(score * 1000) / 1000, highlights: ex.highlights };
  };
  const view: CorpusView = {
    passages,
    byId: (id) => store.byId(id),
    idf: (term) => index.idf(term),
    df: (term) => index.df(term),
    show,
    structure: () => store.structure,
    copies: () => store.copies,
  };
  const saved: Searchable = {
    index: {
      df: (t) => index.df(t),
      idf: (t) => index.idf(t),
      wordFreq: (w) => index.wordFreq(w),
      together: (a, b) => index.together(a, b),
      docLen: (doc) => index.data.docLen[doc],
      search: (q, k, allow) => index.search(q, k, allow),
    },
    passages,
    passageOf: (doc) => store.get(docPassage[doc])!,
    passageAt: (ord) => store.get(ord),
    docOf: (p) => docOfOrd[p.dupOf ? store.ordOf(p.dupOf) : p.ord],
    byId: (id) => store.byId(id),
    get sources() {
      return store.sources();
    },
    copies: () => store.copies,
    view,
  };
  /** Passages added while serving, made on the first upsert. */
  let live: LiveCorpus | null = null;
  const searchableFor = (scope: string | null | undefined): Searchable => (live ? live.searchable(scope ?? null) : saved);
  const liveCorpus = () => (live ??= new LiveCorpus({ snap, saved, show }));
  const foldedOf = (s: Searchable, doc: number) => {
    let f = folded.get(doc);
    if (f === undefined) {
      f = fold(s.passageOf(doc).text);
      if (folded.size > 10_000) folded.clear();
      folded.set(doc, f);
    }
    return f;
  };

  let fields: CorpusFields | undefined;
  const liveFields = new WeakMap<Searchable, CorpusFields>();
  const liveVocab = new WeakMap<Searchable, Vocabulary>();
  /** The typo vocabulary an ask uses: the saved index's words, counted in what the ask sees. */
  function vocabOf(s: Searchable): Vocabulary {
    if (s === saved) return vocab;
    let v = liveVocab.get(s);
    if (!v) liveVocab.set(s, (v = new Vocabulary(s.index, vocab)));
    return v;
  }
  /** What the corpus an ask sees records: the saved index's (read once), with that of the passages added since. */
  function fieldsOf(s: Searchable): CorpusFields {
    fields ??= store.fields;
    if (s === saved) return fields;
    let f = liveFields.get(s);
    if (!f) {
      const more = corpusFields(live!.addedIn(s));
      f = { authors: [...new Set([...fields.authors, ...more.authors])], dated: fields.dated || more.dated, scored: fields.scored || more.scored };
      liveFields.set(s, f);
    }
    return f;
  }

  function allowFor(s: Searchable, filters: string[] | undefined, more?: Filters): ((doc: number) => boolean) | undefined {
    // Author, date and score filters (src/core/filters.ts); sources are matched below, by title, id or site.
    const keep = more ? passageFilter(more, fieldsOf(s)) : undefined;
    if (!filters?.length) return keep && ((doc) => keep(s.passageOf(doc)));
    const wanted = filters.map((f) => fold(f));
    const ok = new Set(
      s.sources
        .filter((s) => wanted.some((w) => fold(s.title).includes(w) || fold(s.id).includes(w) || fold(s.site ?? '').includes(w)))
        .map((s) => s.title),
    );
    if (ok.size === 0) throw new UserError('UNKNOWN_SOURCE', `No source matches ${filters.map((f) => `"${f}"`).join(', ')}.`);
    return (doc) => ok.has(s.passageOf(doc).source.title) && (!keep || keep(s.passageOf(doc)));
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
    const s = searchableFor(opts.scope);
    const index = s.index;
    const parsed = parseQuery(q, index, vocabOf(s));
    let terms = parsed.terms;
    if (terms.length > MAX_QUERY_TERMS) {
      terms = [...terms].sort((a, b) => index.idf(b.term) - index.idf(a.term)).slice(0, MAX_QUERY_TERMS);
      notices.push(`Long query: searched for its ${MAX_QUERY_TERMS} most distinctive words.`);
    }
    const allow = allowFor(s, [...(opts.sources ?? []), ...filters.sources], filters);
    const pool = Math.max(RELEVANT_POOL, limit * 4);
    const found = terms.length ? index.search(terms, Math.max(pool * 3, rankParams.candidates), allow) : [];
    const ranked = rankCandidates(found, s, parsed.didYouMean ?? q, parsed.compounds, terms.map((t) => t.term));
    const kept: typeof ranked = [];
    for (const r of ranked) {
      const f = foldedOf(s, r.doc);
      // A passage inside one already kept adds nothing new. One that holds a kept passage inside itself (a short
      // quote line, say) takes that passage's place: the quoted words belong to the paragraph they came from.
      if (kept.some((k) => foldedOf(s, k.doc).includes(f))) continue;
      const inner = kept.findIndex((k) => f.includes(foldedOf(s, k.doc)));
      if (inner >= 0) {
        kept[inner] = { ...r, score: kept[inner].score, why: { ...r.why, score: kept[inner].why.score, reads: [...(r.why.reads ?? []), 'holds a quote line that ranked here'] } };
        continue;
      }
      kept.push(r);
      if (kept.length >= pool) break;
    }
    const relevant: Relevant[] = kept.map((r) => lazyRelevant(s.passageOf(r.doc), r.score, parsed.words));
    const shownHits = relevant.slice(0, limit).map((r, i) => (opts.explain ? { ...r.hit, why: kept[i].why } : r.hit));
    if (!relevant.length) notices.push(nothingFound(parsed, q));
    // A word searched as typed that no passage uses (a real word, not a typo) is said, not silently dropped; not in
    // a whole message (Find the crux), where many words go unused.
    else if (parsed.unknown.length && parsed.unknown.length <= 2 && q.split(' ').length <= SHORT_QUERY_WORDS) notices.push(`Nothing in the corpus mentions ${quoted(parsed.unknown)}; these passages match the rest.`);
    const input = { query: q, topic: parsed.didYouMean ?? q, words: parsed.words, relevant, corpus: s.view, corrections: opts.corrections };
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

  const files = store.files;
  return {
    ask,
    passage: (id) => searchableFor(null).byId(id),
    sources: () => searchableFor(null).sources,
    problems: snap.problems,
    stats: {
      // Passages added while serving count in (those of every scope); files and build time are the saved index's.
      get passages() {
        return passages.length + (live?.count() ?? 0);
      },
      get unique() {
        return docPassage.length + (live?.count() ?? 0);
      },
      files,
      builtAt: snap.builtAt,
      indexPath: where.indexPath,
      indexBytes: where.indexBytes,
    },
    view,
    warm: () => vocab.warm(),
    upsert: (records, scope) => liveCorpus().upsert(records, scope ?? null),
    remove: (ids, scope) => liveCorpus().remove(ids, scope ?? null),
    syncFile: (file, fresh) => liveCorpus().syncFile(file, fresh),
  };
}

