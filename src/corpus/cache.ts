// Incremental indexing: what each file (or folder export) gave last time, so unchanged inputs are not parsed again.
// A file is unchanged when its size and modification time match; when only the time differs, its content hash decides.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Draft, Problem } from './types.ts';

/** Bump when a reader's output changes for the same input, so cached reads are dropped. */
export const READERS_VERSION = 1;

export interface FileSig {
  path: string;
  size: number;
  mtimeMs: number;
  sha1: string;
}

export interface CachedRead {
  /** The files this read came from (one file, or every file of a folder export). */
  files: FileSig[];
  /** For folder exports: every corpus file below the folder then, so a new file means a new read. */
  below?: string[];
  /** What else shaped the read (sources.json metadata), as JSON. */
  meta?: string;
  drafts: Array<Draft & { file: string }>;
  problems: Problem[];
}

export interface ReadCache {
  get(key: string): CachedRead | undefined;
  set(key: string, read: CachedRead): void;
  /** How many reads were reused and how many were parsed afresh since opening. */
  stats: { reused: number; parsed: number };
  save(): void;
}

export function sha1Of(path: string): string | null {
  try {
    return createHash('sha1').update(readFileSync(path)).digest('hex');
  } catch {
    return null;
  }
}

export function signature(path: string): FileSig | null {
  try {
    const st = statSync(path);
    const sha1 = sha1Of(path);
    return sha1 ? { path, size: st.size, mtimeMs: st.mtimeMs, sha1 } : null;
  } catch {
    return null;
  }
}

/** True when every file is as recorded: same size and time, or same size and content. */
export function unchanged(files: FileSig[]): boolean {
  for (const f of files) {
    let st;
    try {
      st = statSync(f.path);
    } catch {
      return false;
    }
    if (st.size !== f.size) return false;
    if (st.mtimeMs === f.mtimeMs) continue;
    if (sha1Of(f.path) !== f.sha1) return false;
    f.mtimeMs = st.mtimeMs; // same content, touched: remember the new time
  }
  return true;
}

/** An in-memory read cache (nothing saved), e.g. for tests or one-off loads. */
export function memoryReadCache(entries = new Map<string, CachedRead>()): ReadCache {
  const stats = { reused: 0, parsed: 0 };
  return {
    get: (k) => entries.get(k),
    set: (k, r) => void entries.set(k, r),
    stats,
    save() {},
  };
}

/**
 * The read cache kept beside a saved index (`<index>.reads`). A missing, unreadable or other-version file is an empty
 * cache; only the reads used by the latest build are saved, so deleted files do not linger.
 */
export function fileReadCache(path: string, key: string): ReadCache {
  const header = JSON.stringify({ v: READERS_VERSION, key });
  let old = new Map<string, CachedRead>();
  try {
    const text = readFileSync(path, 'utf8');
    const nl = text.indexOf('\n');
    if (text.slice(0, nl) === header) old = new Map(JSON.parse(text.slice(nl + 1)) as Array<[string, CachedRead]>);
  } catch {
    /* no cache yet, or unreadable: everything is read afresh */
  }
  const used = new Map<string, CachedRead>();
  const stats = { reused: 0, parsed: 0 };
  return {
    get: (k) => old.get(k),
    set: (k, r) => void used.set(k, r),
    stats,
    save() {
      mkdirSync(dirname(path), { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, header + '\n' + JSON.stringify([...used]));
      renameSync(tmp, path);
    },
  };
}
