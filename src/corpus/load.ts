// Loads a corpus from files and folders: reads each supported file, segments, assigns ids, marks copies.
import { closeSync, lstatSync, openSync, readFileSync, readSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Passage } from '../core/types.ts';
import type { Draft, FileInput, FolderRead, Problem } from './types.ts';
import { readerFor, readers } from './formats/index.ts';
import { linkQuotes } from './quotes.ts';
import { decodeText, decodeWarnings } from './decode.ts';
import { eachLines } from './lines.ts';
import { jsonlLines } from './formats/jsonl.ts';
import { signature, unchanged, type FileSig, type ReadCache } from './cache.ts';
import { PassageMaker, seenInMemory } from './passages.ts';

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
  /** Called after each file is read: files done, files in all, records (posts, messages, lines) read so far. */
  onFile?: (done: number, total: number, records: number) => void;
  /** What earlier loads read, so unchanged files are not parsed again (incremental indexing); updated as files are read. */
  cache?: ReadCache;
  /** Files are cached until they add up to this many bytes (default MAX_CACHED_BYTES). */
  cacheBytes?: number;
  /** Read only these files of the corpus (absolute paths), each as a full load reads it (a file changed while serving). */
  only?: string[];
}

/**
 * Files are kept in the read cache (incremental indexing) until they add up to this many bytes; later ones are read
 * again at every build. A cached read is larger than its file (JSON of every paragraph with its source) and no faster
 * to read back than a large file is to parse: at a million records it was a 530 MB cache beside the index.
 */
export const MAX_CACHED_BYTES = 64 * 2 ** 20;

/** Lists the files a corpus path stands for: the file itself, or every file below a folder (sorted, recursive). */
export function listCorpusFiles(paths: string[], problems: Problem[]): string[] {
  const out: string[] = [];
  const walk = (p: string, above: Set<string>) => {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      problems.push({ file: p, message: whyNoStat(p, e) });
      return;
    }
    if (st.isDirectory()) {
      // A link to a folder above this one would make the walk go round forever.
      const real = realpathSync(p);
      if (above.has(real)) {
        problems.push({ file: p, message: 'link back to a folder above it; skipped' });
        return;
      }
      let names: string[];
      try {
        names = readdirSync(p).filter((n) => !n.startsWith('.')).sort();
      } catch (e) {
        problems.push({ file: p, message: `cannot read folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); skipped` });
        return;
      }
      const before = out.length;
      const inner = new Set(above).add(real);
      for (const n of names) walk(join(p, n), inner);
      if (out.length === before && names.length === 0) problems.push({ file: p, message: 'folder is empty' });
    } else if (st.isFile()) out.push(p);
    // Reading a pipe or a device could block forever or never end.
    else problems.push({ file: p, message: 'not a regular file (a pipe, socket or device); skipped' });
  };
  for (const p of paths) walk(resolve(p), new Set());
  return out;
}

