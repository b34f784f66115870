// Loads a corpus from files and folders: reads each supported file, segments, assigns ids, marks copies.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Passage, SourceInfo } from '../types.ts';
import type { Draft, FileInput, Problem } from './types.ts';
import { readerFor } from './formats/index.ts';
import { fold, sentences } from '../text.ts';

export interface LoadedFile {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface Corpus {
  /** Every passage in corpus order, copies included (a copy has `dupOf`). */
  passages: Passage[];
  problems: Problem[];
  files: LoadedFile[];
}

export interface LoadOptions {
  /** Force one format for every file (the readers' names: txt, md, jsonl, …). */
  format?: string;
}

/** Paragraphs longer than this are cut into sentence windows of about WINDOW characters. */
const LONG = 1500;
const WINDOW = 700;

/** Lists the files a corpus path stands for: the file itself, or every file below a folder (sorted, recursive). */
export function listCorpusFiles(paths: string[], problems: Problem[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      problems.push({ file: p, message: 'no such file or folder' });
      return;
    }
    if (st.isDirectory()) {
      const names = readdirSync(p).filter((n) => !n.startsWith('.')).sort();
      const before = out.length;
      for (const n of names) walk(join(p, n));
      if (out.length === before && names.length === 0) problems.push({ file: p, message: 'folder is empty' });
    } else out.push(p);
  };
  for (const p of paths) walk(resolve(p));
  return out;
}

/** Reads sources.json files (seed-corpus style: {sources: [{file, title, site, year, url}]}) found among the inputs. */
function readSourceMeta(files: string[], problems: Problem[]): Map<string, FileInput['meta']> {
  const meta = new Map<string, FileInput['meta']>();
  for (const f of files.filter((f) => basename(f) === 'sources.json')) {
    try {
      const j = JSON.parse(readFileSync(f, 'utf8'));
      for (const s of j.sources ?? []) {
        if (s && typeof s.file === 'string') {
          meta.set(join(dirname(f), s.file), {
            title: s.title ?? undefined,
            site: s.site ?? null,
            year: s.year ?? null,
            url: s.url ?? null,
            date: s.year != null ? String(s.year) : null,
          });
        }
      }
    } catch (e) {
      problems.push({ file: f, message: `sources.json is not valid JSON (${(e as Error).message}); titles fall back to file names` });
    }
  }
  return meta;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads a file as UTF-8 text, or explains why it cannot (unreadable, binary). */
export function readText(path: string): { text: string } | { error: string } {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    return { error: `cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  if (buf.subarray(0, 8192).includes(0)) return { error: 'binary file (contains NUL bytes); skipped' };
  try {
    return { text: utf8.decode(buf).replace(/^\uFEFF/, '') };
  } catch {
    return { error: 'not valid UTF-8 text; skipped' };
  }
}

/** Loads every supported file under the given paths. Problems are collected, never thrown. */
export function loadCorpus(paths: string | string[], opts: LoadOptions = {}): Corpus {
  const list = Array.isArray(paths) ? paths : [paths];
  const problems: Problem[] = [];
  const files = listCorpusFiles(list, problems);
  const roots = list.map((p) => resolve(p));
  const meta = readSourceMeta(files, problems);
  const drafts: Array<Draft & { file: string }> = [];
  const loaded: LoadedFile[] = [];
  for (const path of files) {
    if (basename(path) === 'sources.json') continue;
    const root = roots.find((r) => path === r || path.startsWith(r + '/')) ?? dirname(path);
    const rel = path === root ? basename(path) : relative(root, path);
    let input: FileInput | null = null;
    const sniff = () => {
      if (!input) {
        const r = readText(path);
        input = { path, rel, text: 'text' in r ? r.text : '', meta: meta.get(path) };
      }
      return input;
    };
    const reader = readerFor(rel, sniff, opts.format);
    if (!reader) {
      problems.push({ file: path, message: 'unsupported file type; skipped' });
      continue;
    }
    const r = readText(path);
    if ('error' in r) {
      problems.push({ file: path, message: r.error });
      continue;
    }
    const st = statSync(path);
    loaded.push({ path, size: st.size, mtimeMs: st.mtimeMs });
    const before = drafts.length;
    try {
      for (const d of reader.read({ path, rel, text: r.text, meta: meta.get(path) }, (p) => problems.push({ file: path, ...p }))) {
        drafts.push({ ...d, file: rel });
      }
    } catch (e) {
      problems.push({ file: path, message: `could not be read as ${reader.name} (${(e as Error).message}); skipped` });
    }
    if (drafts.length === before) problems.push({ file: path, message: 'no text found; nothing indexed' });
  }
  return { passages: toPassages(drafts), problems, files: loaded };
}

/** Turns drafts into passages: windows long paragraphs, assigns stable ids, marks copies by folded text. */
export function toPassages(drafts: Array<Draft & { file: string }>): Passage[] {
  const out: Passage[] = [];
  const firstByKey = new Map<string, string>();
  const used = new Set<string>();
  const counts = new Map<string, number>();
  for (const d of drafts) {
    const pieces = d.text.length > LONG ? windows(d.text) : [d.text];
    pieces.forEach((text, k) => {
      const base = d.record ? d.record : `${d.source.id}:L${d.line}`;
      let id = pieces.length > 1 ? `${base}.${k + 1}` : base;
      if (d.record && pieces.length === 1) {
        // A record with several paragraphs: number them so each id stays unique.
        const n = (counts.get(base) ?? 0) + 1;
        counts.set(base, n);
        if (n > 1) id = `${base}.${n}`;
      }
      while (used.has(id)) id += "'";
      used.add(id);
      const key = fold(text);
      const dupOf = firstByKey.get(key) ?? null;
      if (!dupOf) firstByKey.set(key, id);
      out.push({
        id,
        text,
        source: d.source as SourceInfo,
        file: d.file,
        line: d.line,
        ord: out.length,
        thread: d.thread ?? null,
        parent: d.parent ?? null,
        record: d.record ?? null,
        score: d.score ?? null,
        dupOf,
      });
    });
  }
  return out;
}

/** Cuts a long paragraph into consecutive runs of whole sentences of about WINDOW characters. */
function windows(text: string): string[] {
  const out: string[] = [];
  let start = -1;
  let end = 0;
  for (const [s, e] of sentences(text)) {
    if (start < 0) start = s;
    if (e - start > WINDOW && end > start) {
      out.push(text.slice(start, end));
      start = s;
    }
    end = e;
  }
  if (start >= 0) out.push(text.slice(start, end));
  return out.filter((t) => t.trim());
}
