// Incremental updates: records added, replaced and removed while serving, searchable at once, without a rebuild.
//
// API (on every engine from openEngine/createEngine; the service forwards it, see src/service/hotswap.ts):
//   engine.upsert(records, scope?) -> LiveChange   add records, or replace those with the same id (in that scope)
//   engine.remove(ids, scope?)     -> LiveChange   remove records by id (unknown ids are counted, not an error)
//   engine.ask(query, { scope })                  search the saved index, the records added for everyone, and
//                                                 those of this scope
// A record is {id, text, author?, date?, url?, thread?, parent?, title?, site?, score?}: the fields of a JSONL
// corpus line, made into passages exactly as the JSONL reader makes them (paragraphs, blockquotes, long ones cut),
// so passage ids are the record id, then `<id>.2`, `<id>.3`… for further paragraphs. `parent` (the id of the
// record it answers) and `thread` give the reply structure exchanges use. Or a record is {id, drafts}: paragraphs a
// corpus reader already made (live capture shapes a message as the Discord and Slack export readers do).
// Live capture reaches this through src/service/updates.ts (every open engine, and those opened later) and
// src/service/capture/searchable.ts (a community's questions ask with its scope).
//
// Scopes keep records apart: a record added with scope "discord:123" is seen only by asks that pass that scope
// (one community's captured messages); with no scope (null) it is seen by every ask. A scope sees the saved index,
// the unscoped records and its own; BM25 statistics (document count, document frequencies, average length) are
// those of exactly what the ask may see. Records of one scope never change another scope's answers or scores.
// Unscoped upserts and removes also apply to the saved index's own records (by record id, or passage id for
// line-based files): the old passages stop being found at once.
//
// How: the saved index is never changed. Added passages go into one small mutable index per scope
// (src/search/segment.ts), searched beside it; passages of the saved index that were replaced or removed are
// tombstones, skipped by search and by id lookups. Ids and excerpts are as a rebuild would give (excerpts verbatim).
// Everything is in memory: after a restart the caller adds its records again (the saved index is rebuilt from
// files; captured messages come back from their log). Typo fixes know the words of the saved index only.
import type { Passage, PassageHit } from './types.ts';
import type { Draft } from '../corpus/types.ts';
import type { AddedStructure, CorpusView } from '../positions/index.ts';
import type { Searchable, TermIndex } from './engine.ts';
import type { Snapshot } from '../search/snapshot.ts';
import { SegmentIndex } from '../search/segment.ts';
import { recordDrafts } from '../corpus/formats/jsonl.ts';
import { toPassages } from '../corpus/load.ts';
import { termsOf } from './text.ts';

/** One record (a post, comment or message) added while serving. */
export interface LiveRecord {
  /** Stable id: a record with the same id in the same scope replaces it. */
  id: string;
  /** The text as written; shown verbatim. */
  text: string;
  author?: string | null;
  /** ISO 8601 date or date-time. */
  date?: string | null;
  /** A link to the record (a message's jump link or permalink). */
  url?: string | null;
  /** The conversation it belongs to, and the id of the record it replies to. */
  thread?: string | null;
  parent?: string | null;
  /** Where it was said ("#debates"): the source title passages show. */
  title?: string | null;
  site?: string | null;
  score?: number | null;
}

/** A record already cut into paragraphs by a corpus reader; each draft's text is a passage's (cut when long). */
export interface LiveDrafts {
  id: string;
  drafts: Draft[];
}

/** What an upsert or remove did. */
export interface LiveChange {
  /** Passages that became searchable. */
  added: number;
  /** Passages no longer found (replaced or removed). */
  removed: number;
  /** Records refused, each with why (the others were applied). */
  rejected: Array<{ id: string; why: string }>;
}

/** A record longer than this is refused (Discord allows 4,000 characters, Slack 40,000). */
export const MAX_RECORD_CHARS = 200_000;
const MAX_ID_CHARS = 500;
/** More passages of one file changed than this: rebuild instead (the segment is for small changes). */
export const MAX_FILE_CHANGES = 5_000;

