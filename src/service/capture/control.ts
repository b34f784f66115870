// Live capture as a community sees it: `/crux-config capture …` (channels on, off, purge), its line in the settings,
// `/crux forget-me`, and the backfill of a channel's recent history with progress for the admin who asked. A
// platform (adapters/discord/capture.ts, adapters/slack/capture.ts) supplies its channels and history as a source.
import type { ServedEngine } from '../../core/engine.ts';
import type { Store } from '../store.ts';
import { setSetting } from '../settings.ts';
import { UserError } from '../../errors.ts';
import type { CapturedMessage, CapturePlatform } from './message.ts';
import type { CaptureService } from './service.ts';
import type { Backfill } from './state.ts';

type Log = { info(msg: string, extra?: object): void; warn(msg: string, extra?: object): void; error(msg: string, extra?: object): void };

export interface HistoryPage {
  /** Messages of the channel (and its threads), in any order. */
  messages: CapturedMessage[];
  /** Where the next (older) page starts, or null when the history wanted is all fetched. */
  next: string | null;
}

/** A history request the platform refused for good (no access to the channel): the backfill stops and says why. */
export class HistoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HistoryError';
  }
}

export interface ResolvedChannels {
  found: Array<{ id: string; name: string }>;
  /** What was typed but names no channel Crux can capture, and why. */
  unknown: Array<{ word: string; why: string }>;
}

/** What a platform gives capture: its channels, their history, and whether it can capture at all. */
export interface CaptureSource {
  platform: CapturePlatform;
  /** Why this platform cannot capture right now (the Message Content intent is off), or null. */
  unavailable(): string | null;
  /** Channel mentions, ids or names as an admin typed them → channel ids. */
  resolve(community: string, words: string[]): Promise<ResolvedChannels>;
  /** How a channel is written in a reply so that it shows as a link ("<#123>"). */
  mention(channel: string): string;
  /** One page of a channel's history (its threads' too), older than `cursor` and not older than `since` (ms). Throws HistoryError when refused for good. */
  history(community: string, channel: string, cursor: string | null, since: number): Promise<HistoryPage>;
  /** Does this process capture this community? (Discord: the guild is on this process's shards.) */
  serves(community: string): boolean;
}

/** Tells the admin who turned capture on how the backfill goes. `final`: the last report. */
export type Report = (text: string, final: boolean) => Promise<unknown> | void;

/** Live capture for one community, as the commands use it. */
export interface CaptureControl {
  /** `capture VALUE`: channels to capture, `off [channels]`, `purge [channels]`. Returns what to tell the admin. */
  configure(value: string, who: { userId?: string; engine: ServedEngine; report?: Report }): Promise<string>;
  /** The capture line of `/crux-config`. */
  describe(channels: string[] | null | undefined): string;
  /** `/crux forget-me` for this member. Returns what to tell them. */
  forget(user: string): Promise<string>;
  /** The engine to answer with: `base` plus what this community captured. */
  over<E extends ServedEngine>(base: E): E;
}

export interface PlatformCapture {
  control(community: string): CaptureControl;
  /** Resumes unfinished backfills of the communities this process serves, now and every 30 seconds after. */
  resume(): void;
  stop(): Promise<void>;
}

export interface PlatformCaptureOptions {
  store: Store;
  log: Log;
  /** Backfill: how many days back, and at most how many messages per channel (CRUX_CAPTURE_DAYS, CRUX_CAPTURE_MESSAGES). */
  backfillDays?: number;
  backfillMessages?: number;
  /** Least time between two progress reports to the admin. */
  reportEveryMs?: number;
  now?: () => number;
}

export const DEFAULT_BACKFILL_DAYS = 30;
export const DEFAULT_BACKFILL_MESSAGES = 10_000;
const LEASE_MS = 15_000;
const RESUME_EVERY_MS = 30_000;
const REPORT_EVERY_MS = 10_000;

const n = (x: number) => x.toLocaleString('en-US');

