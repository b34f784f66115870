// npm start: opens the corpus, starts every configured platform adapter, and the prompt when none is configured.
import { openEngine } from './engine.ts';
import { ConfigError, readConfig } from './config.ts';
import { memoryStore } from './store.ts';
import { isUserError } from './errors.ts';
import { runRepl } from '../adapters/terminal/repl.ts';
import { platformAdapters, type RunningAdapter } from '../adapters/index.ts';

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

export async function serve(o: { corpus?: string; format?: string; io: Io }): Promise<number> {
  let config;
  try {
    config = readConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      o.io.err(e.message);
      return 2;
    }
    throw e;
  }
  let engine;
  try {
    engine = openEngine({ corpus: o.corpus, format: o.format, onNotice: (m) => o.io.err(m) });
  } catch (e) {
    if (isUserError(e)) {
      o.io.err(e.message);
      return 4;
    }
    throw e;
  }
  for (const p of engine.problems) o.io.err(`skipped: ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`);
  const store = memoryStore();
  const log = {
    info: (m: string) => o.io.err(m),
    warn: (m: string) => o.io.err(`warning: ${m}`),
    error: (m: string) => o.io.err(`error: ${m}`),
  };
  const running: RunningAdapter[] = [];
  const wanted = platformAdapters.filter((a) => a.configured(config));
  // A platform that fails to start is reported and skipped; the others keep running.
  for (const a of wanted) {
    try {
      running.push(await a.start({ engine, store, config, log }));
      log.info(`${a.name} connected.`);
    } catch (e) {
      log.error(`${a.name} not started: ${(e as Error).message}`);
    }
  }
  if (wanted.length === 0 || process.stdin.isTTY) {
    await runRepl({ engine, input: process.stdin, output: process.stdout, color: process.stdout.isTTY === true && !process.env.NO_COLOR });
    if (running.length === 0) return 0;
  }
  if (running.length === 0) return 1;
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await Promise.all(running.map((r) => r.stop()));
  await store.close();
  return 0;
}