/** Why a path cannot be looked at: missing, a broken or looping link, or another error code. */
function whyNoStat(p: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  let link = false;
  try {
    link = lstatSync(p).isSymbolicLink();
  } catch {
    link = false;
  }
  if (link) return code === 'ELOOP' ? 'symbolic link loops back on itself; skipped' : 'broken symbolic link (its target does not exist); skipped';
  return code === 'ENOENT' ? 'no such file or folder' : `cannot read (${code ?? (e as Error).message}); skipped`;
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

/** Largest text file read (a file is one string while it is split, and V8 caps strings at about 512M characters). */
export const MAX_TEXT_BYTES = 512 * 2 ** 20;

/**
 * Reads a file as UTF-8 text (or UTF-16 with a byte-order mark), or explains why it cannot (unreadable, binary,
 * huge). Bytes that are not valid text read as U+FFFD, with a warning naming each line that held them.
 */
export function readText(path: string): { text: string; warnings: Problem[] } | { error: string } {
  let buf: Buffer;
  try {
    const size = statSync(path).size;
    if (size > MAX_TEXT_BYTES) {
      return { error: `too large to read (${Math.round(size / 2 ** 20)} MB; the limit is ${MAX_TEXT_BYTES / 2 ** 20} MB a file): split it into smaller files` };
    }
    buf = readFileSync(path);
  } catch (e) {
    return { error: `cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  // UTF-16 with a byte-order mark (what Windows tools often save) is text, though full of NUL bytes.
  const utf16 = (buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff);
  if (!utf16 && buf.subarray(0, 8192).includes(0)) return { error: 'binary file (contains NUL bytes); skipped' };
  const decoded = decodeText(buf);
  return { text: decoded.text, warnings: decodeWarnings(path, decoded) };
}

/** Loads every supported file under the given paths. Problems are collected, never thrown. */
export function loadCorpus(paths: string | string[], opts: LoadOptions = {}): Corpus {
  const drafts: Array<Draft & { file: string }> = [];
  const read = readCorpus(paths, opts, (batch) => {
    for (const d of batch) drafts.push(d);
  });
  return { passages: toPassages(drafts), problems: read.problems, files: read.files };
}

/**
 * A file at least this large, read as JSON Lines and not kept in the read cache, is read a chunk of lines at a time
 * (readCorpus's `stream`), so its text is never one string.
 */
export const STREAM_BYTES = 16 * 2 ** 20;

/**
 * Reads every supported file under the given paths, handing over their drafts in corpus order, a batch at a time: a
 * file's (or folder export's) drafts in one batch, or with `stream` a large JSON Lines file's in several. Two
 * batches never share a source object. Problems are collected, never thrown. `streamBytes` and `chunkBytes` change
 * what is streamed and how much is read at a time (tests).
 */
export function readCorpus(
  paths: string | string[],
  opts: LoadOptions & { stream?: boolean; streamBytes?: number; chunkBytes?: number },
  emit: (drafts: Array<Draft & { file: string }>) => void,
): { problems: Problem[]; files: LoadedFile[] } {
  const list = Array.isArray(paths) ? paths : [paths];
  const problems: Problem[] = [];
  const all = listCorpusFiles(list, problems);
  const files = opts.only ? all.filter((f) => opts.only!.includes(f)) : all;
  const roots = list.map((p) => resolve(p));
  const meta = readSourceMeta(all, problems);
  const loaded: LoadedFile[] = [];
  const relOf = (path: string) => {
    const root = roots.find((r) => path === r || path.startsWith(r + '/')) ?? dirname(path);
    return path === root ? basename(path) : relative(root, path);
  };
  const folderReads = readFolders(files, roots, relOf, (path) => meta.get(path), opts.format, problems, opts.cache);
  let done = 0;
  let cachedBytes = 0;
  // Records read (for progress): drafts of one record, or one line, come together.
  let records = 0;
  let lastRecord = '';
  const send = (batch: Array<Draft & { file: string }>) => {
    for (const d of batch) {
      const r = d.record ?? `${d.file}:${d.line}`;
      if (r !== lastRecord) records++;
      lastRecord = r;
    }
    if (batch.length) emit(batch);
  };
  const progress = () => opts.onFile?.(done, files.length, records);
  for (const path of files) {
    if (done) progress();
    done++;
    if (basename(path) === 'sources.json') continue;
    const rel = relOf(path);
    const fr = folderReads.get(path);
    if (fr) {
      // One export spread over a folder: its paragraphs come in once, where its first file would have.
      if (fr.claimed[0] === path) {
        for (const f of fr.claimed) {
          try {
            const st = statSync(f);
            loaded.push({ path: f, size: st.size, mtimeMs: st.mtimeMs });
          } catch {
            /* reported by the reader */
          }
        }
        send(fr.drafts.map((d) => ({ ...d, file: d.file ?? rel })));
      }
      continue;
    }
    const metaKey = JSON.stringify(meta.get(path) ?? null);
    const hit = opts.cache?.get(path);
    if (hit && hit.meta === metaKey && unchanged(hit.files)) {
      // Incremental: the file is as it was last time; take what it gave then.
      opts.cache!.set(path, hit);
      opts.cache!.stats.reused++;
      loaded.push({ path, size: hit.files[0].size, mtimeMs: hit.files[0].mtimeMs });
      send(hit.drafts);
      problems.push(...hit.problems);
      continue;
    }
    let size = 0;
    try {
      size = statSync(path).size;
    } catch {
      /* reported when it is read */
    }
    // A large file the read cache will not keep may be read in chunks (only its first bytes are sniffed).
    const streams =
      opts.stream === true && size >= (opts.streamBytes ?? STREAM_BYTES) && !(opts.cache && cachedBytes + size <= (opts.cacheBytes ?? MAX_CACHED_BYTES)) && !startsUtf16(path);
    let sniffed: ReturnType<typeof readText> | null = null;
    let input: FileInput | null = null;
    const sniff = () => {
      if (!input) {
        if (streams) input = { path, rel, text: headOf(path, 128 * 1024) ?? '', meta: meta.get(path) };
        else {
          sniffed = readText(path);
          input = { path, rel, text: 'text' in sniffed ? sniffed.text : '', meta: meta.get(path) };
        }
      }
      return input;
    };
    const reader = readerFor(rel, sniff, opts.format);
    if (!reader) {
      problems.push({ file: path, message: 'unsupported file type; skipped' });
      continue;
    }
    if (streams && reader.name === 'jsonl') {
      const fileProblems: Problem[] = [];
      let count = 0;
      const batch: Array<Draft & { file: string }> = [];
      const line = jsonlLines(rel, meta.get(path)?.title, (p) => fileProblems.push({ ...p, file: p.file ?? path }), (d) => batch.push({ ...d, file: d.file ?? rel }));
      const r = eachLines(path, (lines, first) => {
        for (let i = 0; i < lines.length; i++) line(lines[i], first + i);
        count += batch.length;
        send(batch);
        batch.length = 0;
        progress();
      }, opts.chunkBytes);
      if (!('utf16' in r)) {
        if ('error' in r) {
          problems.push({ file: path, message: r.error });
          continue;
        }
        loaded.push({ path, size, mtimeMs: statSync(path).mtimeMs });
        problems.push(...decodeWarnings(path, { text: '', encoding: 'UTF-8', badLines: r.badLines }), ...fileProblems);
        if (!count) problems.push({ file: path, message: 'no text found; nothing indexed' });
        if (opts.cache) cachedBytes += size;
        continue;
      }
    }
    let file: FileInput;
    let warnings: Problem[] = [];
    if (reader.binary) {
      try {
        file = { path, rel, text: '', bytes: readFileSync(path), meta: meta.get(path) };
      } catch (e) {
        problems.push({ file: path, message: `cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
        continue;
      }
    } else {
      const r: ReturnType<typeof readText> = (!streams && sniffed) || readText(path);
      if ('error' in r) {
        problems.push({ file: path, message: r.error });
        continue;
      }
      file = { path, rel, text: r.text, meta: meta.get(path) };
      warnings = r.warnings;
    }
    const st = statSync(path);
    loaded.push({ path, size: st.size, mtimeMs: st.mtimeMs });
    const problemsBefore = problems.length;
    problems.push(...warnings);
    const drafts: Array<Draft & { file: string }> = [];
    try {
      for (const d of reader.read(file, (p) => problems.push({ ...p, file: p.file ?? path }))) {
        drafts.push({ ...d, file: d.file ?? rel });
      }
    } catch (e) {
      problems.push({ file: path, message: `could not be read as ${reader.name} (${(e as Error).message}); skipped` });
    }
    if (!drafts.length) problems.push({ file: path, message: 'no text found; nothing indexed' });
    send(drafts);
    if (opts.cache && (cachedBytes += st.size) <= (opts.cacheBytes ?? MAX_CACHED_BYTES)) {
      const sig = signature(path);
      if (sig) {
        opts.cache.set(path, { files: [sig], meta: metaKey, drafts, problems: problems.slice(problemsBefore) });
        opts.cache.stats.parsed++;
      }
    }
  }
  progress();
  return { problems, files: loaded };
}

