// Markdown with optional YAML front matter (title, author, url, date); paragraphs are blank-line blocks.
import { basename, extname } from 'node:path';
import { fileId } from '../ids.ts';
import { yaml } from './lazy.ts';
import type { FormatReader } from '../types.ts';
import { blocks } from '../paragraphs.ts';
import { withoutQuotes } from '../quotes.ts';

const FRONT = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;

export const mdReader: FormatReader = {
  name: 'md',
  extensions: ['md', 'markdown'],
  read(file, problem) {
    let meta: Record<string, unknown> = {};
    let body = file.text;
    let offset = 0;
    const m = FRONT.exec(file.text);
    if (m) {
      // Front matter is a YAML mapping; prose between two horizontal rules (---) parses as a plain string and stays prose.
      let front = true;
      try {
        const parsed = yaml().parse(m[1]);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) meta = parsed as Record<string, unknown>;
        else front = false;
      } catch (e) {
        problem({ line: 1, message: `front matter is not valid YAML (${(e as Error).message.split('\n')[0]}); read without it` });
      }
      if (front) {
        body = file.text.slice(m[0].length);
        offset = m[0].split('\n').length - 1;
      }
    }
    const str = (v: unknown) => (v == null ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v));
    const id = fileId(file.rel);
    const source = {
      id,
      title: str(meta.title) ?? file.meta?.title ?? basename(file.rel, extname(file.rel)),
      author: str(meta.author) ?? file.meta?.author ?? null,
      url: str(meta.url) ?? file.meta?.url ?? null,
      date: str(meta.date) ?? file.meta?.date ?? null,
    };
    const lines = body.split(/\r?\n/);
    let inFence = false;
    // Code fences are not prose: blank them so they never become passages, keeping line numbers.
    const prose = lines.map((l) => {
      if (/^\s*(```|~~~)/.test(l)) {
        inFence = !inFence;
        return '';
      }
      // Horizontal rules (---, ***, ___) are not prose either.
      return inFence || /^ {0,3}([-*_])(\s*\1){2,}\s*$/.test(l) ? '' : l;
    });
    // Blockquotes (`> …`) are someone else's words: never passages of this file, linked to what they quote.
    const paragraphs = blocks(prose, 1 + offset).filter((p) => !/^#{1,6}\s/.test(p.text) || p.text.includes('\n'));
    return withoutQuotes(paragraphs).map((p) => ({ text: p.text, line: p.line, source, quoted: p.quoted }));
  },
};
