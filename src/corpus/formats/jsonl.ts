// JSON Lines: one record per post or comment, {"id","text","author"?,"title"?,"url"?,"date"?,"thread"?,"parent"?,"score"?}.
import { basename, extname } from 'node:path';
import { fileId } from '../ids.ts';
import type { Draft, FormatReader, ProblemSink } from '../types.ts';
import { blocks } from '../paragraphs.ts';
import { withoutQuotes } from '../quotes.ts';

const str = (v: unknown) => (v == null || v === '' ? null : String(v));

export const jsonlReader: FormatReader = {
  name: 'jsonl',
  extensions: ['jsonl', 'ndjson'],
  read(file, problem) {
    const out: Draft[] = [];
    const lines = jsonlLines(file.rel, file.meta?.title, problem, (d) => out.push(d));
    file.text.split(/\r?\n/).forEach((raw, i) => lines(raw, i + 1));
    return out;
  },
};

/**
 * Reads JSON Lines one line at a time (the reader above, and the streaming indexer, which reads a large file in
 * chunks): returns a function taking each line and its number, handing each paragraph's draft to `out`.
 */
export function jsonlLines(rel: string, title: string | undefined, problem: ProblemSink, out: (d: Draft) => void): (raw: string, line: number) => void {
  const name = basename(rel, extname(rel));
  const fid = fileId(rel);
  return (raw, line) => {
    if (!raw.trim()) return;
    let rec: unknown;
    try {
      rec = JSON.parse(raw);
    } catch {
      problem({ line, message: 'not valid JSON; line skipped' });
      return;
    }
    if (!rec || typeof rec !== 'object' || Array.isArray(rec)) {
      problem({ line, message: 'not a JSON object; line skipped' });
      return;
    }
    const r = rec as Record<string, unknown>;
    if (typeof r.text !== 'string' || !r.text.trim()) {
      problem({ line, message: 'record has no "text"; skipped' });
      return;
    }
    for (const d of recordDrafts(r, line, { id: `${fid}:${line}`, title: title ?? name })) out(d);
  };
}

/**
 * The paragraphs of one record as drafts: its own words, blank-line separated, with the blockquotes they answer.
 * `fallback` gives the id and title of a record without its own. Records added while serving (src/core/live.ts)
 * become passages through this too, so they are the passages a rebuild would make of the same record.
 */
export function recordDrafts(r: Record<string, unknown>, line: number, fallback: { id: string; title: string }): Draft[] {
  const id = str(r.id) ?? fallback.id;
  const source = {
    id,
    title: str(r.title) ?? fallback.title,
    author: str(r.author),
    url: str(r.url),
    date: str(r.date),
  };
  const score = typeof r.score === 'number' ? r.score : r.score != null && !isNaN(Number(r.score)) ? Number(r.score) : null;
  // Blockquotes (`> …`) are someone else's words: never passages of this record, linked to what they quote.
  return withoutQuotes(blocks(String(r.text).split(/\r?\n/))).map((p) => ({
    text: p.text,
    line,
    source,
    record: id,
    thread: str(r.thread),
    parent: str(r.parent),
    score,
    quoted: p.quoted,
  }));
}
