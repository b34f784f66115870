// Button state lives in the custom_id itself (so buttons keep working after a restart), or, when the query is too
// long for Discord's 100 characters, under a short key in the Store. Either way it expires after a while.
//
// Format: cx1:<action>:<kind>:<position>:<offset>:<exchange+1>:<limit>:<issued, base-36 seconds>:<payload>
// where kind is c (/crux) or f (Find the crux on a message), and
// payload is "q<query>" (the query inline) or "k<key>" (a Store key holding { query, source }).
import { randomBytes } from 'node:crypto';
import type { Store } from '../../src/service/store.ts';
import { LIMITS } from './fit.ts';

/** What a button does: previous/next position, more passages, cycle exchanges, post to the channel, correct a side. */
export type Action = 'prev' | 'next' | 'more' | 'exchange' | 'post' | 'correct';

const CODES: Record<Action, string> = { prev: 'p', next: 'n', more: 'm', exchange: 'x', post: 's', correct: 'c' };
const ACTIONS = Object.fromEntries(Object.entries(CODES).map(([a, c]) => [c, a as Action])) as Record<string, Action>;

/** Which part of an answer a message shows. */
export interface View {
  /** Index of the position shown in detail. */
  pos: number;
  /** Index of the first passage shown. */
  off: number;
  /** Index of the exchange shown, or -1 for none. */
  ex: number;
}

export const FIRST_VIEW: View = { pos: 0, off: 0, ex: -1 };

/** Everything needed to redo an answer: the query, its options, and where in the answer the reader is. */
export interface AnswerState {
  /** Which command made the answer: /crux, or "Find the crux" on a message. */
  kind: 'crux' | 'find';
  query: string;
  source: string | null;
  /** The filter options given with /crux (author, since, until, min-score), if any. */
  filters?: FilterOptions;
  limit: number;
  view: View;
}

/** /crux's filter options as typed, kept so buttons redo the same answer. */
export interface FilterOptions {
  author?: string;
  since?: string;
  until?: string;
  'min-score'?: number;
}

const hasFilterOptions = (f: FilterOptions | undefined): f is FilterOptions => !!f && Object.values(f).some((v) => v !== undefined);

export interface Pressed {
  action: Action;
  state: AnswerState;
}

export type Decoded = { ok: true; pressed: Pressed } | { ok: false; why: 'expired' | 'malformed' };

/** Answers stay interactive this long after the last press. */
export const BUTTON_TTL_MS = 7 * 24 * 3600_000;

const PREFIX = 'cx1';

/** Makes custom_ids for one rendered message; the Store key (if the query needs one) is written once. */
export async function buttonIds(
  store: Store,
  state: Omit<AnswerState, 'view'>,
  nowMs: number,
  ttlMs = BUTTON_TTL_MS,
): Promise<(action: Action, view: View) => string> {
  const issued = Math.floor(nowMs / 1000).toString(36);
  const head = (action: Action, v: View) => [PREFIX, CODES[action], state.kind === 'find' ? 'f' : 'c', v.pos, v.off, v.ex + 1, state.limit, issued].join(':') + ':';
  // The longest header any button of this message can have (positions/offsets below 1000 in practice).
  const worst = head('more', { pos: 999, off: 999, ex: 998 }).length;
  let payload = `q${state.query}`;
  if (state.source != null || hasFilterOptions(state.filters) || worst + payload.length > LIMITS.customId || /[\u0000-\u001f]/.test(state.query)) {
    const key = randomBytes(9).toString('base64url');
    const saved = hasFilterOptions(state.filters) ? { query: state.query, source: state.source, filters: state.filters } : { query: state.query, source: state.source };
    await store.set(`discord:answer:${key}`, saved, ttlMs);
    payload = `k${key}`;
  }
  return (action, view) => {
    const id = head(action, view) + payload;
    if (id.length > LIMITS.customId) throw new Error(`custom_id too long (${id.length})`);
    return id;
  };
}

/** Reads a custom_id back; an unknown format, an old one, or a Store key that is gone all count as expired. */
export async function decodeButton(store: Store, customId: string, nowMs: number, ttlMs = BUTTON_TTL_MS): Promise<Decoded> {
  const m = /^cx1:([a-z]):([cf]):(\d+):(\d+):(\d+):(\d+):([0-9a-z]+):([qk])(.*)$/s.exec(customId);
  if (!m) return { ok: false, why: customId.startsWith('cx') ? 'expired' : 'malformed' };
  const [, code, kind, pos, off, ex, limit, issued, how, payload] = m;
  const action = ACTIONS[code];
  if (!action) return { ok: false, why: 'expired' };
  if (nowMs - parseInt(issued, 36) * 1000 > ttlMs) return { ok: false, why: 'expired' };
  const base = { kind: kind === 'f' ? ('find' as const) : ('crux' as const), limit: Number(limit), view: { pos: Number(pos), off: Number(off), ex: Number(ex) - 1 } };
  if (how === 'q') return { ok: true, pressed: { action, state: { ...base, query: payload, source: null } } };
  const saved = await store.get<{ query: string; source: string | null; filters?: FilterOptions }>(`discord:answer:${payload}`);
  if (!saved) return { ok: false, why: 'expired' };
  const filters = hasFilterOptions(saved.filters) ? { filters: saved.filters } : {};
  return { ok: true, pressed: { action, state: { ...base, query: saved.query, source: saved.source, ...filters } } };
}

/** Where a button leads from the view it sits under. */
export function nextView(action: Action, v: View, shown: { passages: number; exchanges: number }): View {
  switch (action) {
    case 'prev':
      return { ...v, pos: Math.max(0, v.pos - 1) };
    case 'next':
      return { ...v, pos: v.pos + 1 };
    case 'more':
      return { ...v, off: v.off + shown.passages };
    case 'exchange':
      return { ...v, ex: v.ex + 1 < shown.exchanges ? v.ex + 1 : -1 };
    case 'post':
    case 'correct':
      return v;
  }
}
