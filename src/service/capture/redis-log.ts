// The capture log in a Redis stream, for processes that share state (CRUX_STORE_URL=redis://…). Every process
// replays the stream on start and then follows it (a blocking XREAD on its own connection), so an entry written by
// one process reaches every process's index within moments. Removal (deletions, purge, forget-me) erases the
// entries that held the text (XDEL); Redis's own persistence (appendonly) decides what survives a crash of Redis.
import { randomUUID } from 'node:crypto';
import { createClient } from '@keyv/redis';
import { safeUrl } from '../store.ts';
import type { CaptureLog, ReplayStats } from './log.ts';
import type { CaptureEntry } from './state.ts';

type Client = ReturnType<typeof createClient>;
type Raw = Array<[string, string[]]>;

const PAGE = 2_000;
const BLOCK_MS = 2_000;

export interface RedisLogOptions {
  /** Key prefix shared with the store (CRUX_STORE_PREFIX, default "crux"). */
  prefix?: string;
  warn?(msg: string): void;
}

const entryOf = (fields: string[]): CaptureEntry | null => {
  const i = fields.indexOf('e');
  if (i < 0) return null;
  try {
    return JSON.parse(fields[i + 1]);
  } catch {
    return null;
  }
};

export async function redisCaptureLog(url: string, o: RedisLogOptions = {}): Promise<CaptureLog> {
  const key = `${o.prefix ?? 'crux'}:capture:log`;
  const client: Client = createClient({ url, socket: { connectTimeout: 2_000, reconnectStrategy: (n: number) => Math.min(100 * 2 ** n, 2_000) } });
  client.on('error', () => {}); // reconnects on its own; failed writes are reported by append()
  await client.connect();
  /** The last entry this process has applied: following resumes after it. */
  let last = '0-0';
  /** Marks the entries this process writes (and applies itself): following skips them. */
  const me = randomUUID();
  let reader: Client | null = null;
  let stopped = false;

  return {
    location: `${safeUrl(url)} ${key}`,
    shared: true,
    async replay(apply): Promise<ReplayStats> {
      let from = '-';
      let entries = 0;
      let skipped = 0;
      for (;;) {
        const page = (await client.sendCommand(['XRANGE', key, from, '+', 'COUNT', String(PAGE)])) as Raw;
        for (const [id, fields] of page) {
          const e = entryOf(fields);
          if (e) {
            apply(e, id);
            entries++;
          } else skipped++;
          last = id;
        }
        if (page.length < PAGE) break;
        from = `(${last}`;
      }
      if (skipped) o.warn?.(`The capture stream ${key} had ${skipped} unreadable entries; they were skipped.`);
      return { entries, skipped };
    },
    async append(entries) {
      const multi = client.multi();
      for (const e of entries) multi.addCommand(['XADD', key, '*', 'e', JSON.stringify(e), 'w', me]);
      return (await multi.exec()) as unknown as string[];
    },
    follow(apply) {
      reader = client.duplicate();
      reader.on('error', () => {});
      const r = reader;
      void (async () => {
        await r.connect();
        while (!stopped) {
          let got: Array<[string, Raw]> | null;
          try {
            got = (await r.sendCommand(['XREAD', 'COUNT', String(PAGE), 'BLOCK', String(BLOCK_MS), 'STREAMS', key, last])) as Array<[string, Raw]> | null;
          } catch (e) {
            if (stopped) break;
            o.warn?.(`Reading the capture stream failed (${(e as Error).message}); retrying.`);
            await new Promise((ok) => setTimeout(ok, 1_000));
            continue;
          }
          for (const [, page] of got ?? []) {
            for (const [id, fields] of page) {
              last = id;
              if (fields[fields.indexOf('w') + 1] === me) continue;
              const e = entryOf(fields);
              if (e) apply(e, id);
            }
          }
        }
      })().catch((e) => stopped || o.warn?.(`Stopped following the capture stream: ${(e as Error).message}`));
      return () => {
        stopped = true;
      };
    },
    async compact(_live, garbage) {
      for (let i = 0; i < garbage.length; i += 500) await client.sendCommand(['XDEL', key, ...garbage.slice(i, i + 500)]);
    },
    async close() {
      stopped = true;
      // A blocked XREAD ends when its connection does.
      reader?.destroy();
      await client.close().catch(() => client.destroy());
    },
  };
}