/** The passages one scope added, and their reply structure. */
interface Segment {
  index: SegmentIndex;
  byId: Map<string, Passage>;
  /** Current passages of each record (by record id, or passage id for passages without one). */
  byRecord: Map<string, Passage[]>;
  /** Records replying to a record. */
  children: Map<string, Set<string>>;
  quotedIn: Map<string, Passage[]>;
  revision: number;
}

/** Passages of the saved index that were replaced or removed (unscoped changes only). */
interface Tombstones {
  docs: Set<number>;
  ords: Set<number>;
  ids: Set<string>;
  len: number;
  df: Map<string, number>;
  wordDf: Map<string, number>;
  revision: number;
}

export class LiveCorpus {
  private readonly base: Passage[];
  /** Documents of the saved index; added passages are documents unique + k, at corpus positions passages + k. */
  private readonly unique: number;
  private readonly added: Passage[] = [];
  private readonly segments = new Map<string | null, Segment>();
  private readonly dead: Tombstones = { docs: new Set(), ords: new Set(), ids: new Set(), len: 0, df: new Map(), wordDf: new Map(), revision: 0 };
  private baseByRecord: Map<string, Passage[]> | null = null;
  private baseByFile: Map<string, Passage[]> | null = null;
  private readonly baseLength: number;
  private readonly cache = new Map<string | null, { key: string; s: Searchable }>();

  constructor(private readonly o: { snap: Snapshot; saved: Searchable; show: (p: Passage, words: string[], score: number) => PassageHit }) {
    this.base = o.snap.passages;
    this.unique = o.snap.docPassage.length;
    let total = 0;
    for (const len of o.snap.index.data.docLen) total += len;
    this.baseLength = total;
  }

  /** Passages added and still current, in every scope. */
  count(): number {
    let n = 0;
    for (const s of this.segments.values()) n += s.index.n;
    return n;
  }

  upsert(records: Array<LiveRecord | LiveDrafts>, scope: string | null): LiveChange {
    const change: LiveChange = { added: 0, removed: 0, rejected: [] };
    const latest = new Map<string, LiveRecord | LiveDrafts>();
    for (const r of Array.isArray(records) ? records : []) {
      const why = refusal(r);
      if (why) change.rejected.push({ id: typeof r?.id === 'string' ? r.id.slice(0, 80) : String(r?.id ?? '?').slice(0, 80), why });
      else latest.set(r.id, r); // the same id twice in one call: the last one stands
    }
    const seg = this.segment(scope);
    for (const id of latest.keys()) change.removed += this.drop(seg, scope, id);
    const drafts = [...latest.values()].flatMap((r): Array<Draft & { file: string }> =>
      'drafts' in r
        ? r.drafts.map((d) => ({ ...d, record: r.id, file: d.file ?? `live/${d.source.title}` }))
        : recordDrafts({ ...r }, 0, { id: r.id, title: r.title ?? 'live' }).map((d) => ({
            ...d,
            source: { ...d.source, site: r.site ?? null, year: yearOf(r.date) },
            file: `live/${r.title ?? ''}`,
          })),
    );
    change.added += this.insert(seg, toPassages(drafts));
    seg.revision++;
    return change;
  }

  remove(ids: string[], scope: string | null): LiveChange {
    const change: LiveChange = { added: 0, removed: 0, rejected: [] };
    const seg = this.segment(scope);
    for (const id of Array.isArray(ids) ? ids : []) {
      if (typeof id !== 'string') change.rejected.push({ id: String(id).slice(0, 80), why: 'an id is a string' });
      else change.removed += this.drop(seg, scope, id);
    }
    seg.revision++;
    return change;
  }

