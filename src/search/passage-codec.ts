// Passages in the saved index, by column: texts in one UTF-8 blob, every other string (ids, titles, authors, dates,
// threads, files…) once in a string pool, numbers in typed arrays; plus what answers need of the whole corpus, worked
// out here once: id and record lookups, each record's paragraphs, replies and quotes, copies, the sources' titles,
// and the fields filters test. A saved index is used as it lies (src/search/passage-store.ts): nothing is parsed per
// passage on load, and a passage becomes an object only when an answer reads it.
import type { Passage, SourceInfo } from '../core/types.ts';
import { FieldsFound, type CorpusFields } from '../core/filters.ts';
import { U32List, U32Map } from './lists.ts';
import { Strings } from './strings.ts';
import { Groups, HashTable, hashString } from './tables.ts';
import { TextBlob } from './text-blob.ts';

export const OPTIONAL = ['thread', 'parent', 'record', 'score', 'dupOf', 'quotes'] as const;

/** Per passage: where its text ends in the blob (bytes), then pool indices + 1 (0: null) and flags. */
export const COL = { textEnd: 0, id: 1, source: 2, file: 3, line: 4, flags: 5, thread: 6, parent: 7, record: 8, dupOf: 9, quotes: 10 } as const;
export const COLS = 11;
/** Per source: pool indices + 1 (0: null), and flags for the keys a source may lack. */
export const SCOL = { id: 0, title: 1, author: 2, url: 3, date: 4, site: 5, year: 6, flags: 7 } as const;
export const SCOLS = 8;
export const SOURCE_HAS_SITE = 1;
export const SOURCE_HAS_YEAR = 2;

/** With the u flag this matches only lone surrogates. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** What encoding gives and a store reads: typed arrays, byte blobs, and small JSON values. */
export interface PassageSections {
  strings: Strings;
  cols: Uint32Array;
  /** Scores by passage (NaN: none); empty when no passage has one. */
  scores: Float64Array;
  sources: Uint32Array;
  text: Uint8Array;
  /** Texts kept apart from the blob: those with a lone surrogate, which UTF-8 cannot carry. */
  raw: Record<number, string>;
  ids: HashTable;
  /** Records (distinct `record` values, pool indices) in order of first appearance, and their lookup. */
  records: Uint32Array;
  recordIds: HashTable;
  /** Each record's paragraphs (copies left out), and the records replying to it, in corpus order. */
  paragraphs: Groups;
  replies: Groups;
  /** Passages answering a blockquote of a passage, and the copies of a passage, by passage. */
  quotedIn: Groups;
  copies: Groups;
  /** Sources with distinct titles, in corpus order. */
  titled: Uint32Array;
  facts: { fields: CorpusFields; files: number };
}

/** Packs passages (passages[i].ord must be i) into sections. */
export function encodePassages(passages: Passage[]): PassageSections {
  const e = new PassageEncoder();
  passages.forEach((p, i) => {
    if (p.ord !== i) throw new Error(`passage ${p.id} is at ${i} but says ord ${p.ord}`);
    e.add(p);
  });
  return e.finish();
}

/**
 * Encodes passages one at a time, in corpus order, keeping only numbers and the string pool per passage; what needs
 * the whole corpus (lookups, reply structure, copies, quotes) is settled in finish(). The streaming indexer feeds it
 * as it reads, with the texts going to a file (TextBlob), so it never holds a million passage objects.
 */
export class PassageEncoder {
  private readonly pool = new Map<string, number>();
  private readonly list: string[] = [];
  private readonly cols = new U32List(1 << 14);
  private readonly scores: number[] = [];
  private scored = false;
  /** Sources by identity, as readers share one object between the paragraphs of a file or record. */
  private sourceAt = new Map<SourceInfo, number>();
  private readonly sourceCols = new U32List();
  private readonly titleSeen = new Set<number>();
  private readonly titled = new U32List();
  private readonly raw: Record<number, string> = {};
  private readonly idHashes = new U32List(1 << 14);
  /** By pool string: the first passage with that id (ord + 1), and its record number + 1. */
  private readonly idOrd = new U32Map();
  private readonly recordOf = new U32Map();
  private readonly recordNames = new U32List();
  private readonly recordHashes = new U32List();
  private readonly hasParagraph = new U32Map();
  private readonly paragraphs = { keys: new U32List(1 << 14), values: new U32List(1 << 14) };
  /** Settled in finish(), when every record and id is known: (parent string, record), (id string, passage). */
  private readonly replies = { keys: new U32List(), values: new U32List() };
  private readonly copies = { keys: new U32List(), values: new U32List() };
  private readonly quotes: Array<[number, number]> = [];
  private readonly found = new FieldsFound();
  private readonly files = new Set<string>();
  readonly text: TextBlob;
  length = 0;