export function platformCapture(service: CaptureService, source: CaptureSource, o: PlatformCaptureOptions): PlatformCapture {
  const platform = source.platform;
  const now = o.now ?? Date.now;
  const days = o.backfillDays ?? DEFAULT_BACKFILL_DAYS;
  const max = o.backfillMessages ?? DEFAULT_BACKFILL_MESSAGES;
  const running = new Map<string, Promise<void>>();
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;

  const list = (ids: string[]) => ids.map((id) => source.mention(id)).join(', ');

  /** One line per channel: how its backfill stands. */
  function progressText(community: string, channels: string[]): string {
    return channels
      .map((ch) => {
        const b = service.backfill(platform, community, ch);
        const name = source.mention(ch);
        if (!b) return `${name}: waiting to fetch its history.`;
        if (b.error) return `${name}: history not fetched (${b.error}). New messages are still captured.`;
        if (b.done) return `${name}: history fetched, ${n(b.fetched)} messages (the last ${days} days, up to ${n(b.max)}).`;
        return `${name}: fetching history… ${n(b.fetched)} messages so far.`;
      })
      .join('\n');
  }

  /** Fetches the channels' history one channel after another (the platforms' rate limits are per route). */
  function backfill(community: string, channels: string[], report?: Report): Promise<void> {
    return (async () => {
      let last = 0;
      const tell = async (final: boolean) => {
        if (!report || (!final && now() - last < (o.reportEveryMs ?? REPORT_EVERY_MS))) return;
        last = now();
        try {
          await report(progressText(community, channels), final);
        } catch (e) {
          o.log.warn(`capture: could not report backfill progress: ${(e as Error).message}`);
        }
      };
      for (const ch of channels) await runOne(community, ch, () => tell(false));
      await tell(true);
    })();
  }

  async function runOne(community: string, channel: string, onPage: () => Promise<void>): Promise<void> {
    const key = `${community}\0${channel}`;
    const had = running.get(key);
    if (had) return had;
    // With state shared between processes, one of them fetches a channel's history: whoever holds the lease, which
    // lapses soon after its holder dies. A process alone with its store needs none (a lease left by its own crash
    // would only hold the backfill up).
    const shared = o.store.status?.().backend === 'redis';
    const lease = `capture:backfill:${platform}:${community}:${channel}`;
    if (shared && !(await o.store.claim(lease, LEASE_MS))) return;
    const renew = shared ? setInterval(() => void o.store.set(lease, 1, LEASE_MS).catch(() => undefined), LEASE_MS / 3) : null;
    renew?.unref();
    const run = (async () => {
      let b = service.backfill(platform, community, channel);
      try {
        while (b && !b.done && !stopped) {
          if (!(await service.channels(platform, community)).includes(channel)) return; // turned off meanwhile
          const page = await source.history(community, channel, b.cursor, b.since);
          const take = page.messages.slice(0, Math.max(0, b.max - b.fetched));
          await service.messages(platform, community, take);
          const fetched = b.fetched + take.length;
          b = { ...b, cursor: page.next, fetched, done: !page.next || fetched >= b.max };
          await service.progress(platform, community, b);
          await onPage();
        }
      } catch (e) {
        const why = (e as Error).message;
        if (e instanceof HistoryError && b) await service.progress(platform, community, { ...b, done: true, error: why });
        else o.log.warn(`capture: backfill of ${platform} channel ${channel} paused (${why}); it is retried within 30 seconds.`, { community });
      } finally {
        running.delete(key);
        if (renew) clearInterval(renew);
        if (shared) await o.store.delete(lease).catch(() => undefined);
      }
    })();
    running.set(key, run);
    return run;
  }

  function resumeNow(): void {
    for (const [c, s] of service.state.communities) {
      if (!c.startsWith(`${platform}:`)) continue;
      const community = c.slice(platform.length + 1);
      if (!source.serves(community)) continue;
      const open = [...s.backfills.values()].filter((b) => !b.done).map((b) => b.channel);
      if (!open.length) continue;
      void service.channels(platform, community).then((on) => {
        const todo = open.filter((ch) => on.includes(ch));
        if (todo.length && !stopped) return backfill(community, todo);
      });
    }
  }

  function control(community: string): CaptureControl {
    const where = (userId?: string) => ({ platform, communityId: community, userId });

    async function save(ids: string[], who: { userId?: string; engine: ServedEngine }): Promise<void> {
      await setSetting(o.store, who.engine, where(who.userId), 'capture', ids.length ? ids.join(' ') : 'off');
      // On disk before the admin is told (the embedded store otherwise writes within moments, which a crash can beat).
      await o.store.flush?.();
      service.settingsChanged(platform, community);
    }

    async function resolve(words: string[]): Promise<string[]> {
      const r = await source.resolve(community, words);
      if (r.unknown.length) {
        throw new UserError('BAD_OPTION', `${r.unknown.map((u) => `"${u.word.slice(0, 40)}": ${u.why}`).join('; ')}. Nothing was changed.`);
      }
      return [...new Set(r.found.map((f) => f.id))];
    }

    return {
      async configure(value, who) {
        const words = value.split(/[\s,]+/).filter(Boolean);
        // "default" (every setting takes it) and "none" mean off.
        const verb = (words[0]?.toLowerCase() ?? '').replace(/^(default|none)$/, 'off');
        const on = await service.channels(platform, community);
        if (verb === 'off' || verb === 'purge') {
          const named = words.length > 1 ? await resolve(words.slice(1)) : null;
          const keep = named ? on.filter((ch) => !named.includes(ch)) : [];
          await save(keep, who);
          const turnedOff = named ?? on;
          if (verb === 'off') {
            const kept = [...service.counts(platform, community).entries()].filter(([ch, k]) => turnedOff.includes(ch) && k > 0);
            const note = kept.length ? ` What was captured stays searchable; \`capture purge\` removes it.` : '';
            return turnedOff.length ? `Capture is off for ${list(turnedOff)}.${note}` : 'Capture was already off.';
          }
          const captured = [...service.counts(platform, community).keys()];
          const purged = named ?? [...new Set([...on, ...captured])];
          const gone = await service.purge(platform, community, purged);
          return `Capture is off${purged.length ? ` for ${list(purged)}` : ''}, and the ${n(gone)} messages captured there were removed.`;
        }
        const why = source.unavailable();
        if (why) throw new UserError('BAD_OPTION', why);
        if (!words.length) throw new UserError('BAD_OPTION', 'capture is a list of channels (e.g. #debates, #alignment), "off" or "purge".');
        const ids = await resolve(words);
        await save(ids, who);
        const fresh = ids.filter((ch) => !on.includes(ch) || !service.backfill(platform, community, ch));
        const since = now() - days * 86_400_000;
        for (const ch of fresh) {
          const b: Backfill = { channel: ch, cursor: null, fetched: 0, since, max, done: false, by: who.userId ?? null };
          await service.progress(platform, community, b);
        }
        const off = on.filter((ch) => !ids.includes(ch));
        if (fresh.length) void backfill(community, fresh, who.report);
        return [
          `Capturing ${list(ids)}: new messages there become searchable within seconds.`,
          fresh.length ? `Fetching the history of ${list(fresh)} (the last ${days} days, up to ${n(max)} messages each); progress follows here.` : '',
          off.length ? `No longer capturing ${list(off)}.` : '',
        ]
          .filter(Boolean)
          .join('\n');
      },
      describe(channels) {
        const why = source.unavailable();
        const counts = service.counts(platform, community);
        const on = channels ?? [];
        const parts = on.map((ch) => {
          const b = service.backfill(platform, community, ch);
          const history = b && !b.done ? `, fetching history (${n(b.fetched)} so far)` : b?.error ? `, history not fetched: ${b.error}` : '';
          return `${source.mention(ch)} (${n(counts.get(ch) ?? 0)} messages${history})`;
        });
        const kept = [...counts.entries()].filter(([ch, k]) => !on.includes(ch) && k > 0);
        const rest = kept.length ? `; kept from before: ${kept.map(([ch, k]) => `${source.mention(ch)} (${n(k)})`).join(', ')}` : '';
        const head = parts.length ? parts.join(', ') : 'off (default)';
        return `${why && on.length ? `NOT capturing: ${why} Set to ` : ''}${head}${rest}${why && !on.length ? ` (unavailable: ${why})` : ''}`;
      },
      async forget(user) {
        const gone = await service.forget(platform, community, user);
        return `Done: ${n(gone)} of your messages captured here ${gone === 1 ? 'was' : 'were'} removed, and your messages will not be captured from now on.`;
      },
      over: (base) => service.engineFor(platform, community, base),
    };
  }

  return {
    control,
    resume() {
      resumeNow();
      if (!timer) {
        timer = setInterval(resumeNow, RESUME_EVERY_MS);
        timer.unref();
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await Promise.allSettled([...running.values()]);
    },
  };
}
