// Passages in the saved index, by column: texts in one UTF-8 blob, every other string (ids, titles, authors, dates,
// threads, files…) once in a string pool, numbers in typed arrays; plus what answers need of the whole corpus, worked
// out here once: id and record lookups, each record's paragraphs, replies and quotes, copies, the sources' titles,
// and the fields filters test. A saved index is used as it lies (src/search/passage-store.ts): nothing is parsed per
// passage on load, and a passage becomes an object only when an answer reads it.
import type { Passage, SourceInfo } from '../core/types.ts';
import { corpusFields, type CorpusFields } from '../core/filters.ts';
import { Strings } from './strings.ts';
import { Groups, HashTable } from './tables.ts';

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
  const n = passages.length;
  const pool = new Map<string, number>();
  const list: string[] = [];
  const str = (s: string | null | undefined) => {
    if (s == null) return 0;
    let i = pool.get(s);
    if (i === undefined) pool.set(s, (i = list.push(s) - 1));
    return i + 1;
  };
  const cols = new Uint32Array(n * COLS);
  const scores = new Float64Array(passages.some((p) => p.score != null) ? n : 0).fill(NaN);
  const sourceAt = new Map<SourceInfo, number>();
  const sourceCols: number[] = [];
  const raw: Record<number, string> = {};
  const ordOf = new Map<string, number>();
  passages.forEach((p, i) => {
    if (p.ord !== i) throw new Error(`passage ${p.id} is at ${i} but says ord ${p.ord}`);
    if (!ordOf.has(p.id)) ordOf.set(p.id, i);
  });
  let bytes = 0;
  for (let i = 0; i < n; i++) if (!LONE_SURROGATE.test(passages[i].text)) bytes += Buffer.byteLength(passages[i].text);
  const text = Buffer.allocUnsafe(bytes);
  const files = new Set<string>();
  let end = 0;
  passages.forEach((p, i) => {
    if (LONE_SURROGATE.test(p.text)) raw[i] = p.text;
    else end += text.write(p.text, end);
    let s = sourceAt.get(p.source);
    if (s === undefined) {
      sourceAt.set(p.source, (s = sourceCols.length / SCOLS));
      const src = p.source;
      const flags = ('site' in src ? SOURCE_HAS_SITE : 0) | ('year' in src ? SOURCE_HAS_YEAR : 0);
      sourceCols.push(str(src.id), str(src.title), str(src.author), str(src.url), str(src.date), str(src.site), str(src.year == null ? null : String(src.year)), flags);
    }
    let flags = 0;
    OPTIONAL.forEach((k, b) => {
      if (k in p) flags |= 1 << b;
    });
    if (p.score != null) scores[i] = p.score;
    files.add(p.file);
    const row = i * COLS;
    cols[row + COL.textEnd] = end;
    cols[row + COL.id] = str(p.id);
    cols[row + COL.source] = s;
    cols[row + COL.file] = str(p.file);
    cols[row + COL.line] = p.line;
    cols[row + COL.flags] = flags;
    cols[row + COL.thread] = str(p.thread);
    cols[row + COL.parent] = str(p.parent);
    cols[row + COL.record] = str(p.record);
    cols[row + COL.dupOf] = str(p.dupOf);
    cols[row + COL.quotes] = str(p.quotes);
  });
  const strings = Strings.of(list);
  const ids = HashTable.build(n, (i) => passages[i].id);
  // Reply structure, as the exchanges read it: paragraphs of a record, records replying to a record, quotes.
  const recordAt = new Map<string, number>();
  for (const p of passages) if (p.record && !recordAt.has(p.record)) recordAt.set(p.record, recordAt.size);
  const recordNames = [...recordAt.keys()];
  const paragraphPairs: Array<[number, number]> = [];
  const replyPairs: Array<[number, number]> = [];
  const quotePairs: Array<[number, number]> = [];
  const copyPairs: Array<[number, number]> = [];
  const hasParagraph = new Uint8Array(recordNames.length);
  for (const p of passages) {
    if (p.dupOf) {
      const o = ordOf.get(p.dupOf);
      if (o !== undefined) copyPairs.push([o, p.ord]);
      continue;
    }
    if (p.record) {
      const r = recordAt.get(p.record)!;
      if (!hasParagraph[r] && p.parent) {
        const parent = recordAt.get(p.parent);
        if (parent !== undefined) replyPairs.push([parent, r]);
      }
      hasParagraph[r] = 1;
      paragraphPairs.push([r, p.ord]);
    }
    if (p.quotes) {
      const o = ordOf.get(p.quotes);
      if (o !== undefined) quotePairs.push([o, p.ord]);
    }
  }
  const titles = new Set<string>();
  const titled: number[] = [];
  for (const [src, s] of sourceAt) {
    if (titles.has(src.title)) continue;
    titles.add(src.title);
    titled.push(s);
  }
  return {
    strings,
    cols,
    scores,
    sources: Uint32Array.from(sourceCols),
    text,
    raw,
    ids,
    records: Uint32Array.from(recordNames, (r) => pool.get(r)!),
    recordIds: HashTable.build(recordNames.length, (i) => recordNames[i]),
    paragraphs: Groups.of(paragraphPairs, recordNames.length),
    replies: Groups.of(replyPairs, recordNames.length),
    quotedIn: Groups.of(quotePairs, null),
    copies: Groups.of(copyPairs, null),
    titled: Uint32Array.from(titled),
    facts: { fields: corpusFields(passages), files: files.size },
  };
}
