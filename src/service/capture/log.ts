// The capture log: every captured message, edit, deletion, purge and forget-me, written durably before it counts as
// indexed, and replayed on start. Backends: an append-only file beside the embedded store (one process), a Redis
// stream when processes share state (redis-log.ts), or memory (tests, the terminal).
import { closeSync, fdatasync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open as openAsync } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CaptureEntry } from './state.ts';

export interface ReplayStats {
  entries: number;
  /** Lines that could not be read (a torn last line after a crash is cut off; others are skipped). */
  skipped: number;
}

export interface CaptureLog {
  /** For logs and /healthz: where the log lives. */
  readonly location: string;
  /** Entries are shared with other processes (each must apply the others' entries as they arrive: follow). */
  readonly shared: boolean;
  /** Calls `apply` with every entry written so far, in order (`ref`: its position, where single entries can be erased). */
  replay(apply: (e: CaptureEntry, ref?: string) => void): Promise<ReplayStats>;
  /** Writes entries durably: once this resolves, a crash of this process loses none of them. Returns their refs. */
  append(entries: CaptureEntry[]): Promise<Array<string | undefined>>;
  /** Shared logs: calls `apply` with entries other processes write, as they arrive. Returns a function that stops. */
  follow?(apply: (e: CaptureEntry, ref: string) => void): () => void;
  /**
   * Drops what is no longer needed, so deleted and forgotten text leaves the disk: a file is rewritten from `live`
   * (the state's entries); a stream erases the entries at `garbage`.
   */
  compact(live: () => Iterable<CaptureEntry>, garbage: string[]): Promise<void>;
  close(): Promise<void>;
}

/** In memory only: lost on exit (tests, and CRUX_STORE_URL=memory:). */
export function memoryCaptureLog(): CaptureLog {
  let lines: string[] = [];
  return {
    location: 'memory',
    shared: false,
    async replay(apply) {
      for (const l of lines) apply(JSON.parse(l));
      return { entries: lines.length, skipped: 0 };
    },
    async append(entries) {
      for (const e of entries) lines.push(JSON.stringify(e));
      return entries.map(() => undefined);
    },
    async compact(live) {
      lines = [...live()].map((e) => JSON.stringify(e));
    },
    async close() {},
  };
}

/** Lines written per chunk while compacting (the event loop turns between chunks). */
const COMPACT_CHUNK = 2_000;

export interface FileLogHooks {
  warn?(msg: string): void;
}

/**
 * An append-only file of JSON lines. Each append is one write(2) of whole lines, done before append() resolves, so
 * `kill -9` loses nothing appended (the kernel holds it); fdatasync follows within a second for power loss.
 * A crash in the middle of a write leaves at most a torn last line, which replay cuts off.
 */
export function fileCaptureLog(path: string, hooks: FileLogHooks = {}): CaptureLog {
  mkdirSync(dirname(path), { recursive: true });
  let fd = openSync(path, 'a');
  let syncing: NodeJS.Timeout | null = null;
  /** Entries appended while a compaction runs: written after the compacted ones, so none is lost by the swap. */
  let during: string[] | null = null;
  let closed = false;

  const scheduleSync = () => {
    if (syncing) return;
    syncing = setTimeout(() => {
      syncing = null;
      if (!closed) fdatasync(fd, () => {});
    }, 1_000);
    syncing.unref();
  };

  return {
    location: path,
    shared: false,
    async replay(apply) {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        return { entries: 0, skipped: 0 };
      }
      let entries = 0;
      let skipped = 0;
      let bad = 0;
      let start = 0;
      while (start < text.length) {
        const nl = text.indexOf('\n', start);
        if (nl < 0) {
          // A torn last line: the process died inside a write. Nothing after it was acknowledged; cut it off.
          const good = Buffer.byteLength(text.slice(0, start));
          ftruncateSync(fd, good);
          hooks.warn?.(`The capture log ${path} ended in a partly written line (a crash while writing); it was cut off.`);
          skipped++;
          break;
        }
        const line = text.slice(start, nl);
        start = nl + 1;
        if (!line.trim()) continue;
        let e: CaptureEntry;
        try {
          e = JSON.parse(line);
        } catch {
          bad++;
          continue;
        }
        apply(e);
        entries++;
      }
      if (bad) hooks.warn?.(`The capture log ${path} had ${bad} unreadable line(s); they were skipped.`);
      return { entries, skipped: skipped + bad };
    },
    async append(entries) {
      if (closed) throw new Error('the capture log is closed');
      const text = entries.map((e) => `${JSON.stringify(e)}\n`).join('');
      writeAll(fd, text);
      during?.push(text);
      scheduleSync();
      return entries.map(() => undefined);
    },
    async compact(live) {
      if (during || closed) return;
      const snapshot = [...live()];
      during = [];
      const tmp = `${path}.${process.pid}.compact`;
      const out = await openAsync(tmp, 'w');
      try {
        for (let i = 0; i < snapshot.length; i += COMPACT_CHUNK) {
          const chunk = snapshot.slice(i, i + COMPACT_CHUNK).map((e) => `${JSON.stringify(e)}\n`).join('');
          await out.write(chunk);
        }
        // What arrived meanwhile goes after the snapshot; replaying both gives today's state (entries are idempotent).
        // From here to the swap nothing awaits, so no append can slip in between.
        const tail = during.join('');
        during = null;
        await out.sync();
        await out.close();
        if (closed) return rmSync(tmp, { force: true });
        const t = openSync(tmp, 'a');
        writeAll(t, tail);
        fsyncSync(t);
        renameSync(tmp, path);
        closeSync(fd);
        fd = t;
        syncDir(dirname(path));
      } catch (e) {
        during = null;
        await out.close().catch(() => undefined);
        rmSync(tmp, { force: true });
        throw e;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      if (syncing) clearTimeout(syncing);
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
  };
}

function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text);
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off);
}

/** Makes a rename durable (the folder's entry), where the platform allows opening a folder. */
function syncDir(dir: string): void {
  try {
    const d = openSync(dir, 'r');
    try {
      fsyncSync(d);
    } finally {
      closeSync(d);
    }
  } catch {
    /* not supported here (Windows): the rename itself is still atomic */
  }
}
