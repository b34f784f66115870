// npm start: opens the corpus, starts every configured platform adapter, and the prompt when none is configured.
import { DEFAULT_CORPUS, openEngine } from './engine.ts';
import { ConfigError, readConfig } from './config.ts';
import { memoryStore, openStore, StoreError, type Store } from './store.ts';
import { configSecrets, createLogger, textLog } from './log.ts';
import { liveEngine } from './hotswap.ts';
import { instrumentEngine, recordStoreError } from './metrics.ts';
import { startService } from './service.ts';
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
  const wanted = platformAdapters.filter((a) => a.configured(config));
  // As a service (a platform configured): JSON logs with secrets scrubbed. Terminal only: plain lines.
  const log = wanted.length ? createLogger({ level: config.logLevel, secrets: configSecrets(config) }) : textLog(o.io.err, config.logLevel);
  let engine;
  try {
    engine = openEngine({ corpus: o.corpus, format: o.format, onNotice: (m) => log.warn(m) });
  } catch (e) {
    if (isUserError(e)) {
      log.error(e.message);
      return 4;
    }
    throw e;
  }
  for (const p of engine.problems) log.warn(`skipped: ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`);
  // The terminal alone keeps state in memory (so it never contends with a running bot for the embedded store).
  let store: Store;
  try {
    store = wanted.length ? await openStore(config.storeUrl, { log, onError: (op) => recordStoreError(op) }) : memoryStore();
  } catch (e) {
    if (e instanceof StoreError) {
      log.error(e.message);
      return 2;
    }
    throw e;
  }
  const live = liveEngine(engine, { corpus: o.corpus ?? config.corpus ?? DEFAULT_CORPUS, cacheDir: config.cacheDir ?? undefined, format: o.format, log });
  const running: RunningAdapter[] = [];
  const service = wanted.length ? await startService({ config, log, store, live, running }) : null;
  // A platform that fails to start is reported and skipped; the others keep running.
  for (const a of wanted) {
    try {
      running.push(await a.start({ engine: instrumentEngine(live.current, a.name), store, config, log }));
      log.info(`${a.name} connected.`);
    } catch (e) {
      log.error(`${a.name} not started: ${(e as Error).message}`);
    }
  }
  if (wanted.length === 0 || process.stdin.isTTY) {
    await runRepl({ engine: instrumentEngine(live.current, 'terminal'), input: process.stdin, output: process.stdout, color: process.stdout.isTTY === true && !process.env.NO_COLOR });
    if (running.length === 0) return 0;
  }
  if (running.length === 0 || !service) {
    await service?.shutdown('no platform started');
    return 1;
  }
  // SIGTERM/SIGINT: stop taking work, finish what is in flight, close connections, flush the store, exit 0.
  return service.shutdown(await service.untilStopped());
}
