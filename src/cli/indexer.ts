// `crux index PATH…`: builds the saved index with a progress bar (counts and rate), reports what it skipped (file:line),
// reuses what unchanged files gave last time (incremental), and with --watch re-indexes whenever the corpus changes.
import { watch, type FSWatcher } from 'node:fs';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { openEngine, type Engine } from '../core/engine.ts';
import { isUserError } from '../errors.ts';
import { problemLine, type Problem } from '../corpus/types.ts';

export interface IndexIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

export interface IndexOptions {
  corpus: string[];
  format?: string;
  cacheDir?: string;
  /** Parse every file again (no reuse of unchanged files). */
  full?: boolean;
  /** Keep running and re-index on every change, until stopped (SIGINT/SIGTERM or `signal`). */
  watch?: boolean;
  signal?: AbortSignal;
  io: IndexIo;
  /** Draw a live bar (a terminal); otherwise progress is a line every few seconds on large inputs. */
  tty?: boolean;
  /** Progress timing: shown once a build has run this long, and a line at most this often (defaults below). */
  progressTiming?: { showAfterMs: number; lineEveryMs: number };
  /** Called after each build (tests use it to know a re-index happened). */
  onBuilt?: (engine: Engine | null) => void;
}

const EXIT = { ok: 0, skipped: 3, noCorpus: 4 } as const;
/** Progress shows only when a build takes longer than this. */
const SHOW_AFTER_MS = 400;
/** Without a terminal, one progress line at most this often. */
const LINE_EVERY_MS = 2000;

const n = (x: number) => x.toLocaleString('en-US');

/**
 * Progress for one build: passages indexed (of those read so far, with passages/s), files and records read. The
 * build reads and indexes as it goes (src/core/build.ts), so the total grows as files are read.
 */
function progress(io: IndexIo, tty: boolean, timing = { showAfterMs: SHOW_AFTER_MS, lineEveryMs: LINE_EVERY_MS }) {
  const t0 = performance.now();
  let bar: cliProgress.SingleBar | null = null;
  let lastLine = t0;
  let printed = false;
  let read = '';
  const show = (done: number, total: number) => {
    const now = performance.now();
    const s = (now - t0) / 1000;
    const extra = `${read}${n(s > 0 ? Math.round(done / s) : 0)} passages/s`;
    // Quick builds show nothing; a bar or lines appear once a build has taken a moment.
    if (now - t0 < timing.showAfterMs && !bar && !printed) return;
    if (tty) {
      if (!bar) {
        bar = new cliProgress.SingleBar(
          { format: 'indexing {bar} {value}/{total} passages | {extra}', stream: process.stderr, hideCursor: true, clearOnComplete: false },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done, { extra });
      }
      bar.setTotal(total);
      bar.update(done, { extra });
    } else if (now - lastLine >= timing.lineEveryMs || (done === total && printed)) {
      lastLine = now;
      printed = true;
      io.err(`indexing: ${n(done)}/${n(total)} passages, ${extra}`);
    }
  };
  return {
    onLoad: (done: number, total: number, records: number) => {
      read = `${n(done)}/${n(total)} files, ${n(records)} records, `;
    },
    onProgress: show,
    stop: () => {
      bar?.stop();
      bar = null;
    },
  };
}

function report(problems: Problem[], io: IndexIo): void {
  for (const p of problems) io.err(problemLine(p));
}

/** Builds once (incrementally); returns the exit code: 0, 3 when inputs were skipped, 4 when nothing could be loaded. */
function buildOnce(o: IndexOptions): { code: number; engine: Engine | null } {
  const t0 = performance.now();
  const bar = progress(o.io, o.tty === true, o.progressTiming);
  let reads: { reused: number; parsed: number } | null = null;
  try {
    const engine = openEngine({
      corpus: o.corpus,
      cacheDir: o.cacheDir,
      format: o.format,
      rebuild: true,
      full: o.full,
      onNotice: (m) => o.io.err(m),
      onLoad: bar.onLoad,
      onProgress: bar.onProgress,
      onReads: (s) => (reads = { ...s }),
    });
    bar.stop();
    const s = engine.stats;
    const r = reads as { reused: number; parsed: number } | null;
    const reuse = r && r.reused ? ` (${n(r.reused)} unchanged, ${n(r.parsed)} read)` : '';
    o.io.err(
      `Indexed ${n(s.unique)} passages (${n(s.passages - s.unique)} duplicates folded) from ${n(s.files)} files${reuse} in ${n(Math.round(performance.now() - t0))} ms → ${s.indexPath}`,
    );
    report(engine.problems, o.io);
    return { code: engine.problems.length ? EXIT.skipped : EXIT.ok, engine };
  } catch (e) {
    bar.stop();
    if (isUserError(e)) {
      o.io.err(e.message);
      return { code: EXIT.noCorpus, engine: null };
    }
    throw e;
  }
}

/** Runs `crux index`: one build, or with `watch` a build on every change until stopped. */
export async function runIndex(o: IndexOptions): Promise<number> {
  const first = buildOnce(o);
  o.onBuilt?.(first.engine);
  if (!o.watch) return first.code;
  let code = first.code;
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | null = null;
  let building = false;
  let again = false;
  const rebuild = () => {
    if (building) {
      again = true;
      return;
    }
    building = true;
    try {
      o.io.err('Corpus changed; re-indexing.');
      const r = buildOnce(o);
      code = r.code;
      o.onBuilt?.(r.engine);
    } finally {
      building = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(rebuild, 300);
  };
  for (const p of o.corpus) {
    try {
      watchers.push(
        watch(resolve(p), { recursive: true }, (_event, name) => {
          // Hidden files (editors' swap files, our own temp files) are not corpus files.
          if (name && String(name).split('/').some((part) => part.startsWith('.'))) return;
          schedule();
        }),
      );
    } catch (e) {
      o.io.err(`Cannot watch ${p} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
    }
  }
  o.io.err(`Watching ${o.corpus.join(', ')} for changes (Ctrl-C to stop).`);
  let stop = () => {};
  await new Promise<void>((done) => {
    stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (o.signal?.aborted) done();
    o.signal?.addEventListener('abort', stop, { once: true });
  });
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  if (timer) clearTimeout(timer);
  for (const w of watchers) w.close();
  return code;
}