  constructor(text = new TextBlob()) {
    this.text = text;
  }

  private str(s: string | null | undefined): number {
    if (s == null) return 0;
    let i = this.pool.get(s);
    if (i === undefined) this.pool.set(s, (i = this.list.push(s) - 1));
    return i + 1;
  }

  /** The pool number (+ 1) of a string already pooled, else 0. */
  pooled(s: string): number {
    const i = this.pool.get(s);
    return i === undefined ? 0 : i + 1;
  }

  /** Whether some passage added has this id. */
  hasId(id: string): boolean {
    const i = this.pooled(id);
    return i !== 0 && this.idOrd.get(i) !== 0;
  }

  /** The id and text of a passage added (for checking a suspected copy). */
  idAt(ord: number): string {
    return this.list[this.cols.get(ord * COLS + COL.id) - 1];
  }

  textAt(ord: number): string {
    const raw = this.raw[ord];
    if (raw !== undefined) return raw;
    const start = ord === 0 ? 0 : this.cols.get((ord - 1) * COLS + COL.textEnd);
    return this.text.read(start, this.cols.get(ord * COLS + COL.textEnd));
  }

  /** The record number of a record id (in order of first appearance), or -1. */
  recordNumber(record: string): number {
    const i = this.pooled(record);
    return i === 0 ? -1 : this.recordOf.get(i) - 1;
  }

  /**
   * A passage added, as far as linking quotes needs it: its text read when asked for, its source left out (the
   * streaming build links quotes over all passages without holding their texts).
   */
  light(ord: number): Passage {
    const row = ord * COLS;
    const at = (c: number) => {
      const v = this.cols.get(row + c);
      return v === 0 ? null : this.list[v - 1];
    };
    const textAt = () => this.textAt(ord);
    return {
      id: at(COL.id)!,
      get text() {
        return textAt();
      },
      source: null as unknown as SourceInfo,
      file: at(COL.file)!,
      line: this.cols.get(row + COL.line),
      ord,
      thread: at(COL.thread),
      parent: at(COL.parent),
      record: at(COL.record),
      dupOf: at(COL.dupOf),
    };
  }

  /** Forgets which source objects were seen: a new batch of drafts shares none with earlier ones. */
  newBatch(): void {
    this.sourceAt = new Map();
  }

  /** Adds the next passage (its ord must be the number added so far). */
  add(p: Passage): void {
    const i = this.length++;
    if (LONE_SURROGATE.test(p.text)) this.raw[i] = p.text;
    else this.text.write(p.text);
    let s = this.sourceAt.get(p.source);
    if (s === undefined) {
      this.sourceAt.set(p.source, (s = this.sourceCols.length / SCOLS));
      const src = p.source;
      const flags = ('site' in src ? SOURCE_HAS_SITE : 0) | ('year' in src ? SOURCE_HAS_YEAR : 0);
      const row = [this.str(src.id), this.str(src.title), this.str(src.author), this.str(src.url), this.str(src.date), this.str(src.site), this.str(src.year == null ? null : String(src.year)), flags];
      for (const v of row) this.sourceCols.push(v);
      const title = row[SCOL.title];
      if (!this.titleSeen.has(title)) {
        this.titleSeen.add(title);
        this.titled.push(s);
      }
    }
    let flags = 0;
    OPTIONAL.forEach((k, b) => {
      if (k in p) flags |= 1 << b;
    });
    this.scores.push(p.score ?? NaN);
    if (p.score != null) this.scored = true;
    this.found.add(p);
    this.files.add(p.file);
    // Strings are pooled in this order (the order the file has always had).
    const id = this.str(p.id);
    const row = [this.text.size, id, s, this.str(p.file), p.line, flags, this.str(p.thread), this.str(p.parent), this.str(p.record), this.str(p.dupOf), this.str(p.quotes)];
    for (const v of row) this.cols.push(v);
    if (this.idOrd.get(id) === 0) this.idOrd.set(id, i + 1);
    this.idHashes.push(hashString(p.id));
    const record = row[COL.record];
    const dupOf = row[COL.dupOf];
    let r = -1;
    if (record) {
      r = this.recordOf.get(record) - 1;
      if (r < 0) {
        r = this.recordNames.length;
        this.recordOf.set(record, r + 1);
        this.recordNames.push(record - 1);
        this.recordHashes.push(hashString(p.record!));
      }
    }
    if (dupOf) {
      this.copies.keys.push(dupOf);
      this.copies.values.push(i);
      return;
    }
    if (r >= 0) {
      if (!this.hasParagraph.get(r) && p.parent) {
        this.replies.keys.push(this.cols.get(i * COLS + COL.parent));
        this.replies.values.push(r);
      }
      this.hasParagraph.set(r, 1);
      this.paragraphs.keys.push(r);
      this.paragraphs.values.push(i);
    }
    if (p.quotes) this.quotes.push([i, this.cols.get(i * COLS + COL.quotes)]);
  }

