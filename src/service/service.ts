// What `npm start` adds around the adapters when it runs as a service: signals (SIGTERM/SIGINT stop, SIGHUP reloads),
// the /healthz and /metrics endpoint, and a graceful shutdown that finishes in-flight work and flushes the store.
import type { Config } from '../config.ts';
import type { Store } from './store.ts';
import type { Log } from './log.ts';
import type { LiveEngine } from './hotswap.ts';
import { startOpsServer, type OpsServer } from './http.ts';
import { observe } from './metrics.ts';

/** What the service needs of a running adapter (adapters/index.ts RunningAdapter). */
export interface Stoppable {
  name: string;
  stop(): Promise<void>;
  connected(): boolean;
}

export interface Service {
  stopping(): boolean;
  /** Resolves with the signal's name when SIGTERM or SIGINT arrives (or stop() is called). */
  untilStopped(): Promise<string>;
  /** Asks the service to stop, as a signal would. */
  stop(reason?: string): void;
  /** Stops taking work, lets in-flight work finish, closes everything, flushes the store. Resolves with the exit code. */
  shutdown(reason: string): Promise<number>;
  http: OpsServer | null;
}

export interface ServiceOptions {
  config: Pick<Config, 'httpPort'> & { httpHost?: string | null; watchCorpus?: boolean; shutdownTimeoutMs?: number };
  log: Log;
  store: Store;
  live: LiveEngine;
  /** Starts watching the named corpora's files (with watchCorpus); returns a function that stops it. */
  watchNamed?: () => () => void;
  /** Closes the engines of named corpora (their threads) at shutdown. */
  closeEngines?: () => Promise<void>;
  /** The adapters running (filled in as they start). */
  running: Stoppable[];
  /** Handle SIGTERM/SIGINT/SIGHUP (false in tests that drive stop() themselves). */
  signals?: boolean;
}

const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

export async function startService(o: ServiceOptions): Promise<Service> {
  let stopping = false;
  let signalled: (why: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => (signalled = resolve));
  const adapters = () => o.running.map((r) => ({ name: r.name, connected: safeConnected(r) }));
  observe({ engine: () => o.live.current(), storeFallback: () => o.store.status?.().fallback ?? false, adapters });

  const onStop = (sig: NodeJS.Signals) => {
    if (stopping) {
      o.log.warn(`${sig} again: still finishing in-flight work (it is given ${(o.config.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS) / 1000} s).`);
      return;
    }
    signalled(sig);
  };
  const onHup = () => void o.live.reload('SIGHUP');
  if (o.signals !== false) {
    process.on('SIGTERM', onStop);
    process.on('SIGINT', onStop);
    process.on('SIGHUP', onHup);
  }
  const unwatchers = o.config.watchCorpus ? [o.live.watch(), o.watchNamed?.() ?? (() => {})] : [];
  const unwatch = () => unwatchers.forEach((stop) => stop());

  let http: OpsServer | null = null;
  if (o.config.httpPort != null) {
    http = await startOpsServer(
      o.config.httpPort,
      { engine: () => o.live.current(), store: o.store, adapters, stopping: () => stopping, reloading: () => o.live.reloading() },
      o.log,
      o.config.httpHost ?? undefined,
    );
  }

  async function shutdown(reason: string): Promise<number> {
    stopping = true;
    const limit = o.config.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    const t0 = performance.now();
    o.log.info(`Shutting down (${reason}): no new work; finishing what is in flight.`);
    unwatch();
    void o.live.close();
    let code = 0;
    const stops = Promise.allSettled(
      o.running.map(async (r) => {
        try {
          await r.stop();
        } catch (e) {
          o.log.error(`${r.name} did not stop cleanly: ${(e as Error).message}`, { err: e as Error });
        }
      }),
    );
    const late = await Promise.race([stops.then(() => false), sleep(limit).then(() => true)]);
    if (late) {
      code = 1;
      o.log.error(`In-flight work did not finish within ${limit / 1000} s; stopping anyway.`);
    }
    // The engine's thread (and those of named corpora) go once nothing is asked of them any more.
    await Promise.all([o.live.close({ engines: true }), o.closeEngines?.()]);
    try {
      await o.store.close();
    } catch (e) {
      code = 1;
      o.log.error(`The store could not be flushed: ${(e as Error).message}`, { err: e as Error });
    }
    await http?.close();
    if (o.signals !== false) {
      process.off('SIGTERM', onStop);
      process.off('SIGINT', onStop);
      process.off('SIGHUP', onHup);
    }
    o.log.info(`Stopped in ${Math.round(performance.now() - t0)} ms.`, { exitCode: code });
    o.log.flush();
    // A library that leaves a socket or timer open must not keep a stopped service alive.
    if (o.signals !== false) setTimeout(() => process.exit(code), 3_000).unref();
    return code;
  }

  return {
    stopping: () => stopping,
    untilStopped: () => stopped,
    stop: (reason = 'stop requested') => signalled(reason),
    shutdown,
    http,
  };
}

function safeConnected(r: Stoppable): boolean {
  try {
    return r.connected();
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
