// JSON Lines: one record per post or comment, {"id","text","author"?,"title"?,"url"?,"date"?,"thread"?,"parent"?,"score"?}.
import { basename, extname } from 'node:path';
import { fileId } from '../ids.ts';
import type { Draft, FormatReader } from '../types.ts';
import { blocks } from '../paragraphs.ts';
import { withoutQuotes } from '../quotes.ts';

const str = (v: unknown) => (v == null || v === '' ? null : String(v));

export const jsonlReader: FormatReader = {
  name: 'jsonl',
  extensions: ['jsonl', 'ndjson'],
  read(file, problem) {
    const name = basename(file.rel, extname(file.rel));
    const fid = fileId(file.rel);
    const out: Draft[] = [];
    file.text.split(/\r?\n/).forEach((raw, i) => {
      const line = i + 1;
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
      const id = str(r.id) ?? `${fid}:${line}`;
      const source = {
        id,
        title: str(r.title) ?? file.meta?.title ?? name,
        author: str(r.author),
        url: str(r.url),
        date: str(r.date),
      };
      const score = typeof r.score === 'number' ? r.score : r.score != null && !isNaN(Number(r.score)) ? Number(r.score) : null;
      // Blockquotes (`> …`) are someone else's words: never passages of this record, linked to what they quote.
      for (const p of withoutQuotes(blocks(r.text.split(/\r?\n/)))) {
        out.push({ text: p.text, line, source, record: id, thread: str(r.thread), parent: str(r.parent), score, quoted: p.quoted });
      }
    });
    return out;
  },
};