  /** Sets the passage a passage added earlier quotes (quotes are linked once every passage is known). */
  setQuotes(ord: number, id: string): void {
    const row = ord * COLS;
    this.cols.set(row + COL.quotes, this.str(id));
    this.cols.set(row + COL.flags, this.cols.get(row + COL.flags) | (1 << OPTIONAL.indexOf('quotes')));
    if (!this.cols.get(row + COL.dupOf)) this.quotes.push([ord, this.cols.get(row + COL.quotes)]);
  }

  /** The sections; `text` is the blob in memory, or empty when the blob was written to a file. */
  finish(): PassageSections {
    const n = this.length;
    const text = this.text.finish() ?? new Uint8Array(0);
    const ordOf = (pooled: number) => this.idOrd.get(pooled) - 1;
    /** Pairs whose keys are pool strings, as (key's passage or record, value), dropping keys that name none. */
    const settle = (pairs: { keys: U32List; values: U32List }, of: (pooled: number) => number) => {
      const keys = new U32List(pairs.keys.length);
      const values = new U32List(pairs.keys.length);
      for (let k = 0; k < pairs.keys.length; k++) {
        const at = of(pairs.keys.get(k));
        if (at < 0) continue;
        keys.push(at);
        values.push(pairs.values.get(k));
      }
      return { keys: keys.toArray(), values: values.toArray() };
    };
    this.quotes.sort((a, b) => a[0] - b[0]);
    const quotes = { keys: new U32List(this.quotes.length), values: new U32List(this.quotes.length) };
    for (const [ord, q] of this.quotes) {
      quotes.keys.push(q);
      quotes.values.push(ord);
    }
    const replies = settle(this.replies, (parent) => this.recordOf.get(parent) - 1);
    const copies = settle(this.copies, ordOf);
    const quotedIn = settle(quotes, ordOf);
    const records = this.recordNames.toArray();
    const idHashes = this.idHashes.toArray();
    const recordHashes = this.recordHashes.toArray();
    const strings = Strings.of(this.list);
    // The pool's map and strings (the largest part of a streaming build) go before the BM25 arrays are sorted.
    this.pool.clear();
    this.list.length = 0;
    return {
      strings,
      cols: this.cols.toArray(),
      scores: this.scored ? Float64Array.from(this.scores) : new Float64Array(0),
      sources: this.sourceCols.toArray(),
      text,
      raw: this.raw,
      ids: HashTable.build(n, (i) => idHashes[i]),
      records,
      recordIds: HashTable.build(records.length, (i) => recordHashes[i]),
      paragraphs: Groups.of(this.paragraphs.keys.toArray(), this.paragraphs.values.toArray(), records.length),
      replies: Groups.of(replies.keys, replies.values, records.length),
      quotedIn: Groups.of(quotedIn.keys, quotedIn.values, null),
      copies: Groups.of(copies.keys, copies.values, null),
      titled: this.titled.toArray(),
      facts: { fields: this.found.fields(), files: this.files.size },
    };
  }
}