  /**
   * Makes the passages of one corpus file (named as passages name it) the given ones, read again after the file
   * changed: passages with the same id and text stay, the others are replaced, added or removed, for every scope.
   * Returns null, changing nothing, when more than `limit` passages would change (a rebuild is better then).
   */
  syncFile(file: string, fresh: Passage[], limit = MAX_FILE_CHANGES): LiveChange | null {
    const seg = this.segment(null);
    const old = new Map<string, Passage>();
    for (const p of this.baseOfFile(file)) if (!this.dead.ords.has(p.ord)) old.set(p.id, p);
    for (const p of seg.byId.values()) if (p.file === file) old.set(p.id, p);
    const same = new Set<string>();
    const adds: Passage[] = [];
    for (const p of fresh) {
      const o = old.get(p.id);
      if (o && o.text === p.text && o.source.title === p.source.title && !same.has(p.id)) same.add(p.id);
      else adds.push(p);
    }
    const gone = [...old.values()].filter((p) => !same.has(p.id));
    if (gone.length + adds.length > limit) return null;
    for (const p of gone) this.dropPassage(seg, p);
    const change: LiveChange = { added: this.insert(seg, adds), removed: gone.length, rejected: [] };
    seg.revision++;
    return change;
  }

  /** What an ask in this scope searches (made again only after a change it can see). */
  searchable(scope: string | null): Searchable {
    const segs = [this.segments.get(null), scope === null ? undefined : this.segments.get(scope)].filter((s): s is Segment => !!s);
    const key = `${this.dead.revision}:${segs.map((s) => s.revision).join(':')}`;
    const had = this.cache.get(scope);
    if (had?.key === key) return had.s;
    const s = this.compose(segs);
    this.cache.set(scope, { key, s });
    return s;
  }

  /** The added passages an ask with this searchable sees (for what the corpus records: authors, dates, scores). */
  addedIn(s: Searchable): Passage[] {
    return this.added.filter((p) => s.byId(p.id) === p);
  }

  private segment(scope: string | null): Segment {
    let s = this.segments.get(scope);
    if (!s) {
      s = { index: new SegmentIndex(), byId: new Map(), byRecord: new Map(), children: new Map(), quotedIn: new Map(), revision: 0 };
      this.segments.set(scope, s);
    }
    return s;
  }

  /** Takes record `id` out of a scope (and, unscoped, out of the saved index): returns the passages dropped. */
  private drop(seg: Segment, scope: string | null, id: string): number {
    let n = 0;
    for (const p of [...(seg.byRecord.get(id) ?? [])]) n += this.dropPassage(seg, p);
    // A record's first passage has its id (or <id>.1 when cut into windows): most new ids are in no saved record.
    if (scope === null && (this.o.saved.byId(id) || this.o.saved.byId(`${id}.1`))) {
      for (const p of this.baseOfRecord(id)) n += this.dropPassage(seg, p);
    }
    return n;
  }

  /** Adds passages to a scope's segment; returns how many. */
  private insert(seg: Segment, passages: Passage[]): number {
    for (const p of passages) {
      const k = this.added.length;
      const passage: Passage = { ...p, ord: this.base.length + k, dupOf: null };
      this.added.push(passage);
      seg.index.add(this.unique + k, passage.text);
      seg.byId.set(passage.id, passage);
      const key = recordOf(passage);
      push(seg.byRecord, key, passage);
      if (passage.parent && seg.byRecord.get(key)!.length === 1) {
        let c = seg.children.get(passage.parent);
        if (!c) seg.children.set(passage.parent, (c = new Set()));
        c.add(key);
      }
      if (passage.quotes) push(seg.quotedIn, passage.quotes, passage);
    }
    return passages.length;
  }

