// Live capture: messages from the channels a community turned on become its corpus as it talks. Adapters hand
// platform-neutral messages and deletions here; each is checked (channel on, member not forgotten, not older than
// what is held), written to the capture log, then applied to the state and the searchable corpus. Nothing counts as
// captured before the log has it.
import type { ServedEngine } from '../../core/engine.ts';
import type { Store } from '../store.ts';
import { getSettings } from '../settings.ts';
import type { CaptureLog } from './log.ts';
import { CaptureState, type Backfill, type CaptureEntry, type Change } from './state.ts';
import { capText, communityKey, hasText, MAX_MESSAGE_CHARS, type CapturedMessage, type CapturePlatform, type CommunityKey } from './message.ts';
import type { CapturedCorpora } from './searchable.ts';
import { recordCapture } from '../metrics.ts';

type Log = { info(msg: string, extra?: object): void; warn(msg: string, extra?: object): void; error(msg: string, extra?: object): void };

/** What became of one message or deletion handed to capture. Every input has one, and tests name them. */
export type Outcome =
  | 'captured'
  /** Its channel is not captured (never turned on, turned off, or unknown). */
  | 'off'
  /** Its author asked to be forgotten. */
  | 'forgotten'
  /** It was deleted already (an edit or a backfill page arriving after the deletion). */
  | 'deleted'
  /** A newer version is held already (events out of order, a retried event). */
  | 'stale'
  /** No text (only embeds, attachments or stickers): nothing to search; an earlier version is removed. */
  | 'empty'
  | 'removed'
  /** A deletion of a message never captured, in a channel not captured. */
  | 'unknown';

export interface CaptureOptions {
  log: CaptureLog;
  store: Store;
  corpora: CapturedCorpora;
  logger: Log;
  /** How long a community's capture setting is trusted before it is read again (other processes may change it). */
  settingsTtlMs?: number;
  /** How long after a deletion its text is compacted out of the log. */
  compactDelayMs?: number;
  now?: () => number;
}

export interface CaptureService {
  /** Replays the log (and, when shared, follows other processes' entries). Call once, before events arrive. */
  start(): Promise<void>;
  /** A message posted, edited or fetched by backfill. */
  message(platform: CapturePlatform, community: string, m: CapturedMessage): Promise<Outcome>;
  /** Several at once (a backfill page): one log write. */
  messages(platform: CapturePlatform, community: string, ms: CapturedMessage[]): Promise<Outcome[]>;
  /** Messages deleted (one, or a bulk delete). `channel`: where, when known (a deletion in a captured channel is remembered even before the message is seen). */
  deleted(platform: CapturePlatform, community: string, ids: string[], channel: string | null): Promise<Outcome[]>;
  /** A whole thread deleted (Discord sends no deletion for its messages): its captured messages go. Returns how many. */
  threadDeleted(platform: CapturePlatform, community: string, thread: string): Promise<number>;
  /** The channels a community captures (its `capture` setting), read through a short cache. */
  channels(platform: CapturePlatform, community: string): Promise<string[]>;
  /** The setting changed here: drop the cached value at once. */
  settingsChanged(platform: CapturePlatform, community: string): void;
  /** Removes what was captured from these channels (`capture purge`). Returns how many messages went. */
  purge(platform: CapturePlatform, community: string, channels: string[]): Promise<number>;
  /** `/crux forget-me`: removes the member's captured messages and keeps their later ones out. Returns how many went. */
  forget(platform: CapturePlatform, community: string, user: string): Promise<number>;
  /** Is this member forgotten here? */
  isForgotten(platform: CapturePlatform, community: string, user: string): boolean;
  /** The engine a community's questions run on: `base` with its captured messages (just `base` when it has none). */
  engineFor<E extends ServedEngine>(platform: CapturePlatform, community: string, base: E): E;
  /** Messages captured per channel. */
  counts(platform: CapturePlatform, community: string): Map<string, number>;
  /** Records how far a channel's backfill got (durably: a restart resumes from there). */
  progress(platform: CapturePlatform, community: string, b: Backfill): Promise<void>;
  /** How far a channel's backfill got, if one was started. */
  backfill(platform: CapturePlatform, community: string, channel: string): Backfill | undefined;
  readonly state: CaptureState;
  close(): Promise<void>;
}

