// The searchable captured corpus of each community: its captured messages as passages, searched together with the
// corpora the community chose, and never with another community's messages.
import { createEngine, type Engine } from '../../core/engine.ts';
import type { Passage } from '../../core/types.ts';
import { toPassages } from '../../corpus/load.ts';
import { Bm25Index } from '../../search/bm25.ts';
import { draftsOf, type CapturedMessage, type CapturePlatform, type CommunityKey } from './message.ts';
import type { Draft } from '../../corpus/types.ts';

export interface CapturedCorpora {
  /** Adds messages to their community's corpus, replacing earlier versions with the same id. */
  put(c: CommunityKey, messages: CapturedMessage[]): void;
  /** Removes messages (deleted, purged, forgotten) by id; unknown ids are ignored. */
  remove(c: CommunityKey, ids: string[]): void;
  /** The engine a community's questions run on: `base` (its chosen corpora) plus its captured messages. */
  over(c: CommunityKey, base: Engine): Engine;
}

const platformOf = (c: CommunityKey) => c.slice(0, c.indexOf(':')) as CapturePlatform;

/**
 * Stand-in until the incremental index lands: a community's engine is rebuilt from the base passages and its
 * captured ones on the first question after a change. Correct, and fine for small corpora; not for 100k messages.
 */
export function rebuildingCorpora(): CapturedCorpora {
  const drafts = new Map<CommunityKey, Map<string, Draft[]>>();
  const built = new Map<CommunityKey, { base: Engine; engine: Engine }>();
  const of = (c: CommunityKey) => {
    let d = drafts.get(c);
    if (!d) drafts.set(c, (d = new Map()));
    return d;
  };
  return {
    put(c, messages) {
      const d = of(c);
      for (const m of messages) d.set(m.id, draftsOf(m, platformOf(c)));
      built.delete(c);
    },
    remove(c, ids) {
      const d = drafts.get(c);
      if (!d) return;
      for (const id of ids) d.delete(id);
      built.delete(c);
    },
    over(c, base) {
      const d = drafts.get(c);
      if (!d?.size) return base;
      const had = built.get(c);
      if (had?.base === base) return had.engine;
      const engine = combined(base, [...d.values()].flat());
      built.set(c, { base, engine });
      return engine;
    },
  };
}

function combined(base: Engine, drafts: Draft[]): Engine {
  const own = base.view.passages;
  const added = toPassages(drafts.map((d) => ({ ...d, file: d.file ?? 'capture' })));
  const passages: Passage[] = [...own, ...added.map((p) => ({ ...p, ord: p.ord + own.length }))];
  const docPassage: number[] = [];
  passages.forEach((p, i) => p.dupOf || docPassage.push(i));
  const index = Bm25Index.build(docPassage.map((i) => passages[i].text));
  const snap = { fingerprint: 'capture', builtAt: new Date().toISOString(), passages, docPassage: Uint32Array.from(docPassage), index, problems: base.problems };
  return createEngine(snap, { indexPath: base.stats.indexPath, indexBytes: base.stats.indexBytes });
}
