// npm start: opens the corpus, starts every configured platform adapter, and the prompt when none is configured.
// The prompt alone loads no store, metrics or ops server: those (and each platform's SDK) load only for a service.
import { DEFAULT_CORPUS, openEngine, type Engine, type ServedEngine } from '../core/engine.ts';
import { ConfigError, readConfig } from '../config.ts';
import type { Store } from './store.ts';
import { configSecrets, createLogger, textLog } from './log.ts';
import { liveEngine, type EngineOpener } from './hotswap.ts';
import { engineChooser, installCorpora, type EngineChooser } from './engines.ts';
import { isUserError } from '../errors.ts';
import { problemLine } from '../corpus/types.ts';
import { runRepl } from '../../adapters/terminal/repl.ts';
import { platformAdapters, shardedDiscordAdapter, type PlatformAdapter, type RunningAdapter } from '../../adapters/index.ts';
import { liveUpdates } from './updates.ts';

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** `corpus`: the corpus paths, a named corpus already resolved (src/corpus/corpora.ts); the bundled corpus when absent. */
export async function serve(o: { corpus?: string[]; format?: string; io: Io }): Promise<number> {
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
  const wanted = adaptersFor(config);
  // A Discord shard process (started by the sharding manager) runs Discord only: no prompt, no second ops port.
  const shard = config.shardOf ?? null;
  // As a service (a platform configured): JSON logs with secrets scrubbed. Terminal only: plain lines.
  const log = wanted.length
    ? createLogger({ level: config.logLevel, secrets: configSecrets(config), base: shard ? { shard: shard.ids.join(',') } : {} })
    : textLog(o.io.err, config.logLevel);
  // As a service, every corpus is opened and searched in a worker thread of its own (src/service/worker/): building,
  // loading, the typo tree and every answer never hold up the thread that acks Discord and Slack. The terminal alone
  // opens its corpus here.
  const open: EngineOpener = wanted.length ? await threadOpener() : (x) => openEngine(x);
  const corpus = o.corpus ?? [DEFAULT_CORPUS];
  let engine: ServedEngine;
  try {
    engine = await open({ corpus, cacheDir: config.cacheDir ?? undefined, format: o.format, onNotice: (m) => log.warn(m) });
  } catch (e) {
    if (isUserError(e)) {
      log.error(e.message);
      return 4;
    }
    throw e;
  }
  for (const p of engine.problems) log.warn(problemLine(p));
  // Records added while serving (captured messages) reach every engine in service, and each one opened later.
  const updates = liveUpdates();
  let forgetNamed = () => {};
  const live = liveEngine(engine, {
    corpus,
    open: wanted.length ? open : undefined,
    cacheDir: config.cacheDir ?? undefined,
    format: o.format,
    log,
    onSwap: () => forgetNamed(),
    updates,
  });
  // Named corpora (data/corpora.json) a community may choose with /crux-config corpora; each set opened when first asked for.
  let chooser: EngineChooser;
  try {
    chooser = engineChooser({
      base: live.current,
      corpora: installCorpora(config.corporaFile),
      defaultPaths: o.corpus ?? [DEFAULT_CORPUS],
      cacheDir: config.cacheDir ?? undefined,
      onNotice: (m) => log.warn(m),
      onOpen: (e) => updates.attach(e),
      open: wanted.length ? (x) => open({ corpus: [x.corpus ?? DEFAULT_CORPUS].flat(), cacheDir: x.cacheDir, format: x.format, onNotice: (m) => log.warn(m) }) : undefined,
      log,
    });
  } catch (e) {
    if (!isUserError(e)) throw e;
    log.error(e.message);
    return 2;
  }
  forgetNamed = () => chooser.forget();
  if (wanted.length === 0) {
    // The terminal alone: no state to share (so it never contends with a running bot for the embedded store), nothing
    // captured, no metrics to serve, and no watcher, so the index is never swapped under it. The typo tree is built
    // just after the prompt shows, while the first question is typed.
    setImmediate(() => (engine as Engine).warm?.());
    await runRepl({ engine: live.current(), input: process.stdin, output: process.stdout, color: process.stdout.isTTY === true && !process.env.NO_COLOR });
    return 0;
  }
  const { instrumentEngine, observe, recordStoreError } = await import('./metrics.ts');
  const { openStore, StoreError } = await import('./store.ts');
  let store: Store;
  try {
    store = await openStore(config.storeUrl, { log, onError: (op) => recordStoreError(op), prefix: config.storePrefix ?? undefined });
  } catch (e) {
    if (e instanceof StoreError) {
      log.error(e.message);
      return 2;
    }
    throw e;
  }
  // Live capture (issue 17): a community's own channels, captured as it talks, searched with its corpora.
  const { openCapture } = await import('./capture/open.ts');
  // (A sharding manager running nothing else leaves capture to its shard processes.)
  const capturing = wanted.some((a) => a !== shardedDiscordAdapter);
  const capture = capturing ? await openCapture(store, { storeUrl: config.storeUrl, prefix: config.storePrefix, log, updates }) : null;
  if (capture) observe({ captured: () => ({ perPlatform: capture.state.perPlatform(), shard: shard?.ids.join(',') ?? '' }) });
  const running: RunningAdapter[] = [];
  const { startService } = await import('./service.ts');
  const service = await startService({ config: shard ? { ...config, httpPort: null } : config, log, store, live, running, watchNamed: () => chooser.watch({ log }), closeEngines: () => chooser.close() });
  // A platform that fails to start is reported and skipped; the others keep running.
  for (const a of wanted) {
    try {
      const engines: EngineChooser = { ...chooser, engineFor: (n) => instrumentEngine(() => chooser.engineFor(n), a.name) };
      running.push(await a.start({ engine: instrumentEngine(live.current, a.name), engines, store, capture: capture ?? undefined, config, log }));
      log.info(`${a.name} connected.`);
    } catch (e) {
      log.error(`${a.name} not started: ${(e as Error).message}`);
    }
  }
  if (process.stdin.isTTY && !shard) {
    await runRepl({ engine: instrumentEngine(live.current, 'terminal'), input: process.stdin, output: process.stdout, color: process.stdout.isTTY === true && !process.env.NO_COLOR });
    if (running.length === 0) return 0;
  }
  if (running.length === 0) {
    await service.shutdown('no platform started');
    await capture?.close();
    return 1;
  }
  // SIGTERM/SIGINT: stop taking work, finish what is in flight, close connections, flush the store, exit 0.
  const code = await service.shutdown(await service.untilStopped());
  await capture?.close();
  return code;
}

/** Opens engines in worker threads (loaded only for a service). */
async function threadOpener(): Promise<EngineOpener> {
  const { openInThread } = await import('./worker/remote.ts');
  return (x) => openInThread(x);
}

/**
 * The adapters to start. With CRUX_SHARDS, Discord runs in shard processes under a sharding manager (this process);
 * in one of those shard processes, only Discord runs.
 */
function adaptersFor(config: ReturnType<typeof readConfig>): PlatformAdapter[] {
  const on = platformAdapters.filter((a) => a.configured(config) && (!config.platforms || config.platforms.includes(a.name.toLowerCase())));
  if (config.shardOf) return on.filter((a) => a.name === 'Discord');
  if (config.shards != null && config.discord != null) return on.map((a) => (a.name === 'Discord' ? shardedDiscordAdapter : a));
  return on;
}
