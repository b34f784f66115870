// The searchable captured corpus of each community: its captured messages as passages, searched together with the
// corpora the community chose, and never with another community's messages.
import type { ServedEngine } from '../../core/engine.ts';
import type { LiveUpdates } from '../updates.ts';
import { draftsOf, type CapturedMessage, type CapturePlatform, type CommunityKey } from './message.ts';

export interface CapturedCorpora {
  /** Adds messages to their community's corpus, replacing earlier versions with the same id. */
  put(c: CommunityKey, messages: CapturedMessage[]): void;
  /** Removes messages (deleted, purged, forgotten) by id; unknown ids are ignored. */
  remove(c: CommunityKey, ids: string[]): void;
  /** The engine a community's questions run on: `base` (its chosen corpora) plus its captured messages. */
  over<E extends ServedEngine>(c: CommunityKey, base: E): E;
}

const platformOf = (c: CommunityKey) => c.slice(0, c.indexOf(':')) as CapturePlatform;

/**
 * Captured messages as records added while serving (src/core/live.ts): each community's in its own scope, applied to
 * every engine in service and given to each engine opened later (src/service/updates.ts). Searchable at once.
 */
export function incrementalCorpora(updates: LiveUpdates): CapturedCorpora {
  const scoped = new WeakMap<ServedEngine, Map<CommunityKey, ServedEngine>>();
  return {
    put(c, messages) {
      void updates.upsert(messages.map((m) => ({ id: m.id, drafts: draftsOf(m, platformOf(c)) })), c);
    },
    remove(c, ids) {
      void updates.remove(ids, c);
    },
    over<E extends ServedEngine>(c: CommunityKey, base: E): E {
      if (!updates.holds(c)) return base;
      // An engine opened since (a named corpus) gets the records first: in order, before this question reaches it.
      void updates.attach(base);
      let byC = scoped.get(base);
      if (!byC) scoped.set(base, (byC = new Map()));
      let e = byC.get(c);
      if (!e) byC.set(c, (e = inScope(base, c)));
      return e as E;
    },
  };
}

/** The engine as one community sees it: every ask also searches that community's records. */
function inScope<E extends ServedEngine>(base: E, scope: string): E {
  const ask: ServedEngine['ask'] = (query, opts) => base.ask(query, { ...opts, scope });
  return new Proxy(base, { get: (t, key) => (key === 'ask' ? ask : Reflect.get(t, key)) });
}
