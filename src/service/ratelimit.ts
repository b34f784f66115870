// Per-user and per-channel limits on answers, counted in the shared store so they hold across processes.
import type { Store } from './store.ts';

export interface RateLimit {
  /** How many answers per window. */
  max: number;
  windowMs: number;
}

export const DEFAULT_USER_LIMIT: RateLimit = { max: 6, windowMs: 60_000 };
export const DEFAULT_CHANNEL_LIMIT: RateLimit = { max: 20, windowMs: 60_000 };

export interface Verdict {
  ok: boolean;
  /** When not ok: roughly how long to wait, in seconds. */
  retryAfterS?: number;
  /** Which limit was hit. */
  scope?: 'user' | 'channel';
}

/** Counts one request against the user's and the channel's limits. */
export async function checkRate(
  store: Store,
  platform: string,
  who: { userId?: string; channelId?: string },
  limits: { user?: RateLimit; channel?: RateLimit } = {},
): Promise<Verdict> {
  const user = limits.user ?? DEFAULT_USER_LIMIT;
  const channel = limits.channel ?? DEFAULT_CHANNEL_LIMIT;
  if (who.userId) {
    const n = await store.hit(`rate:${platform}:user:${who.userId}`, user.windowMs);
    if (n > user.max) return rejected(platform, { ok: false, scope: 'user', retryAfterS: Math.ceil(user.windowMs / 1000) });
  }
  if (who.channelId) {
    const n = await store.hit(`rate:${platform}:channel:${who.channelId}`, channel.windowMs);
    if (n > channel.max) return rejected(platform, { ok: false, scope: 'channel', retryAfterS: Math.ceil(channel.windowMs / 1000) });
  }
  return { ok: true };
}

/** Told of every request turned away: metrics.ts counts them for /metrics (crux_rate_limited_total). A hook rather than
 *  an import, so the terminal prompt (which reaches this file through the commands) never loads prom-client. */
const rejectionListeners: Array<(platform: string, scope: 'user' | 'channel') => void> = [];

export function onRateLimited(listener: (platform: string, scope: 'user' | 'channel') => void): void {
  rejectionListeners.push(listener);
}

function rejected(platform: string, v: Verdict): Verdict {
  for (const listener of rejectionListeners) listener(platform, v.scope ?? 'user');
  return v;
}

export function slowDownMessage(v: Verdict): string {
  const where = v.scope === 'channel' ? 'This channel is asking' : 'You are asking';
  return `${where} faster than Crux answers. Please wait about ${v.retryAfterS ?? 60} seconds and try again.`;
}