  /** Stops a passage being found: an added one leaves its segment, a saved one becomes a tombstone. Returns 1 or 0. */
  private dropPassage(seg: Segment, p: Passage): number {
    if (p.ord >= this.base.length) {
      if (!seg.index.remove(this.unique + p.ord - this.base.length)) return 0;
      if (seg.byId.get(p.id) === p) seg.byId.delete(p.id);
      pull(seg.byRecord, recordOf(p), p);
      if (p.quotes) pull(seg.quotedIn, p.quotes, p);
      return 1;
    }
    if (this.dead.ords.has(p.ord)) return 0;
    this.dead.ords.add(p.ord);
    this.dead.ids.add(p.id);
    this.dead.revision++;
    const doc = this.o.saved.docOf(p);
    if (p.dupOf || doc < 0) return 1;
    this.dead.docs.add(doc);
    const words = new Set<string>();
    const terms = termsOf(p.text, (w) => words.add(w));
    this.dead.len += Math.min(terms.length, 65535);
    for (const t of new Set(terms)) this.dead.df.set(t, (this.dead.df.get(t) ?? 0) + 1);
    for (const w of words) this.dead.wordDf.set(w, (this.dead.wordDf.get(w) ?? 0) + 1);
    return 1;
  }

  /** The saved index's passages of a record (built on first use). */
  private baseOfRecord(id: string): Passage[] {
    if (!this.baseByRecord) {
      this.baseByRecord = new Map();
      for (const p of this.base) push(this.baseByRecord, recordOf(p), p);
    }
    return this.baseByRecord.get(id) ?? [];
  }

  /** The saved index's passages of a file (built on first use). */
  private baseOfFile(file: string): Passage[] {
    if (!this.baseByFile) {
      this.baseByFile = new Map();
      for (const p of this.base) push(this.baseByFile, p.file, p);
    }
    return this.baseByFile.get(file) ?? [];
  }

  private compose(segs: Segment[]): Searchable {
    const { saved } = this.o;
    const dead = this.dead;
    const P = this.base.length;
    const U = this.unique;
    const visible = (p: Passage | undefined) => (p && segs.some((s) => s.byId.get(p.id) === p) ? p : undefined);
    const byId = (id: string) => {
      for (let i = segs.length - 1; i >= 0; i--) {
        const p = segs[i].byId.get(id);
        if (p) return p;
      }
      return dead.ids.has(id) ? undefined : saved.byId(id);
    };
    const index = new ScopedIndex(saved.index, dead, segs.map((s) => s.index), this.baseLength, this.unique);
    const sources = new Map(saved.sources.map((s) => [s.title, s]));
    for (const s of segs) for (const p of s.byId.values()) if (!sources.has(p.source.title)) sources.set(p.source.title, p.source);
    const added: AddedStructure = {
      paragraphs: (record) => segs.flatMap((s) => s.byRecord.get(record) ?? []),
      replies: (record) => segs.flatMap((s) => [...(s.children.get(record) ?? [])]),
      quoting: (id) => segs.flatMap((s) => s.quotedIn.get(id) ?? []),
    };
    const view: CorpusView = {
      passages: this.base,
      byId,
      idf: (t) => index.idf(t),
      df: (t) => index.df(t),
      show: this.o.show,
      added,
      structure: () => saved.view.structure(),
      copies: () => saved.view.copies(),
    };
    return {
      index,
      passages: this.base,
      passageOf: (doc) => (doc < U ? saved.passageOf(doc) : this.added[doc - U]),
      passageAt: (ord) => (ord < P ? (dead.ords.has(ord) ? undefined : this.base[ord]) : visible(this.added[ord - P])),
      docOf: (p) => (p.ord < P ? saved.docOf(p) : U + p.ord - P),
      byId,
      sources: [...sources.values()],
      copies: () => saved.copies(),
      view,
    };
  }
}

/**
 * The saved index with the tombstones and the segments an ask may see: counts are theirs together, and scores
 * use those counts. The saved index scores its own documents (with its own average length), its weights scaled so
 * each term's idf is the combined one; segment documents are scored here with the combined average length.
 */
class ScopedIndex implements TermIndex {
  private readonly n: number;
  private readonly avgdl: number;

