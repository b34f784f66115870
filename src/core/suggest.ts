// Topic suggestions while a user types (Discord autocomplete, Slack external selects): key phrases of the corpus
// and source titles, ranked by how telling they are, matched fuzzily (fuse.js) so typos still find them.
// Platform-neutral: no platform limits here except a length cap the caller chooses.
import Fuse from 'fuse.js';
import type { Passage, SourceInfo } from './types.ts';
import { fold, isStopWord, tokenize } from './text.ts';

export interface Suggestion {
  /** What to show and what to search for: a phrase as written in the corpus, or a source title. */
  text: string;
  kind: 'phrase' | 'title';
  /** Higher is better; comparable within one call. */
  score: number;
}

export interface Suggester {
  /** Up to `limit` suggestions for what the user has typed so far ("" gives the corpus's main topics). */
  suggest(input: string, limit?: number): Suggestion[];
  /** Source titles only (for a source filter): those containing what was typed, else the closest by spelling. */
  suggestTitles(input: string, limit?: number): Suggestion[];
  /** How many phrases and titles it knows. */
  size: number;
}

export interface SuggestOptions {
  /** Key phrases kept after ranking. */
  maxPhrases?: number;
  /** Passages read to find phrases; larger corpora are sampled evenly so building stays fast. */
  samplePassages?: number;
}

const DEFAULT_MAX_PHRASES = 3000;
const DEFAULT_SAMPLE = 20_000;
const MAX_WORDS = 3;
/** How many candidates (by letter pairs shared with the input) the fuzzy search compares in detail. */
const FUZZY_POOL = 300;

/** The letter pairs of a text, with its ends marked so first and last letters count. */
function bigrams(s: string): string[] {
  const t = ` ${s} `;
  const out: string[] = [];
  for (let i = 0; i + 1 < t.length; i++) out.push(t.slice(i, i + 2));
  return out;
}

interface Candidate {
  key: string;
  words: number;
  df: number;
  surfaces: Map<string, number>;
  lastDoc: number;
}

interface Entry {
  text: string;
  folded: string;
  kind: 'phrase' | 'title';
  /** 0..1, how telling the phrase is across the corpus. */
  weight: number;
}

/** Builds a suggester over passages (copies skipped) and source titles. */
export function createSuggester(src: { passages: Passage[]; sources: SourceInfo[] }, opts: SuggestOptions = {}): Suggester {
  const entries = [...keyPhrases(src.passages, opts), ...titleEntries(src.sources)];
  const fuseOptions = { keys: ['folded'], includeScore: true, ignoreLocation: true, threshold: 0.4, minMatchCharLength: 2 };
  // Letter pairs → entries, so the fuzzy search only looks at entries sharing enough pairs with what was typed.
  const pairs = new Map<string, number[]>();
  entries.forEach((e, i) => {
    for (const g of new Set(bigrams(e.folded))) {
      let list = pairs.get(g);
      if (!list) pairs.set(g, (list = []));
      list.push(i);
    }
  });
  function fuzzy(q: string, limit: number) {
    const qs = [...new Set(bigrams(q))];
    const shared = new Map<number, number>();
    for (const g of qs) for (const i of pairs.get(g) ?? []) shared.set(i, (shared.get(i) ?? 0) + 1);
    const need = Math.max(1, Math.floor(qs.length * 0.3));
    const pool = [...shared]
      .filter(([, n]) => n >= need)
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, FUZZY_POOL)
      .map(([i]) => entries[i]);
    return new Fuse(pool, fuseOptions).search(q, { limit });
  }
  const byWeight = [...entries].sort((a, b) => b.weight - a.weight || a.text.localeCompare(b.text));

  function suggest(input: string, limit = 25): Suggestion[] {
    const q = fold(input);
    if (limit <= 0) return [];
    if (!q) return byWeight.slice(0, limit).map((e) => ({ text: e.text, kind: e.kind, score: round(e.weight) }));
    const scored = new Map<Entry, number>();
    const bonus = (e: Entry) => (e.folded.startsWith(q) ? 0.35 : e.folded.includes(` ${q}`) ? 0.25 : e.folded.includes(q) ? 0.15 : 0);
    // What contains the text as typed is found by a plain scan; the fuzzy search (slower) runs only when that
    // finds too little, which is when the text has a typo.
    for (const e of entries) if (e.folded.includes(q)) scored.set(e, 0.6 + e.weight * 0.25 + bonus(e));
    if (scored.size < Math.min(limit, 5)) {
      for (const r of fuzzy(q, Math.max(limit * 4, 50))) {
        if (scored.has(r.item)) continue;
        const closeness = 1 - (r.score ?? 1);
        scored.set(r.item, closeness * 0.6 + r.item.weight * 0.25 + bonus(r.item));
      }
    }
    const best = Math.max(0, ...scored.values());
    // Far weaker fuzzy matches only add noise next to a close one.
    return [...scored]
      .filter(([, s]) => s >= best * 0.55)
      .sort((a, b) => b[1] - a[1] || a[0].text.length - b[0].text.length || a[0].text.localeCompare(b[0].text))
      .slice(0, limit)
      .map(([e, s]) => ({ text: e.text, kind: e.kind, score: round(s) }));
  }

  const titles = entries.filter((e) => e.kind === 'title');
  const titleFuse = new Fuse(titles, { keys: ['folded'], includeScore: true, ignoreLocation: true, threshold: 0.45 });

  function suggestTitles(input: string, limit = 25): Suggestion[] {
    const q = fold(input);
    if (limit <= 0) return [];
    const contains = titles.filter((t) => t.folded.includes(q));
    // Fuzzy matches only when nothing contains the text as typed (a typo), so they never crowd out real matches.
    const fuzzy = q && !contains.length ? titleFuse.search(q).map((r) => r.item) : [];
    return [...contains, ...fuzzy].slice(0, limit).map((e, i, all) => ({ text: e.text, kind: e.kind, score: round(1 - i / all.length) }));
  }

  return { suggest, suggestTitles, size: entries.length };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

