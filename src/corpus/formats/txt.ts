// Plain text: one paragraph per line, or blank-line separated paragraphs when hard-wrapped.
import { basename, extname } from 'node:path';
import { fileId } from '../ids.ts';
import type { FormatReader } from '../types.ts';
import { splitParagraphs } from '../paragraphs.ts';

export const txtReader: FormatReader = {
  name: 'txt',
  extensions: ['txt'],
  read(file) {
    const id = fileId(file.rel);
    const source = {
      id,
      title: file.meta?.title ?? basename(file.rel, extname(file.rel)),
      author: file.meta?.author ?? null,
      url: file.meta?.url ?? null,
      date: file.meta?.date ?? null,
      site: file.meta?.site ?? null,
      year: file.meta?.year ?? null,
    };
    return splitParagraphs(file.text).map((p) => ({ text: p.text, line: p.line, source }));
  },
};
