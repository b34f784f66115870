// Shared helpers for the export-format tests: fixture paths, loading, and compact views of passages.
import { cpSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadCorpus, type Corpus } from '../../src/corpus/load.ts';
import type { Passage } from '../../src/core/types.ts';
import { tempDir as makeTempDir } from '../helpers/temp.ts';

export const REPO = resolve(import.meta.dirname, '..', '..');
export const FORMATS = join(REPO, 'test', 'fixtures', 'formats');
export const fixture = (...parts: string[]) => join(FORMATS, ...parts);

/** A fresh temp dir, removed after the test file. */
export const tempDir = (prefix = 'crux-formats-') => makeTempDir(prefix);

/** Copies a fixture (file or folder) into a temp dir and returns the copy's path. */
export function copyFixture(...parts: string[]): string {
  const to = join(tempDir(), parts[parts.length - 1]);
  cpSync(fixture(...parts), to, { recursive: true });
  return to;
}

export function load(paths: string | string[], format?: string): Corpus {
  return loadCorpus(paths, { format });
}

/** The passage with this id, or a failure naming the ids there are. */
export function passage(c: Corpus, id: string): Passage {
  const p = c.passages.find((x) => x.id === id);
  if (!p) throw new Error(`no passage ${id}; have ${c.passages.map((x) => x.id).join(', ')}`);
  return p;
}

/** What a reader would notice of a passage: its words, who, where, and what it answers. */
export function seen(p: Passage) {
  return {
    id: p.id,
    text: p.text,
    author: p.source.author,
    url: p.source.url,
    date: p.source.date,
    title: p.source.title,
    parent: p.parent ?? null,
    thread: p.thread ?? null,
    score: p.score ?? null,
    quotes: p.quotes ?? null,
  };
}