const cache = new WeakMap<object, Suggester>();

/** Suggestions that may come from another thread (an engine in a worker, src/service/worker/remote.ts). */
export interface ServedSuggester {
  suggest(input: string, limit?: number): Suggestion[] | Promise<Suggestion[]>;
  suggestTitles(input: string, limit?: number): Suggestion[] | Promise<Suggestion[]>;
}

const NO_SUGGESTIONS: ServedSuggester = { suggest: () => [], suggestTitles: () => [] };

/**
 * The suggester of an engine as a service holds it: its thread's when it runs in one, else built here on first use;
 * none for an engine still being opened.
 */
export function servedSuggester(engine: object): ServedSuggester {
  const remote = (engine as { suggester?: ServedSuggester }).suggester;
  if (remote) return remote;
  return 'view' in engine ? suggesterFor(engine as Parameters<typeof suggesterFor>[0]) : NO_SUGGESTIONS;
}

/** One suggester per corpus view, built on first use (call it at start-up so the first keystroke is fast). */
export function suggesterFor(engine: { view: { passages: Passage[] }; sources(): SourceInfo[] }, opts?: SuggestOptions): Suggester {
  let s = cache.get(engine.view);
  if (!s) {
    s = createSuggester({ passages: engine.view.passages, sources: engine.sources() }, opts);
    cache.set(engine.view, s);
  }
  return s;
}

/** Source titles as suggestions, weighted just under the strongest phrases. */
function titleEntries(sources: SourceInfo[]): Entry[] {
  const seen = new Set<string>();
  const out: Entry[] = [];
  for (const s of sources) {
    const text = s.title.replace(/\s+/g, ' ').trim();
    const folded = fold(text);
    if (!folded || seen.has(folded)) continue;
    seen.add(folded);
    out.push({ text, folded, kind: 'title', weight: 0.8 });
  }
  return out;
}

/**
 * Key phrases: runs of 1-3 words (no stop word at either end, no punctuation inside) that several passages use,
 * scored by document frequency times rarity, with multi-word phrases favoured when their words belong together.
 * Each is shown in its most common spelling in the corpus.
 */
