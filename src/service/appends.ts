// A corpus file changed while serving: read that one file again and make the engine's passages of it match
// (engine.syncFile, src/core/live.ts), instead of rebuilding the whole index. For files read one at a time and
// line by line (JSON Lines, text, Markdown): a record appended to a JSONL file is searchable within a second or so.
// Anything else (a file removed, sources.json edited, an export, an archive, too many passages changed) is left to
// a rebuild, which the caller starts when this says no.
import { existsSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Engine } from '../core/engine.ts';
import type { LiveChange } from '../core/live.ts';
import type { Passage } from '../core/types.ts';
import { loadCorpus } from '../corpus/load.ts';

/** File endings read on their own, line by line: a change to one touches only its own passages. */
const ONE_BY_ONE = new Set(['.jsonl', '.ndjson', '.txt', '.md', '.markdown']);
const FORMATS = new Set(['jsonl', 'txt', 'md']);

export type FileSync = { ok: true; change: LiveChange; files: number } | { ok: false; why: string };

/** Brings the engine's passages of the changed files up to date, or says why a rebuild is needed instead. */
export function syncChangedFiles(engine: Engine, corpus: string[], format: string | undefined, changed: string[]): FileSync {
  if (!engine.syncFile) return { ok: false, why: 'this engine takes no updates' };
  if (format && !FORMATS.has(format)) return { ok: false, why: `${format} files are read as a whole` };
  const fresh: Array<{ file: string; passages: Passage[] }> = [];
  for (const path of new Set(changed)) {
    if (basename(path) === 'sources.json') return { ok: false, why: 'sources.json changed' };
    if (!existsSync(path)) return { ok: false, why: `${basename(path)} was removed or renamed` };
    if (!statSync(path).isFile()) return { ok: false, why: `${basename(path)} is a folder` };
    if (!ONE_BY_ONE.has(extname(path).toLowerCase())) return { ok: false, why: `${basename(path)} is not a JSONL, text or Markdown file` };
    const read = loadCorpus(corpus, { format, only: [path] });
    if (!read.passages.length) return { ok: false, why: `${basename(path)} gave no passages` };
    fresh.push({ file: read.passages[0].file, passages: read.passages });
  }
  const change: LiveChange = { added: 0, removed: 0, rejected: [] };
  for (const f of fresh) {
    const c = engine.syncFile(f.file, f.passages);
    if (!c) return { ok: false, why: `too much of ${f.file} changed` };
    change.added += c.added;
    change.removed += c.removed;
  }
  return { ok: true, change, files: fresh.length };
}
