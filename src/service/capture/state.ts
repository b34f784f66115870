// What the capture log says, replayed: each community's captured messages, the ids deleted, the members forgotten.
// Entries are applied in log order and each is idempotent, so a replay (after a restart, or by another process
// reading a shared log) reaches the same state however often an entry is seen.
import type { CapturedMessage, CapturePlatform, CommunityKey } from './message.ts';

/** One line of the capture log. `c` is the community the entry belongs to. */
export type CaptureEntry =
  /** A message captured, or a newer version of it (an edit). */
  | { op: 'put'; c: CommunityKey; m: CapturedMessage }
  /** A message deleted on the platform (at: when Crux learnt it, ms). */
  | { op: 'del'; c: CommunityKey; id: string; at: number }
  /** `capture purge`: everything captured from one channel removed. */
  | { op: 'purge'; c: CommunityKey; channel: string }
  /** `/crux forget-me`: everything by one member removed, and their later messages kept out. */
  | { op: 'forget'; c: CommunityKey; user: string }
  /** How far a channel's backfill got, written after each page it captured (a restart resumes from here). */
  | ({ op: 'backfill'; c: CommunityKey } & Backfill);

export interface Backfill {
  channel: string;
  /** Where the next page starts (the platform's own cursor), or null to start from the newest message. */
  cursor: string | null;
  fetched: number;
  /** Oldest time wanted (ms) and most messages wanted. */
  since: number;
  max: number;
  done: boolean;
  /** Who turned the channel on (they get the progress), when known. */
  by?: string | null;
  /** Why the platform refused the history (no access), when it did: the backfill stopped. */
  error?: string | null;
}

/** How long a deleted id is remembered after compaction (late events of a deleted message arrive within seconds). */
export const TOMBSTONE_MS = 24 * 3600_000;

/** What applying entries changed in the searchable corpora: messages added or replaced, ids removed. */
export interface Change {
  c: CommunityKey;
  put: CapturedMessage[];
  removed: string[];
}

export interface CommunityState {
  messages: Map<string, CapturedMessage>;
  /** Ids deleted on the platform: an older event (a backfill page, a late edit) must not bring them back. */
  deleted: Map<string, number>;
  forgotten: Set<string>;
  /** The latest progress of each channel's backfill. */
  backfills: Map<string, Backfill>;
}

/** Why a put was not applied, when it was not: it is counted, never an error. */
export type Refusal = 'deleted' | 'forgotten' | 'stale' | null;

export class CaptureState {
  readonly communities = new Map<CommunityKey, CommunityState>();
  /** Entries applied that changed nothing or were replaced later (for compaction: garbage in the log). */
  superseded = 0;
  /**
   * Where each live message's entry sits in a log that can drop single entries (a Redis stream id), and the
   * positions of entries replaced or removed since, which that log can then erase.
   */
  private readonly refs = new Map<string, string>();
  garbage: string[] = [];

  of(c: CommunityKey): CommunityState {
    let s = this.communities.get(c);
    if (!s) this.communities.set(c, (s = { messages: new Map(), deleted: new Map(), forgotten: new Set(), backfills: new Map() }));
    return s;
  }

  /** Would this message be kept if it were written now? (Checked before writing, so refused messages never reach the log.) */
  refuses(c: CommunityKey, m: CapturedMessage): Refusal {
    const s = this.communities.get(c);
    if (!s) return null;
    if (s.forgotten.has(m.authorId)) return 'forgotten';
    if (s.deleted.has(m.id)) return 'deleted';
    const had = s.messages.get(m.id);
    if (had && had.version >= m.version && had.text === m.text) return 'stale';
    if (had && had.version > m.version) return 'stale';
    return null;
  }