function keyPhrases(passages: Passage[], opts: SuggestOptions): Entry[] {
  const docs = passages.filter((p) => !p.dupOf);
  const sample = opts.samplePassages ?? DEFAULT_SAMPLE;
  const stride = docs.length > sample ? docs.length / sample : 1;
  const cands = new Map<string, Candidate>();
  let n = 0;
  for (let x = 0; x < docs.length; x += stride, n++) {
    const text = docs[Math.floor(x)].text;
    const toks = tokenize(text);
    for (let i = 0; i < toks.length; i++) {
      // A phrase neither starts nor ends inside a hyphenated word ("pre" of "pre-training").
      if (!usableEdge(toks[i].word) || /[\p{L}\p{N}]-$/u.test(text.slice(Math.max(0, toks[i].start - 2), toks[i].start))) continue;
      for (let len = 1; len <= MAX_WORDS && i + len <= toks.length; len++) {
        const j = i + len - 1;
        if (len > 1 && !/^[\s-]+$/.test(text.slice(toks[j - 1].end, toks[j].start))) break;
        if (!usableEdge(toks[j].word) || /^-[\p{L}\p{N}]/u.test(text.slice(toks[j].end, toks[j].end + 2))) continue;
        const key = toks
          .slice(i, j + 1)
          .map((t) => t.word)
          .join(' ');
        let c = cands.get(key);
        if (!c) {
          c = { key, words: len, df: 0, surfaces: new Map(), lastDoc: -1 };
          cands.set(key, c);
        }
        if (c.lastDoc !== n) {
          c.df++;
          c.lastDoc = n;
        }
        const surface = text.slice(toks[i].start, toks[j].end);
        c.surfaces.set(surface, (c.surfaces.get(surface) ?? 0) + 1);
      }
    }
  }
  const minDf = n >= 50 ? 2 : 1;
  const unigramDf = (w: string) => cands.get(w)?.df ?? 1;
  const scored: Array<{ c: Candidate; score: number }> = [];
  for (const c of cands.values()) {
    if (c.df < minDf) continue;
    // Ubiquitous words are not topics.
    if (c.words === 1 && n >= 20 && c.df > n * 0.25) continue;
    const rarity = Math.log(1 + n / c.df);
    let score = Math.log(1 + c.df) * rarity;
    if (c.words > 1) {
      const parts = c.key.split(' ').filter((w) => !isStopWord(w));
      const cohesion = c.df / Math.min(...parts.map(unigramDf));
      if (c.df < 2 || cohesion < 0.2) continue;
      score *= 1 + 0.5 * cohesion * (c.words - 1);
    }
    scored.push({ c, score });
  }
  scored.sort((a, b) => b.score - a.score || a.c.key.localeCompare(b.c.key));
  // A shorter phrase almost always seen inside a kept longer one adds nothing ("selection model" in "persona selection model").
  const kept: typeof scored = [];
  const insideKept = new Map<string, number>();
  const max = opts.maxPhrases ?? DEFAULT_MAX_PHRASES;
  for (const s of scored) {
    if (kept.length >= max) break;
    if ((insideKept.get(s.c.key) ?? 0) >= 0.8 * s.c.df) continue;
    kept.push(s);
    const w = s.c.key.split(' ');
    for (let i = 0; i < w.length; i++)
      for (let j = i + 1; j <= w.length; j++) {
        if (j - i === w.length) continue;
        const sub = w.slice(i, j).join(' ');
        insideKept.set(sub, Math.max(insideKept.get(sub) ?? 0, s.c.df));
      }
  }
  const top = kept[0]?.score ?? 1;
  return kept.map(({ c, score }) => ({ text: commonest(c.surfaces), folded: c.key, kind: 'phrase' as const, weight: score / top }));
}

function usableEdge(word: string): boolean {
  return word.length >= 3 && !isStopWord(word) && !/^\d+$/.test(word);
}

function commonest(m: Map<string, number>): string {
  let best = '';
  let n = -1;
  for (const [s, k] of m) {
    // Prefer the most used spelling; on a tie, the lower-case one (a sentence start capitalises a common word).
    if (k > n || (k === n && s === s.toLowerCase() && best !== best.toLowerCase())) {
      best = s;
      n = k;
    }
  }
  return best;
}