  constructor(
    private readonly base: TermIndex,
    private readonly dead: Tombstones,
    private readonly segs: SegmentIndex[],
    baseLength: number,
    private readonly unique: number,
  ) {
    const segN = segs.reduce((n, s) => n + s.n, 0);
    this.n = unique - dead.docs.size + segN;
    const total = baseLength - dead.len + segs.reduce((n, s) => n + s.totalLength, 0);
    this.avgdl = this.n ? Math.max(total / this.n, 1) : 1;
  }

  df(term: string): number {
    return this.base.df(term) - (this.dead.df.get(term) ?? 0) + this.segs.reduce((n, s) => n + s.df(term), 0);
  }

  idf(term: string): number {
    const df = this.df(term);
    return Math.log(1 + (this.n - df + 0.5) / (df + 0.5));
  }

  wordFreq(word: string): number {
    return this.base.wordFreq(word) - (this.dead.wordDf.get(word) ?? 0) + this.segs.reduce((n, s) => n + s.wordFreq(word), 0);
  }

  together(a: string, b: string): number {
    return this.base.together(a, b) + this.segs.reduce((n, s) => n + s.together(a, b), 0);
  }

  docLen(doc: number): number {
    if (doc < this.unique) return this.base.docLen(doc);
    for (const s of this.segs) if (s.has(doc)) return s.docLen(doc);
    return 0;
  }

  search(query: Array<{ term: string; weight: number }>, k: number, allow?: (doc: number) => boolean): Array<{ doc: number; score: number }> {
    const dead = this.dead.docs;
    const inBase = query.filter((q) => this.base.df(q.term) > 0).map((q) => ({ term: q.term, weight: (q.weight * this.idf(q.term)) / this.base.idf(q.term) }));
    const keep = dead.size ? (d: number) => !dead.has(d) && (!allow || allow(d)) : allow;
    const out: Array<{ doc: number; score: number }> = inBase.length ? this.base.search(inBase, k, keep) : [];
    const scores = new Map<number, number>();
    for (const s of this.segs) s.score(query, (t) => this.idf(t), this.avgdl, scores);
    for (const [doc, score] of scores) if (!allow || allow(doc)) out.push({ doc, score });
    if (scores.size === 0) return out;
    return out.sort((a, b) => b.score - a.score || a.doc - b.doc).slice(0, k);
  }
}

/** Why a record cannot be added, or null. */
function refusal(r: LiveRecord | LiveDrafts): string | null {
  if (!r || typeof r !== 'object') return 'a record is an object with an id and a text';
  if (typeof r.id !== 'string' || !r.id.trim()) return 'a record needs a non-empty string id';
  if (r.id.length > MAX_ID_CHARS) return `an id is at most ${MAX_ID_CHARS} characters`;
  if ('drafts' in r) {
    if (!Array.isArray(r.drafts) || !r.drafts.length || !r.drafts.every((d) => typeof d?.text === 'string' && d.text.trim() && d.source?.title != null)) {
      return 'a record\'s drafts are paragraphs with a text and a source';
    }
    if (r.drafts.reduce((n, d) => n + d.text.length, 0) > MAX_RECORD_CHARS) return `a record is at most ${MAX_RECORD_CHARS.toLocaleString('en')} characters`;
    return null;
  }
  if (typeof r.text !== 'string' || !r.text.trim()) return 'a record needs a non-empty text';
  if (r.text.length > MAX_RECORD_CHARS) return `a record is at most ${MAX_RECORD_CHARS.toLocaleString('en')} characters`;
  return null;
}

/** The record a passage belongs to: its record id, or its own id for line-based files. */
const recordOf = (p: Passage) => p.record ?? p.id;

function yearOf(date: string | null | undefined): number | null {
  const m = /^(\d{4})/.exec(date ?? '');
  return m ? Number(m[1]) : null;
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  let l = m.get(k);
  if (!l) m.set(k, (l = []));
  l.push(v);
}

function pull<T>(m: Map<string, T[]>, k: string, v: T): void {
  const l = m.get(k)?.filter((x) => x !== v);
  if (l?.length) m.set(k, l);
  else m.delete(k);
}
