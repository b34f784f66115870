// The `crux` command line: one query, a batch, the interactive prompt, `index`, `serve` (npm start) and `eval`.
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// Only light modules are imported here: the engine, the prompt and each subcommand load when used, so --help,
// --version and usage errors answer at once (docs/development.md, start-up).
import { DEFAULT_CACHE, DEFAULT_CORPUS, DEFAULT_LIMIT, MAX_LIMIT } from '../core/defaults.ts';
import { REPO_ROOT } from '../paths.ts';
import type { Engine } from '../core/engine.ts';
import { isUserError } from '../errors.ts';
import { readCorpora, resolveCorpus } from '../corpus/corpora.ts';
import { loadDotEnv, readConfig } from '../config.ts';
import type { Answer, AskOptions } from '../core/types.ts';
import { printable } from '../core/printable.ts';
import { problemLine, type Problem } from '../corpus/types.ts';

/** Exit codes: what happened, for scripts. */
export const EXIT = { ok: 0, bug: 1, usage: 2, skipped: 3, noCorpus: 4 } as const;

const USAGE = `Usage:
  crux <topic…>            answer once and exit, e.g. crux hyperstition
  crux                     interactive prompt (:help, :quit)
  crux index [PATH…]       build the saved index (of PATH…, else --corpus): progress bar, skipped inputs by
                           file:line; only changed files are read again (--full reads all); --watch re-indexes on change
  crux serve               what npm start runs: Discord/Slack when configured, else the prompt
  crux eval                score retrieval and positions against ../shared/eval (npm run eval)

Options:
  --corpus PATH   file or folder to search (any supported format); default data/corpus, or $CRUX_CORPUS;
                  or NAME[,NAME…] of corpora declared in data/corpora.json
  --format NAME   read every file as this format (txt, md, jsonl, forum, discord, slack, reddit) instead of detecting it
  --limit N       passages per answer (1-${MAX_LIMIT}, default ${DEFAULT_LIMIT})
  --full          the whole answer: every quote whole, all quotes of each position, every exchange, source links
  --ids           each passage's id after its quote
  --json          print the answer as JSON (one object per line with --batch)
  --explain       with --json: why each passage ranks where it does (its BM25 score and each factor applied)
  --batch FILE    answer each line of FILE (- for standard input)
  --no-color      plain output
  --help, --version

Exit codes: 0 answered; 2 usage error or empty query; 3 answered, but some corpus files or lines were skipped
(listed on stderr); 4 no corpus could be loaded; 1 an unexpected error (a bug; please report it).
Use "crux -- index" to search for the word "index".`;

