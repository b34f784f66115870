// What an answer on Slack is showing, carried in its buttons' value so a click can redraw or post it.
// Button values hold at most 2000 characters; a larger state (a long message used as the query) is kept in the store.
import { randomUUID } from 'node:crypto';
import type { Store } from '../../src/service/store.ts';

export interface View {
  /** The query as typed (or the message text, for "Find the crux"). */
  q: string;
  limit?: number;
  source?: string;
  /** Index of the position whose quotes are shown. */
  pos: number;
  /** Index of the exchange shown, or -1 for none. */
  ex: number;
  /** Where "Post" sends it: the channel (slash command, via response_url) or a thread (chat.postMessage). */
  origin: 'channel' | 'thread';
  channel?: string;
  thread?: string;
}

export const MAX_BUTTON_VALUE = 2000;
/** How long a stored (oversized) state lives: clicks after that get "this answer has expired". */
export const STATE_TTL_MS = 7 * 24 * 3600_000;

const REF = 'ref:';

function compact(v: View): string {
  return JSON.stringify({
    q: v.q,
    l: v.limit,
    s: v.source,
    p: v.pos || undefined,
    x: v.ex >= 0 ? v.ex : undefined,
    o: v.origin === 'thread' ? 't' : undefined,
    c: v.channel,
    t: v.thread,
  });
}

function expand(s: string): View | null {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(s);
  } catch {
    return null;
  }
  if (!o || typeof o !== 'object' || typeof o.q !== 'string') return null;
  const num = (x: unknown) => (typeof x === 'number' && Number.isInteger(x) && x >= 0 ? x : undefined);
  const str = (x: unknown) => (typeof x === 'string' && x ? x : undefined);
  return {
    q: o.q,
    limit: num(o.l),
    source: str(o.s),
    pos: num(o.p) ?? 0,
    ex: num(o.x) ?? -1,
    origin: o.o === 't' ? 'thread' : 'channel',
    channel: str(o.c),
    thread: str(o.t),
  };
}

/** The button value for a view: the view itself when it fits, else a reference to it in the store. */
export async function encodeView(v: View, store: Store): Promise<string> {
  const s = compact(v);
  if (s.length <= MAX_BUTTON_VALUE) return s;
  const id = randomUUID();
  await store.set(`slack:view:${id}`, s, STATE_TTL_MS);
  return REF + id;
}

/** The view behind a button value, or null when it is unreadable or has expired from the store. */
export async function decodeView(value: string | undefined, store: Store): Promise<View | null> {
  if (!value) return null;
  if (value.startsWith(REF)) {
    const s = await store.get<string>(`slack:view:${value.slice(REF.length)}`);
    return typeof s === 'string' ? expand(s) : null;
  }
  return expand(value);
}
