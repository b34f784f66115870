// Passages in the saved index, by column: one UTF-8 text blob with per-passage byte offsets, shared source and file
// tables, and the optional fields only where they are set. Parsing one JSON object per passage dominated load time
// at 100k passages. Texts are never joined into one string, which V8 caps at about 512 million characters.
import type { Passage, SourceInfo } from '../core/types.ts';

const OPTIONAL = ['thread', 'parent', 'record', 'score', 'dupOf', 'quotes'] as const;
type Optional = (typeof OPTIONAL)[number];

interface Meta {
  ids: string[];
  sources: SourceInfo[];
  files: string[];
  /** Per optional field: passage index -> value, for the passages where it is set (not null). */
  sparse: Record<Optional, Record<number, string | number>>;
  /** Texts kept here instead of the blob: those with a lone surrogate, which UTF-8 cannot carry. */
  rawTexts: Record<number, string>;
}

export interface EncodedPassages {
  meta: Buffer;
  text: Buffer;
  /**
   * Per passage: end of its text in the blob (bytes), source, file, line, ord, and a bit per optional field the
   * passage has (set or null), so a loaded passage has exactly the keys the built one had.
   */
  columns: Uint32Array;
}

const COLS = 6;
/** With the u flag this matches only lone surrogates. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

export function encodePassages(passages: Passage[]): EncodedPassages {
  const sourceAt = new Map<string, number>();
  const fileAt = new Map<string, number>();
  const meta: Meta = { ids: [], sources: [], files: [], sparse: { thread: {}, parent: {}, record: {}, score: {}, dupOf: {}, quotes: {} }, rawTexts: {} };
  const columns = new Uint32Array(passages.length * COLS);
  const inBlob = passages.map((p, i) => {
    if (!LONE_SURROGATE.test(p.text)) return true;
    meta.rawTexts[i] = p.text;
    return false;
  });
  let bytes = 0;
  for (let i = 0; i < passages.length; i++) if (inBlob[i]) bytes += Buffer.byteLength(passages[i].text);
  const text = Buffer.allocUnsafe(bytes);
  let end = 0;
  passages.forEach((p, i) => {
    meta.ids.push(p.id);
    const key = JSON.stringify(p.source);
    let s = sourceAt.get(key);
    if (s === undefined) sourceAt.set(key, (s = meta.sources.push(p.source) - 1));
    let f = fileAt.get(p.file);
    if (f === undefined) fileAt.set(p.file, (f = meta.files.push(p.file) - 1));
    let has = 0;
    OPTIONAL.forEach((k, b) => {
      if (k in p) has |= 1 << b;
      if (p[k] != null) meta.sparse[k][i] = p[k]!;
    });
    if (inBlob[i]) end += text.write(p.text, end);
    columns.set([end, s, f, p.line, p.ord, has], i * COLS);
  });
  return { meta: Buffer.from(JSON.stringify(meta)), text, columns };
}

/** Rebuilds the passages; throws on sections that do not fit together (the caller reports the index corrupt). */
export function decodePassages(e: EncodedPassages): Passage[] {
  const meta = JSON.parse(e.meta.toString()) as Meta;
  const n = meta.ids?.length;
  if (!Array.isArray(meta.ids) || e.columns.length !== n * COLS || !meta.sparse || !meta.rawTexts) throw new Error('passage columns do not fit');
  const out: Passage[] = new Array(n);
  let start = 0;
  for (let i = 0; i < n; i++) {
    const c = i * COLS;
    const end = e.columns[c];
    const source = meta.sources[e.columns[c + 1]];
    const file = meta.files[e.columns[c + 2]];
    if (source === undefined || file === undefined || end < start || end > e.text.length) throw new Error(`passage ${i} does not fit`);
    const text = meta.rawTexts[i] ?? e.text.toString('utf8', start, end);
    const p: Passage = { id: meta.ids[i], text, source, file, line: e.columns[c + 3], ord: e.columns[c + 4] };
    const has = e.columns[c + 5];
    for (let b = 0; b < OPTIONAL.length; b++) if (has & (1 << b)) p[OPTIONAL[b]] = null;
    out[i] = p;
    start = end;
  }
  for (const k of OPTIONAL) {
    for (const [i, v] of Object.entries(meta.sparse[k] ?? {})) {
      const p = out[Number(i)];
      if (!p) throw new Error(`passage ${i} does not exist`);
      (p as unknown as Record<string, unknown>)[k] = v;
    }
  }
  return out;
}
