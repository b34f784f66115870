// Drafts become passages: long paragraphs windowed, stable ids assigned, copies marked by folded text. One draft at a
// time, so a build can hand each passage on as it is made (the streaming indexer) or collect them (toPassages).
import type { Passage, SourceInfo } from '../core/types.ts';
import type { Draft } from './types.ts';
import { fold } from '../core/text.ts';
import { windows } from './windows.ts';

/** What making passages must remember of those made before: ids used, paragraphs per record, texts seen. */
export interface Seen {
  hasId(id: string): boolean;
  /** Called after a passage with this id is handed on. */
  addId(id: string): void;
  /** Paragraphs (single-window drafts) of a record so far. */
  count(record: string): number;
  setCount(record: string, n: number): void;
  /** The id of the first passage whose text folds as `text` does, or undefined (then passage `ord` with `id` is it). */
  firstWith(text: string, id: string, ord: number): string | undefined;
}

/** Seen in maps and sets: what toPassages uses for the passages of a file, a record, or a test. */
export function seenInMemory(): Seen {
  const used = new Set<string>();
  const counts = new Map<string, number>();
  const firstByKey = new Map<string, string>();
  return {
    hasId: (id) => used.has(id),
    addId: (id) => void used.add(id),
    count: (r) => counts.get(r) ?? 0,
    setCount: (r, n) => void counts.set(r, n),
    firstWith(text, id) {
      const key = fold(text);
      const first = firstByKey.get(key);
      if (first === undefined) firstByKey.set(key, id);
      return first;
    },
  };
}

export class PassageMaker {
  /** Passages made so far (the next one's ord). */
  made = 0;
  /** Passages answering a blockquote, by ord: the quotes, linked once every passage is known (linkQuotes). */
  readonly quoted = new Map<number, string[]>();

  constructor(
    private readonly seen: Seen,
    private readonly emit: (p: Passage) => void,
  ) {}

  add(d: Draft & { file: string }): void {
    const pieces = windows(d.text);
    pieces.forEach((text, k) => {
      const base = d.record ? d.record : `${d.source.id}:L${d.line}`;
      let id = pieces.length > 1 ? `${base}.${k + 1}` : base;
      let counted = 0;
      if (d.record && pieces.length === 1) {
        // A record with several paragraphs: number them so each id stays unique.
        counted = this.seen.count(base) + 1;
        if (counted > 1) id = `${base}.${counted}`;
      }
      while (this.seen.hasId(id)) id += "'";
      const ord = this.made++;
      const dupOf = this.seen.firstWith(text, id, ord) ?? null;
      if (d.quoted?.length && k === 0) this.quoted.set(ord, d.quoted);
      this.emit({
        id,
        text,
        source: d.source as SourceInfo,
        file: d.file,
        line: d.line,
        ord,
        thread: d.thread ?? null,
        parent: d.parent ?? null,
        record: d.record ?? null,
        score: d.score ?? null,
        dupOf,
      });
      this.seen.addId(id);
      if (counted) this.seen.setCount(base, counted);
    });
  }
}