/** What the compact answer's last line offers when it left something out. */
const CLI_MORE = 'Whole answer: --full · more passages: --limit N';

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const stdio: Io = {
  out: (s) => process.stdout.write(s + '\n'),
  err: (s) => process.stderr.write(s + '\n'),
};

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  loadDotEnv(REPO_ROOT);
  if (io === stdio) quietOnClosedPipe();
  // With --json every failure is a JSON object with `error` on stdout, so a program reading it always gets JSON.
  let json = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length).includes('--json');
  const fail = (exit: number, code: string, message: string, usage = false): number => {
    if (json) io.out(JSON.stringify({ error: { code, message: printable(message) } }));
    else io.err(usage ? `${printable(message)}\n\n${USAGE}` : printable(message));
    return exit;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        corpus: { type: 'string' },
        format: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
        batch: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        'no-color': { type: 'boolean' },
        watch: { type: 'boolean' },
        full: { type: 'boolean' },
        ids: { type: 'boolean' },
        explain: { type: 'boolean' },
      },
    });
  } catch (e) {
    return fail(EXIT.usage, 'BAD_OPTION', (e as Error).message, true);
  }
  const { values: v, positionals, tokens } = { ...parsed, tokens: argv };
  json = v.json === true;
  if (v.help) {
    io.out(USAGE);
    return EXIT.ok;
  }
  if (v.version) {
    io.out(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version);
    return EXIT.ok;
  }
  let limit: number | undefined;
  if (v.limit !== undefined) {
    limit = Number(v.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      return fail(EXIT.usage, 'BAD_OPTION', `--limit must be a whole number from 1 to ${MAX_LIMIT}, got "${v.limit}".`);
    }
  }
  const explicitQuery = tokens.includes('--');
  const sub = explicitQuery ? null : positionals[0];
  const color = !v['no-color'] && !v.json && process.stdout.isTTY === true && !process.env.NO_COLOR;
  const style = { color, full: v.full, ids: v.ids, more: CLI_MORE };
  const corpus = v.corpus ?? readConfig().corpus ?? undefined;
  // A corpus may be a name (or names, comma-separated) from data/corpora.json: see src/corpus/corpora.ts.
  let named: ReturnType<typeof resolveCorpus> = null;
  try {
    named = corpus ? resolveCorpus(corpus, readCorpora(readConfig().corporaFile ?? join(REPO_ROOT, 'data', 'corpora.json'))) : null;
  } catch (e) {
    if (!isUserError(e)) throw e;
    return fail(EXIT.usage, e.code, e.message);
  }
  const [{ openEngine }, { renderAnswer }] = await Promise.all([import('../core/engine.ts'), import('../../adapters/terminal/render.ts')]);
  const open = (rebuild = false): Engine | number => {
    try {
      const progress = rebuild ? progressPrinter(io) : undefined;
      return openEngine({ corpus: named?.paths ?? corpus, format: v.format ?? named?.format, rebuild, onNotice: (m) => io.err(m), onProgress: progress });
    } catch (e) {
      if (isUserError(e)) return fail(EXIT.noCorpus, e.code, e.message);
      throw e;
    }
  };
  try {
    if (sub === 'index') {
      const { runIndex } = await import('./indexer.ts');
      const paths = positionals.length > 1 ? positionals.slice(1) : (named?.paths ?? [corpus ?? DEFAULT_CORPUS]);
      return await runIndex({ corpus: paths, format: v.format ?? named?.format, full: v.full, watch: v.watch, io, tty: io === stdio && process.stderr.isTTY === true });
    }
    if (sub === 'serve') {
      const { serve } = await import('../service/serve.ts');
      return await serve({ corpus: named?.paths ?? (corpus ? [corpus] : undefined), format: v.format ?? named?.format, io });
    }
    if (sub === 'eval') {
      const { runEval } = await import('./eval.ts');
      return await runEval(io);
    }
    if (sub === 'register') {
      const { runRegister } = await import('../../adapters/discord/register.ts');
      const { commands } = await import('../../commands/index.ts');
      const sources = () => {
        const e = open();
        return typeof e === 'number' ? 0 : e.sources().length;
      };
      return await runRegister({ io, sources, commands, config: readConfig().discord });
    }
    const engine = open();
    if (typeof engine === 'number') return engine;
    const problemsCode = reportProblems(engine.problems, io);
    if (v.batch !== undefined) {
      const text = v.batch === '-' ? readFileSync(0, 'utf8') : readBatch(v.batch);
      if (typeof text !== 'string') return fail(EXIT.usage, 'BAD_OPTION', text.error);
      for (const line of text.split(/\r?\n/)) {
        if (!line.trim()) continue;
        const a = answerOrError(engine, line, { limit, explain: v.explain });
        io.out(v.json ? JSON.stringify(a) : `## ${a.query}\n${'error' in a ? a.error.message : renderAnswer(a, style)}\n`);
      }
      return problemsCode;
    }
    const query = positionals.join(' ');
    if (!positionals.length && json) return fail(EXIT.usage, 'BAD_OPTION', '--json needs a topic, or --batch FILE (- for standard input).');
    if (!positionals.length) {
      const { runRepl } = await import('../../adapters/terminal/repl.ts');
      await runRepl({ engine, input: process.stdin, output: process.stdout, color, ids: v.ids, limit, historyFile: join(readConfig().cacheDir ?? DEFAULT_CACHE, 'history') });
      return problemsCode;
    }
    if (io === stdio) await skipOptimizingCompiler(engine);
    const a = answerOrError(engine, query, { limit, explain: v.explain });
    if ('error' in a) {
      if (v.json) io.out(JSON.stringify(a));
      else io.err(a.error.message);
      return EXIT.usage;
    }
    io.out(v.json ? JSON.stringify(a) : renderAnswer(a, style));
    return problemsCode;
  } catch (e) {
    if (process.env.CRUX_DEBUG) io.err((e as Error).stack ?? '');
    return fail(EXIT.bug, 'INTERNAL', `Crux hit an unexpected error: ${(e as Error).message}`);
  }
}

/**
 * A single answer from an index of up to 100k passages is over before the code the optimizing compiler (TurboFan)
 * works on would be ready, and the process then waits at exit for that work to finish: measured, a fifth of the time
 * of `crux hyperstition`, and no slower an answer at 100k (docs/development.md, start-up). Only for the process's
 * own one answer: never for main() called in-process, a batch, the prompt or indexing, which run long enough to gain.
 */
async function skipOptimizingCompiler(engine: Engine): Promise<void> {
  if (engine.stats.passages <= 100_000) (await import('node:v8')).setFlagsFromString('--no-turbofan');
}

/** An answer, or for a user's mistake an answer-shaped object with an `error`, so batch output stays one object per line. */
function answerOrError(engine: Engine, query: string, opts: AskOptions): Answer | (Answer & { error: { code: string; message: string } }) {
  try {
    return engine.ask(query, opts);
  } catch (e) {
    if (!isUserError(e)) throw e;
    return { query: printable(query), didYouMean: null, passages: [], positions: [], exchanges: [], notices: [], tookMs: 0, error: { code: e.code, message: e.message } };
  }
}

/** `crux --batch q.txt --json | head -1`: when the reader goes away, stop quietly instead of dying on EPIPE. */
function quietOnClosedPipe(): void {
  if (pipeWatched) return;
  pipeWatched = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? EXIT.ok);
  });
}
let pipeWatched = false;

function readBatch(path: string): string | { error: string } {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    return { error: `Cannot read batch file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
}

function reportProblems(problems: Problem[], io: Io): number {
  for (const p of problems) io.err(problemLine(p));
  return problems.length ? EXIT.skipped : EXIT.ok;
}

function progressPrinter(io: Io): (done: number, total: number) => void {
  const t0 = performance.now();
  let last = 0;
  return (done, total) => {
    const now = performance.now();
    if (total < 20_000 || (now - last < 500 && done < total)) return;
    last = now;
    const rate = Math.round(done / ((now - t0) / 1000));
    io.err(`indexing: ${done}/${total} passages (${rate}/s)`);
  };
}