const SETTINGS_TTL_MS = 2_000;
const COMPACT_DELAY_MS = 60_000;

export function captureService(o: CaptureOptions): CaptureService {
  const state = new CaptureState();
  const now = o.now ?? Date.now;
  const ttl = o.settingsTtlMs ?? SETTINGS_TTL_MS;
  const cached = new Map<string, { at: number; channels: Promise<string[]> }>();
  let stopFollowing: (() => void) | null = null;
  let compactTimer: NodeJS.Timeout | null = null;
  let compacting: Promise<void> | null = null;
  let closed = false;

  /** Applies one entry (written here, or read from a shared log) to the state and the searchable corpus. */
  const apply = (e: CaptureEntry, ref?: string): Change => {
    const change = state.apply(e, ref);
    if (change.put.length) o.corpora.put(change.c, change.put);
    if (change.removed.length) o.corpora.remove(change.c, change.removed);
    return change;
  };

  /** Writes entries durably, then applies them. */
  async function write(entries: CaptureEntry[]): Promise<Change[]> {
    if (!entries.length) return [];
    const refs = await o.log.append(entries);
    const before = state.superseded;
    const changes = entries.map((e, i) => apply(e, refs[i]));
    // An edit or a deletion left old text in the log: take it out soon.
    if (state.superseded > before && entries.some((e) => e.op === 'put' || e.op === 'del')) scheduleCompaction();
    return changes;
  }

  function scheduleCompaction(delay = o.compactDelayMs ?? COMPACT_DELAY_MS): void {
    if (compactTimer || closed) return;
    compactTimer = setTimeout(() => {
      compactTimer = null;
      void compact();
    }, delay);
    compactTimer.unref();
  }

  /** Takes deleted and forgotten text out of the log. */
  async function compact(): Promise<void> {
    if (compacting) return compacting;
    const garbage = state.garbage;
    state.garbage = [];
    compacting = o.log
      .compact(() => state.entries(now()), garbage)
      .then(() => {
        state.superseded = 0;
      })
      .catch((e) => {
        state.garbage.push(...garbage);
        o.logger.error(`capture: could not compact the capture log ${o.log.location}: ${(e as Error).message}`);
      })
      .finally(() => {
        compacting = null;
      });
    return compacting;
  }

  async function channels(platform: CapturePlatform, community: string): Promise<string[]> {
    const key = communityKey(platform, community);
    const hit = cached.get(key);
    if (hit && now() - hit.at < ttl) return hit.channels;
    const read = getSettings(o.store, platform, community).then((s) => s.capture ?? []);
    cached.set(key, { at: now(), channels: read });
    read.catch(() => cached.delete(key));
    return read;
  }

  /** The outcome of a message before it is written; null when it is to be written. */
  async function check(c: CommunityKey, m: CapturedMessage, on: string[]): Promise<Outcome | 'remove' | null> {
    if (!on.includes(m.channel)) return 'off';
    const refused = state.refuses(c, m);
    if (refused) return refused;
    if (!hasText(m.text)) return state.of(c).messages.has(m.id) ? 'remove' : 'empty';
    return null;
  }

  /** Counts outcomes for /metrics (crux_capture_events_total). */
  async function counted(platform: CapturePlatform, outcomes: Promise<Outcome[]>): Promise<Outcome[]> {
    const out = await outcomes;
    for (const x of out) recordCapture(platform, x);
    return out;
  }

  async function messages(platform: CapturePlatform, community: string, ms: CapturedMessage[]): Promise<Outcome[]> {
    const c = communityKey(platform, community);
    const on = await channels(platform, community);
    const outcomes: Outcome[] = [];
    const entries: CaptureEntry[] = [];
    /** The entry written for each message, or -1. */
    const slot: number[] = [];
    for (const m of ms) {
      const why = await check(c, m, on);
      slot.push(why === 'remove' || !why ? entries.length : -1);
      if (why === 'remove') entries.push({ op: 'del', c, id: m.id, at: now() });
      else if (!why) entries.push({ op: 'put', c, m: m.text.length > MAX_MESSAGE_CHARS ? { ...m, text: capText(m.text) } : m });
      outcomes.push(why === 'remove' ? 'empty' : (why ?? 'captured'));
    }
    const changes = await write(entries);
    // A put refused when applied (a deletion or a newer version arrived meanwhile) reports why.
    outcomes.forEach((out, i) => {
      if (out === 'captured' && !changes[slot[i]].put.length) outcomes[i] = state.refuses(c, ms[i]) ?? 'stale';
    });
    return outcomes;
  }

  return {
    state,
    async start() {
      const stats = await o.log.replay((e, ref) => apply(e, ref));
      if (stats.entries) o.logger.info(`capture: replayed ${stats.entries} entries from ${o.log.location}`, { skipped: stats.skipped });
      if (o.log.follow) stopFollowing = o.log.follow((e, ref) => apply(e, ref));
      if (state.superseded || state.garbage.length) scheduleCompaction(1_000);
    },
    channels,
    settingsChanged(platform, community) {
      cached.delete(communityKey(platform, community));
    },
    message: async (platform, community, m) => (await counted(platform, messages(platform, community, [m])))[0],
    messages: (platform, community, ms) => counted(platform, messages(platform, community, ms)),
    async deleted(platform, community, ids, channel) {
      const c = communityKey(platform, community);
      const s = state.of(c);
      const on = channel ? (await channels(platform, community)).includes(channel) : false;
      const outcomes: Outcome[] = [];
      const entries: CaptureEntry[] = [];
      for (const id of ids) {
        if (s.messages.has(id) || (on && !s.deleted.has(id))) {
          entries.push({ op: 'del', c, id, at: now() });
          outcomes.push('removed');
        } else outcomes.push(s.deleted.has(id) ? 'deleted' : 'unknown');
      }
      await write(entries);
      return counted(platform, Promise.resolve(outcomes));
    },
    async threadDeleted(platform, community, thread) {
      const c = communityKey(platform, community);
      const ids = [...state.of(c).messages.values()].filter((m) => m.thread === thread).map((m) => m.id);
      await write(ids.map((id) => ({ op: 'del', c, id, at: now() })));
      return ids.length;
    },
    async purge(platform, community, chs) {
      const c = communityKey(platform, community);
      // Only channels that gave something (a deleted channel Crux never captured writes nothing, and compacts nothing).
      const s = state.communities.get(c);
      const held = new Set([...(s?.messages.values() ?? [])].map((m) => m.channel));
      const todo = chs.filter((ch) => held.has(ch) || s?.backfills.has(ch));
      if (!todo.length) return 0;
      const changes = await write(todo.map((channel) => ({ op: 'purge', c, channel })));
      await compact();
      return changes.reduce((n, ch) => n + ch.removed.length, 0);
    },
    async forget(platform, community, user) {
      const c = communityKey(platform, community);
      const [change] = await write([{ op: 'forget', c, user }]);
      await compact();
      return change.removed.length;
    },
    isForgotten: (platform, community, user) => state.communities.get(communityKey(platform, community))?.forgotten.has(user) ?? false,
    engineFor: (platform, community, base) => o.corpora.over(communityKey(platform, community), base),
    counts: (platform, community) => state.perChannel(communityKey(platform, community)),
    async progress(platform, community, b) {
      await write([{ op: 'backfill', c: communityKey(platform, community), ...b }]);
    },
    backfill: (platform, community, channel) => state.communities.get(communityKey(platform, community))?.backfills.get(channel),
    async close() {
      closed = true;
      stopFollowing?.();
      if (compactTimer) clearTimeout(compactTimer);
      await compacting;
      await o.log.close();
    },
  };
}
