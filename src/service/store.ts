// State that is not the corpus (button state, event dedupe, rate limits, settings), behind one small interface over keyv.
// Backends: in-process (tests), an embedded file (default: one process, survives restarts), Redis (several processes).
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile, rename } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Keyv from 'keyv';
import { KeyvFile } from 'keyv-file';
import type { Log } from './log.ts';
import { REPO_ROOT } from '../paths.ts';

export interface Store {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Sets the key only if it is absent; true when this call set it (for "answer each event once"). */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Adds one to a counter that expires after ttlMs from its first hit; returns the new count. */
  hit(key: string, ttlMs: number): Promise<number>;
  close(): Promise<void>;
  /** Writes out anything not yet on disk (embedded store); a no-op elsewhere. */
  flush?(): Promise<void>;
  /** For /healthz: which backend, and whether it answers right now. */
  status?(): StoreStatus;
  /** Asks the backend itself (not a fallback) whether it answers. */
  ping?(): Promise<boolean>;
}

export interface StoreStatus {
  backend: 'memory' | 'file' | 'redis';
  /** The backend answers (for Redis: connected and not in fallback). */
  reachable: boolean;
  /** Redis is down and in-process state stands in for it. */
  fallback: boolean;
  /** File path, or the Redis URL without its password. */
  location: string | null;
}

/** Operator-facing hooks: warnings go to the log, errors are counted (the /metrics store-errors counter). */
export interface StoreHooks {
  log?: Pick<Log, 'info' | 'warn' | 'error'>;
  onError?(op: string, err: unknown): void;
}

export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

export const DEFAULT_STORE_FILE = resolve(REPO_ROOT, 'data', '.store', 'state.json');

/** Serializes async work per key, so read-then-write operations are atomic within this process. */
function keyLocks() {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const prev = tails.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}

/**
 * A store over any keyv instance. Claims and counters are read-then-write under a per-key lock: atomic within one
 * process (which is all an in-process or embedded store serves). Redis uses server-side atomic commands instead.
 */
export function keyvStore(kv: Keyv, extra: Partial<Pick<Store, 'flush' | 'status' | 'ping'>> = {}): Store {
  const locked = keyLocks();
  return {
    get: async <T>(key: string) => (await kv.get(key)) as T | undefined,
    set: async (key, value, ttlMs) => {
      await kv.set(key, value, ttlMs);
    },
    delete: async (key) => {
      await kv.delete(key);
    },
    claim: (key, ttlMs) =>
      locked(key, async () => {
        if ((await kv.get(key)) !== undefined) return false;
        await kv.set(key, 1, ttlMs);
        return true;
      }),
    hit: (key, ttlMs) =>
      locked(key, async () => {
        const now = Date.now();
        const cur = (await kv.get(key)) as { n: number; until: number } | undefined;
        const next = cur && cur.until > now ? { n: cur.n + 1, until: cur.until } : { n: 1, until: now + ttlMs };
        await kv.set(key, next, Math.max(1, next.until - now));
        return next.n;
      }),
    close: async () => {
      await extra.flush?.();
      await kv.disconnect?.();
    },
    flush: extra.flush,
    status: extra.status,
    ping: extra.ping ?? (async () => true),
  };
}

