// Records added while serving (live capture), for the whole service: applied to every engine attached, and given
// in full to each engine when it is attached (a rebuilt index before it is swapped in, a named corpus opened on first
// use), so a reload never loses them. What an update means is in src/core/live.ts; this keeps the latest record per
// id and scope, and applies changes in the order they were made.
import type { ServedEngine } from '../core/engine.ts';
import type { LiveChange, LiveDrafts, LiveRecord } from '../core/live.ts';

export type AnyRecord = LiveRecord | LiveDrafts;

export interface LiveUpdates {
  /**
   * Adds records, or replaces those with the same ids, in `scope` (a community, "discord:<guild id>"; null: every
   * community). Resolves once they are searchable in every attached engine, with what the first one did.
   */
  upsert(records: AnyRecord[], scope?: string | null): Promise<LiveChange>;
  /** Removes records by id from `scope` (unscoped: also from the saved index). */
  remove(ids: string[], scope?: string | null): Promise<LiveChange>;
  /**
   * Gives an engine every record held and every later change; once per engine (an engine seen through a proxy, such
   * as metrics' instrumentEngine, counts as the engine it forwards to). Resolves when it has them all: call, and
   * wait, before it answers.
   */
  attach(engine: ServedEngine): Promise<void>;
  /** Stops giving an engine changes (it was swapped out or let go). */
  detach(engine: ServedEngine): void;
  /** Records held, in every scope. */
  size(): number;
  /** Whether any record is held in this scope. */
  holds(scope: string | null): boolean;
}

/** Records given to an engine at a time when it is attached (each batch is one message to an engine thread). */
const REPLAY_BATCH = 2_000;

/** An engine is known by its upsert function, which proxies forward: a proxy and its engine are one. */
const keyOf = (e: ServedEngine): object | undefined => e.upsert;

export function liveUpdates(): LiveUpdates {
  /** Latest record per id, per scope ('' for none); null marks a removal (of a record the saved index may hold). */
  const held = new Map<string, Map<string, AnyRecord | null>>();
  const attached = new Map<object, WeakRef<ServedEngine>>();
  const of = (scope: string | null | undefined) => {
    let m = held.get(scope || '');
    if (!m) held.set(scope || '', (m = new Map()));
    return m;
  };
  /** Applies a change to every attached engine still alive (in this order on each); the first one's result is the answer. */
  const everywhere = async (apply: (e: ServedEngine) => LiveChange | Promise<LiveChange> | undefined): Promise<LiveChange> => {
    const done: Array<LiveChange | Promise<LiveChange> | undefined> = [];
    for (const [key, ref] of attached) {
      const e = ref.deref();
      if (!e) attached.delete(key);
      else done.push(apply(e));
    }
    const all = await Promise.all(done);
    return all.find((c) => c) ?? { added: 0, removed: 0, rejected: [] };
  };
  return {
    upsert(records, scope) {
      const change = everywhere((e) => e.upsert?.(records, scope || null));
      const m = of(scope);
      for (const r of Array.isArray(records) ? records : []) if (typeof r?.id === 'string' && r.id.trim()) m.set(r.id, r);
      return change;
    },
    remove(ids, scope) {
      const change = everywhere((e) => e.remove?.(ids, scope || null));
      const m = of(scope);
      for (const id of Array.isArray(ids) ? ids : []) {
        if (typeof id !== 'string') continue;
        // Unscoped, a removal may be of a saved record: keep it, so an engine attached later drops that record too.
        if (scope) m.delete(id);
        else m.set(id, null);
      }
      return change;
    },
    async attach(engine) {
      const key = keyOf(engine);
      if (!key || attached.get(key)?.deref()) return;
      attached.set(key, new WeakRef(engine));
      // Sent now, in order: a change made while these are under way reaches the engine after them.
      const sent: Array<unknown> = [];
      for (const [k, m] of held) {
        const gone = [...m].filter(([, r]) => r === null).map(([id]) => id);
        const kept = [...m.values()].filter((r): r is AnyRecord => r !== null);
        if (gone.length) sent.push(engine.remove?.(gone, k || null));
        for (let i = 0; i < kept.length; i += REPLAY_BATCH) sent.push(engine.upsert?.(kept.slice(i, i + REPLAY_BATCH), k || null));
      }
      await Promise.all(sent);
    },
    detach(engine) {
      const key = keyOf(engine);
      if (key) attached.delete(key);
    },
    size: () => [...held.values()].reduce((n, m) => n + m.size, 0),
    holds: (scope) => (held.get(scope || '')?.size ?? 0) > 0,
  };
}