/**
 * Offers every folder of the corpus (shallowest first) to the readers that read whole exports. A folder that is
 * taken (and everything below it) is not offered again. Returns, per claimed file, what its folder's reader found.
 * With a read cache, a folder export whose files are all unchanged (and no file added) is taken from the cache.
 */
function readFolders(
  files: string[],
  roots: string[],
  relOf: (path: string) => string,
  metaOf: (path: string) => FileInput['meta'],
  format: string | undefined,
  problems: Problem[],
  cache: ReadCache | undefined,
): Map<string, FolderRead> {
  const out = new Map<string, FolderRead>();
  const folderReaders = readers.filter((r) => r.readFolder && (!format || r.name === format));
  if (!folderReaders.length) return out;
  const dirs = new Set<string>();
  for (const f of files) {
    const root = roots.find((r) => f.startsWith(r + '/'));
    if (!root) continue;
    for (let d = dirname(f); d.length >= root.length; d = dirname(d)) {
      if (dirs.has(d)) break;
      dirs.add(d);
      if (d === root) break;
    }
  }
  const text = (path: string) => {
    const r = readText(path);
    if ('error' in r) problems.push({ file: path, message: r.error });
    else problems.push(...r.warnings);
    return 'text' in r ? r.text : null;
  };
  const taken: string[] = [];
  const ordered = [...dirs].sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1));
  for (const dir of ordered) {
    if (taken.some((t) => dir === t || dir.startsWith(t + '/'))) continue;
    const below = files.filter((f) => f.startsWith(dir + '/') && !out.has(f) && basename(f) !== 'sources.json');
    if (!below.length) continue;
    const metaKey = JSON.stringify(metaOf(dir) ?? null);
    const folder = { path: dir, files: below, relOf, text, head: headOf, meta: metaOf };
    for (const reader of folderReaders) {
      const key = `dir:${reader.name}:${dir}`;
      const hit = cache?.get(key);
      if (hit && reader.claimFolder) {
        // Incremental: the same files would be taken and none changed, so the earlier read stands.
        const claims = reader.claimFolder(folder);
        if (!claims) continue;
        if (hit.meta === metaKey && sameList(hit.below ?? [], [...claims].sort()) && unchanged(hit.files)) {
          cache!.set(key, hit);
          cache!.stats.reused++;
          const taking = new Set(claims);
          const read = { claimed: below.filter((f) => taking.has(f)), drafts: hit.drafts };
          for (const f of read.claimed) out.set(f, read);
          problems.push(...hit.problems);
          if (read.claimed.length === below.length) taken.push(dir);
          break;
        }
      }
      let fr: FolderRead | null = null;
      const before = problems.length;
      try {
        fr = reader.readFolder!(folder, (p) => problems.push({ ...p, file: p.file ?? dir }));
      } catch (e) {
        problems.push({ file: dir, message: `could not be read as ${reader.name} (${(e as Error).message}); skipped` });
      }
      if (!fr || !fr.claimed.length) continue;
      const taking = new Set(fr.claimed);
      const claimed = below.filter((f) => taking.has(f));
      if (!claimed.length) continue;
      const read = { claimed, drafts: fr.drafts.map((d) => ({ ...d, file: d.file ?? relOf(claimed[0]) })) };
      for (const f of claimed) out.set(f, read);
      if (!read.drafts.length) problems.push({ file: dir, message: `read as ${reader.name}, but no text found; nothing indexed` });
      if (claimed.length === below.length) taken.push(dir);
      if (cache) {
        const sigs = claimed.map(signature);
        if (sigs.every((x) => x !== null)) {
          cache.set(key, { files: sigs as FileSig[], below: [...fr.claimed].sort(), meta: metaKey, drafts: read.drafts, problems: problems.slice(before) });
          cache.stats.parsed++;
        }
      }
      break;
    }
  }
  return out;
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Whether a file starts with a UTF-16 byte-order mark (such a file is decoded whole). */
function startsUtf16(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const b = Buffer.alloc(2);
    return readSync(fd, b, 0, 2, 0) === 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The first 8 KB (or `bytes`) of a file as text (a character cut at the end is harmless for sniffing), or null. */
function headOf(path: string, bytes = 8192): string | null {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, buf.length, 0);
    if (buf.subarray(0, Math.min(n, 8192)).includes(0)) return null;
    return buf.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '');
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Turns drafts into passages: windows long paragraphs, assigns stable ids, marks copies by folded text. */
export function toPassages(drafts: Array<Draft & { file: string }>): Passage[] {
  const out: Passage[] = [];
  const maker = new PassageMaker(seenInMemory(), (p) => out.push(p));
  for (const d of drafts) maker.add(d);
  linkQuotes(out, maker.quoted);
  return out;
}