/** An in-process store (tests, and the stand-in while Redis is down). */
export function memoryStore(): Store {
  return keyvStore(new Keyv({ namespace: 'crux' }), {
    status: () => ({ backend: 'memory', reachable: true, fallback: false, location: null }),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Embedded store: keyv-file (pure JS, one JSON file). Writes land in memory at once and reach the disk within
// WRITE_DELAY_MS, written to a temporary file and renamed, so a crash never leaves a half-written file.

const WRITE_DELAY_MS = 50;

/**
 * keyv-file with three changes: set/delete resolve once the value is in memory (keyv-file's own set waits for the
 * delayed disk write, about 100 ms per call); the file is replaced atomically; and a write that arrives while the
 * file is being written is saved by the next write instead of being dropped.
 */
class DurableKeyvFile extends KeyvFile {
  private scheduled: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private release: () => void = () => {};
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;
  onWriteError: (err: unknown) => void = () => {};

  constructor(options: ConstructorParameters<typeof KeyvFile>[0]) {
    super(options);
    // keyv-file's save() is private in its typings; replace it on the instance.
    (this as unknown as { save: () => Promise<void> }).save = () => this.scheduleWrite();
  }

  override async set(key: string, value: unknown, ttl?: number): Promise<void> {
    void super.set(key, value, ttl);
  }

  override async delete(key: string): Promise<boolean> {
    const data = (this as unknown as { _data: Map<string, unknown> })._data;
    const had = data.delete(key);
    void this.scheduleWrite();
    return had;
  }

  /** Coalesces writes within WRITE_DELAY_MS, one write at a time. */
  scheduleWrite(): Promise<void> {
    this.dirty = true;
    if (this.scheduled) return this.scheduled;
    this.scheduled = new Promise<void>((done) => {
      this.release = done;
      this.timer = setTimeout(() => this.startWrite(), this.opts.writeDelay);
      // A write still waiting out its delay must not keep a finished process alive: close() flushes it.
      this.timer.unref?.();
    });
    return this.scheduled;
  }

  /** Starts the scheduled write, when its delay is over or when a flush cannot wait for it. */
  private startWrite(): void {
    if (this.timer) clearTimeout(this.timer);
    const done = this.release;
    this.timer = null;
    this.scheduled = null;
    this.writing = this.writing.then(() => this.writeNow()).then(done, (err) => {
      this.onWriteError(err);
      done();
    });
  }

  /**
   * Waits until everything set so far is on disk. A write still waiting out its delay starts now: waiting for its
   * (unref'd) timer would leave nothing to keep the event loop alive during a shutdown, and Node would exit mid-flush
   * (exit code 13, "unsettled top-level await") with the last writes lost.
   */
  async flushNow(): Promise<void> {
    if (this.scheduled) {
      const scheduled = this.scheduled;
      this.startWrite();
      await scheduled;
    }
    await this.writing;
    if (this.dirty) await (this.writing = this.writing.then(() => this.writeNow()));
  }

  private async writeNow(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    const self = this as unknown as { _data: Map<string, unknown>; _lastExpire: number };
    const text = this.opts.serialize({ cache: [...self._data], lastExpire: self._lastExpire });
    const file = this.opts.filename;
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      await writeFile(tmp, text);
      await rename(tmp, file);
    } catch (e) {
      this.dirty = true;
      throw e;
    }
  }
}

/** Reads the lock file beside an embedded store: the pid of the process using it, if that process is alive. */
function lockHolder(lock: string): number | null {
  try {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

/**
 * The embedded on-disk store: survives restarts, needs no server, serves one process. A second process pointed at
 * the same file is refused with a message that says to use Redis.
 */
export function fileStore(path: string = DEFAULT_STORE_FILE, hooks: StoreHooks = {}): Store {
  const file = resolve(path);
  mkdirSync(dirname(file), { recursive: true });
  const lock = `${file}.lock`;
  const holder = lockHolder(lock);
  if (holder !== null) {
    throw new StoreError(
      `The embedded store ${file} is in use by another Crux process (pid ${holder}). ` +
        'Run one process per embedded store, or set CRUX_STORE_URL=redis://… so several processes share state.',
    );
  }
  writeFileSync(lock, String(process.pid));
  let unreadable = false;
  if (existsSync(file)) {
    try {
      JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      unreadable = true;
    }
  }
  if (unreadable) {
    const aside = `${file}.unreadable-${Date.now()}`;
    renameSync(file, aside);
    hooks.log?.warn(`The embedded store file could not be read; it was moved to ${aside} and Crux starts with empty state.`);
  }
  const adapter = new DurableKeyvFile({ filename: file, writeDelay: WRITE_DELAY_MS, expiredCheckDelay: 10 * 60_000 });
  let writeFailing = false;
  adapter.onWriteError = (err) => {
    hooks.onError?.('write', err);
    if (!writeFailing) hooks.log?.error(`Could not write the embedded store ${file}; state is kept in memory and retried.`, { err });
    writeFailing = true;
    void adapter.scheduleWrite();
  };
  const kv = new Keyv({ store: adapter, namespace: 'crux' });
  const flush = async () => {
    await adapter.flushNow();
    writeFailing = false;
  };
  const store = keyvStore(kv, {
    flush,
    status: () => ({ backend: 'file', reachable: !writeFailing, fallback: false, location: file }),
    ping: async () => !writeFailing,
  });
  let closed = false;
  return {
    ...store,
    close: async () => {
      if (closed) return;
      closed = true;
      await flush();
      if (lockHolder(lock) === null) rmSync(lock, { force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Redis: several processes share state. get/set/delete go through @keyv/redis; claim is SET NX PX and hit is
// INCR + PEXPIRE in one script, both atomic on the server. When Redis stops answering, an in-process store stands
// in (with a logged warning) until a probe finds it back.

const OP_TIMEOUT_MS = 1_000;
const PROBE_EVERY_MS = 500;
const HIT_SCRIPT = `local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/** The URL with any password replaced, for logs and /healthz. */
export function safeUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)[^@/]+@/i, '$1***@');
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((ok, fail) => {
    const t = setTimeout(() => fail(new StoreError(`${what} did not answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        ok(v);
      },
      (e) => {
        clearTimeout(t);
        fail(e);
      },
    );
  });
}

export interface RedisStoreOptions extends StoreHooks {
  /** How long to wait for the first connection before answering from in-process state. Default 2000 ms. */
  connectTimeoutMs?: number;
  /** Key prefix, so several Crux deployments can share one Redis. Default "crux". */
  prefix?: string;
}

/** The Redis store. Resolves once connected, or after connectTimeoutMs in fallback mode (it keeps reconnecting). */
export async function redisStore(url: string, o: RedisStoreOptions = {}): Promise<Store> {
  const shown = safeUrl(url);
  const prefix = `${o.prefix ?? 'crux'}:`;
  // Loaded here, as only a shared store needs it (the Redis client is the largest library Crux loads).
  const { default: KeyvRedis, createClient } = await import('@keyv/redis');
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2_000, reconnectStrategy: (n: number) => Math.min(100 * 2 ** n, 2_000) },
  });
  let lastClientError = '';
  client.on('error', (err: Error) => {
    // The client reports every failed reconnect; the fallback logic below logs the outage once.
    lastClientError = err.message;
  });
  const kv = new Keyv({ store: new KeyvRedis(client as never, { namespace: o.prefix ?? 'crux', throwOnConnectError: true, throwOnErrors: true }), throwOnErrors: true, useKeyPrefix: false });
  const redis: Store = {
    get: async <T>(key: string) => (await kv.get(key)) as T | undefined,
    set: async (key, value, ttlMs) => {
      await kv.set(key, value, ttlMs);
    },
    delete: async (key) => {
      await kv.delete(key);
    },
    claim: async (key, ttlMs) => (await client.set(prefix + key, '1', { NX: true, PX: Math.max(1, Math.round(ttlMs)) })) === 'OK',
    hit: async (key, ttlMs) => Number(await client.eval(HIT_SCRIPT, { keys: [prefix + key], arguments: [String(Math.max(1, Math.round(ttlMs)))] })),
    close: async () => {},
  };

  const connecting = client.connect().then(
    () => true,
    () => false,
  );
  const connected = await Promise.race([connecting, new Promise<false>((r) => setTimeout(() => r(false), o.connectTimeoutMs ?? 2_000).unref())]);
  const store = resilientStore(redis, memoryStore(), {
    ...o,
    up: connected,
    describe: shown,
    probe: async () => {
      if (!client.isReady) return false;
      return (await client.ping()) === 'PONG';
    },
    why: () => lastClientError,
    close: async () => {
      try {
        await withTimeout(client.close(), 1_000, 'Redis close');
      } catch {
        client.destroy();
      }
    },
  });
  if (!connected) o.log?.warn(`Redis at ${shown} is not reachable; answering from in-process state until it is.`, { store: shown });
  else o.log?.info(`Store: Redis at ${shown}.`, { store: shown });
  return store;
}

interface ResilientOptions extends StoreHooks {
  up: boolean;
  describe: string;
  probe(): Promise<boolean>;
  why(): string;
  close(): Promise<void>;
}

/** Uses primary while it answers; on the first failure switches to fallback (logged once) and probes until it is back. */
function resilientStore(primary: Store, fallback: Store, o: ResilientOptions): Store {
  let up = o.up;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  const startProbing = () => {
    if (timer || closed) return;
    timer = setInterval(async () => {
      let ok = false;
      try {
        ok = await withTimeout(o.probe(), OP_TIMEOUT_MS, 'Redis');
      } catch {
        ok = false;
      }
      if (ok && !up && !closed) {
        up = true;
        if (timer) clearInterval(timer);
        timer = null;
        o.log?.info(`Redis at ${o.describe} is reachable again; shared state resumes.`, { store: o.describe });
      }
    }, PROBE_EVERY_MS);
    timer.unref();
  };
  if (!up) startProbing();
  const run = async <T>(op: string, f: (s: Store) => Promise<T>): Promise<T> => {
    if (up && !closed) {
      try {
        return await withTimeout(f(primary), OP_TIMEOUT_MS, 'Redis');
      } catch (err) {
        o.onError?.(op, err);
        if (up) {
          up = false;
          const why = (err as Error)?.message || o.why();
          o.log?.warn(`Redis at ${o.describe} stopped answering (${why}); answering from in-process state until it returns.`, {
            store: o.describe,
            op,
          });
          startProbing();
        }
      }
    }
    return f(fallback);
  };
  return {
    get: (key) => run('get', (s) => s.get(key)),
    set: (key, value, ttlMs) => run('set', (s) => s.set(key, value, ttlMs)),
    delete: (key) => run('delete', (s) => s.delete(key)),
    claim: (key, ttlMs) => run('claim', (s) => s.claim(key, ttlMs)),
    hit: (key, ttlMs) => run('hit', (s) => s.hit(key, ttlMs)),
    flush: async () => {},
    status: () => ({ backend: 'redis', reachable: up, fallback: !up, location: o.describe }),
    ping: async () => {
      try {
        return await withTimeout(o.probe(), OP_TIMEOUT_MS, 'Redis');
      } catch {
        return false;
      }
    },
    close: async () => {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      timer = null;
      await o.close();
      await fallback.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * The store CRUX_STORE_URL asks for: redis:// or rediss:// (shared), memory: (in-process, lost on exit),
 * file:PATH or a plain path (embedded), and by default the embedded store under data/.store/.
 */
export async function openStore(url: string | null, hooks: RedisStoreOptions = {}): Promise<Store> {
  if (!url) return fileStore(DEFAULT_STORE_FILE, hooks);
  if (/^rediss?:\/\//i.test(url)) return redisStore(url, hooks);
  if (/^memory:?$/i.test(url)) return memoryStore();
  if (/^file:/i.test(url)) return fileStore(url.startsWith('file://') ? fileURLToPath(url) : url.slice('file:'.length), hooks);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new StoreError(`CRUX_STORE_URL must start with redis://, rediss://, file: or memory:, got "${safeUrl(url)}".`);
  }
  return fileStore(url, hooks);
}