  /** Applies one entry (`ref`: where it sits in the log, when the log can erase single entries); returns what changed. */
  apply(e: CaptureEntry, ref?: string): Change {
    const s = this.of(e.c);
    const change: Change = { c: e.c, put: [], removed: [] };
    switch (e.op) {
      case 'put': {
        if (this.refuses(e.c, e.m)) {
          this.superseded++;
          // The same entry seen twice (written here, then read back from a shared log) is not garbage.
          if (ref && this.refs.get(`${e.c}\0${e.m.id}`) !== ref) this.garbage.push(ref);
          break;
        }
        if (s.messages.has(e.m.id)) {
          this.superseded++;
          this.drop(e.c, e.m.id);
        }
        s.messages.set(e.m.id, e.m);
        if (ref) this.refs.set(`${e.c}\0${e.m.id}`, ref);
        change.put.push(e.m);
        break;
      }
      case 'del': {
        if (s.messages.delete(e.id)) {
          change.removed.push(e.id);
          this.superseded++;
        }
        s.deleted.set(e.id, e.at);
        break;
      }
      case 'backfill': {
        const { op: _op, c: _c, ...b } = e;
        if (s.backfills.has(b.channel)) this.superseded++;
        s.backfills.set(b.channel, b);
        break;
      }
      case 'purge':
        s.backfills.delete(e.channel);
        change.removed = removeWhere(s, (m) => m.channel === e.channel);
        this.superseded += change.removed.length;
        break;
      case 'forget':
        s.forgotten.add(e.user);
        change.removed = removeWhere(s, (m) => m.authorId === e.user);
        this.superseded += change.removed.length;
        break;
    }
    for (const id of change.removed) this.drop(e.c, id);
    return change;
  }

  /** A message left the state: its entry in the log is garbage. */
  private drop(c: CommunityKey, id: string): void {
    const key = `${c}\0${id}`;
    const ref = this.refs.get(key);
    if (ref === undefined) return;
    this.refs.delete(key);
    this.garbage.push(ref);
  }

  /**
   * The entries that rebuild this state from nothing: what a compacted log holds. Deletions older than
   * TOMBSTONE_MS are dropped: they only guard against events that arrive out of order, within seconds.
   */
  *entries(now = Date.now()): Generator<CaptureEntry> {
    for (const [c, s] of this.communities) {
      for (const user of s.forgotten) yield { op: 'forget', c, user };
      for (const [id, at] of s.deleted) if (now - at < TOMBSTONE_MS) yield { op: 'del', c, id, at };
      for (const b of s.backfills.values()) yield { op: 'backfill', c, ...b };
      for (const m of s.messages.values()) yield { op: 'put', c, m };
    }
  }

  /** Entries a compacted log holds (forgotten members, deletions and live messages). */
  liveEntries(): number {
    let n = 0;
    for (const s of this.communities.values()) n += s.forgotten.size + s.deleted.size + s.messages.size + s.backfills.size;
    return n;
  }

  /** Messages held, per platform ("discord", "slack"). */
  perPlatform(): Record<CapturePlatform, number> {
    const out: Record<CapturePlatform, number> = { discord: 0, slack: 0 };
    for (const [c, s] of this.communities) out[c.slice(0, c.indexOf(':')) as CapturePlatform] += s.messages.size;
    return out;
  }

  count(c: CommunityKey): number {
    return this.communities.get(c)?.messages.size ?? 0;
  }

  /** How many messages a community has captured from each channel. */
  perChannel(c: CommunityKey): Map<string, number> {
    const out = new Map<string, number>();
    for (const m of this.communities.get(c)?.messages.values() ?? []) out.set(m.channel, (out.get(m.channel) ?? 0) + 1);
    return out;
  }
}

/** Removes a community's messages that match; returns their ids. */
function removeWhere(s: CommunityState, match: (m: CapturedMessage) => boolean): string[] {
  const gone: string[] = [];
  for (const [id, m] of s.messages) {
    if (!match(m)) continue;
    s.messages.delete(id);
    gone.push(id);
  }
  return gone;
}
