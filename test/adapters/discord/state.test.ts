// Button state: kept in the custom_id when it fits, in the store when it does not, and expiring cleanly.
import { describe, expect, test } from 'vitest';
import { buttonIds, decodeButton, nextView, type AnswerState } from '../../../adapters/discord/state.ts';
import { memoryStore } from '../../../src/service/store.ts';

const NOW = Date.UTC(2026, 0, 1);
const DAY = 24 * 3600_000;

describe('button custom_ids', () => {
  test('a short query travels inside the custom_id, so nothing needs to be stored', async () => {
    const store = memoryStore();
    const id = (await buttonIds(store, { kind: 'crux', query: 'remote work', source: null, limit: 5 }, NOW))('more', { pos: 1, off: 5, ex: -1 });
    expect(id).toBe(`cx1:m:c:1:5:0:5:${Math.floor(NOW / 1000).toString(36)}:qremote work`);
    // Even a brand-new store (after a restart) reads it back.
    expect(await decodeButton(memoryStore(), id, NOW + DAY)).toEqual({
      ok: true,
      pressed: { action: 'more', state: { kind: 'crux', query: 'remote work', source: null, limit: 5, view: { pos: 1, off: 5, ex: -1 } } },
    });
  });

  test('a long query or a source filter is stored under a short key, and the id stays within 100 characters', async () => {
    const store = memoryStore();
    const state: Omit<AnswerState, 'view'> = { kind: 'find', query: 'why '.repeat(100), source: 'Garden', limit: 50 };
    const make = await buttonIds(store, state, NOW);
    const id = make('exchange', { pos: 12, off: 45, ex: 3 });
    expect(id.length).toBeLessThanOrEqual(100);
    expect(id).toMatch(/^cx1:x:f:12:45:4:50:[0-9a-z]+:k[\w-]{12}$/);
    const back = await decodeButton(store, id, NOW);
    expect(back).toEqual({ ok: true, pressed: { action: 'exchange', state: { ...state, view: { pos: 12, off: 45, ex: 3 } } } });
  });

  test('a query with a colon or unusual characters comes back exactly', async () => {
    const store = memoryStore();
    const query = 'a:b "c" ü 🙂';
    const id = (await buttonIds(store, { kind: 'crux', query, source: null, limit: 3 }, NOW))('next', { pos: 1, off: 0, ex: -1 });
    const back = await decodeButton(store, id, NOW);
    expect(back.ok && back.pressed.state.query).toBe(query);
  });

  test('buttons expire a week after the answer was last used, or when the stored state is gone', async () => {
    const store = memoryStore();
    const inline = (await buttonIds(store, { kind: 'crux', query: 'x', source: null, limit: 5 }, NOW))('more', { pos: 0, off: 5, ex: -1 });
    expect((await decodeButton(store, inline, NOW + 6 * DAY)).ok).toBe(true);
    expect(await decodeButton(store, inline, NOW + 8 * DAY)).toEqual({ ok: false, why: 'expired' });

    const keyed = (await buttonIds(store, { kind: 'crux', query: 'x', source: 'y', limit: 5 }, NOW))('more', { pos: 0, off: 5, ex: -1 });
    expect(await decodeButton(memoryStore(), keyed, NOW)).toEqual({ ok: false, why: 'expired' });
  });

  test('ids from another version or another app are not mistaken for state', async () => {
    expect(await decodeButton(memoryStore(), 'cx0:m:0:5', NOW)).toEqual({ ok: false, why: 'expired' });
    expect(await decodeButton(memoryStore(), 'poll:yes', NOW)).toEqual({ ok: false, why: 'malformed' });
  });
});

describe('where a button leads', () => {
  test('positions step, passages page on, exchanges cycle and close', () => {
    const v = { pos: 1, off: 5, ex: -1 };
    expect(nextView('prev', v, { passages: 5, exchanges: 2 })).toEqual({ pos: 0, off: 5, ex: -1 });
    expect(nextView('prev', { ...v, pos: 0 }, { passages: 5, exchanges: 2 })).toEqual({ pos: 0, off: 5, ex: -1 });
    expect(nextView('next', v, { passages: 5, exchanges: 2 })).toEqual({ pos: 2, off: 5, ex: -1 });
    expect(nextView('more', v, { passages: 4, exchanges: 2 })).toEqual({ pos: 1, off: 9, ex: -1 });
    expect(nextView('exchange', v, { passages: 5, exchanges: 2 })).toEqual({ pos: 1, off: 5, ex: 0 });
    expect(nextView('exchange', { ...v, ex: 1 }, { passages: 5, exchanges: 2 })).toEqual({ pos: 1, off: 5, ex: -1 });
    expect(nextView('post', v, { passages: 5, exchanges: 2 })).toEqual(v);
  });
});
