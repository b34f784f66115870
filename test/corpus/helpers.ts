// Shared helpers for the export-format tests: fixture paths, loading, and compact views of passages.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll } from 'vitest';
import { loadCorpus, type Corpus } from '../../src/corpus/load.ts';
import type { Passage } from '../../src/core/types.ts';

export const REPO = resolve(import.meta.dirname, '..', '..');
export const FORMATS = join(REPO, 'test', 'fixtures', 'formats');
export const fixture = (...parts: string[]) => join(FORMATS, ...parts);

const made: string[] = [];
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh temp dir, removed after the test file. */
export function tempDir(prefix = 'crux-formats-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

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
