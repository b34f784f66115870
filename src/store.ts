// State that is not the corpus (button state, event dedupe, rate limits, settings), behind one small interface over keyv.
import Keyv from 'keyv';

export interface Store {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Sets the key only if it is absent; true when this call set it (for "answer each event once"). */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Adds one to a counter that expires after ttlMs from its first hit; returns the new count. */
  hit(key: string, ttlMs: number): Promise<number>;
  close(): Promise<void>;
}

/** A store over any keyv instance. Claims and counters are read-then-write: fine for one process on keyv. */
export function keyvStore(kv: Keyv): Store {
  return {
    get: async <T>(key: string) => (await kv.get(key)) as T | undefined,
    set: async (key, value, ttlMs) => {
      await kv.set(key, value, ttlMs);
    },
    delete: async (key) => {
      await kv.delete(key);
    },
    claim: async (key, ttlMs) => {
      if ((await kv.get(key)) !== undefined) return false;
      await kv.set(key, 1, ttlMs);
      return true;
    },
    hit: async (key, ttlMs) => {
      const now = Date.now();
      const cur = (await kv.get(key)) as { n: number; until: number } | undefined;
      const next = cur && cur.until > now ? { n: cur.n + 1, until: cur.until } : { n: 1, until: now + ttlMs };
      await kv.set(key, next, next.until - now);
      return next.n;
    },
    close: async () => {
      await kv.disconnect?.();
    },
  };
}

/** An in-process store (tests, and the fallback when nothing else is configured). */
export function memoryStore(): Store {
  return keyvStore(new Keyv({ namespace: 'crux' }));
}
