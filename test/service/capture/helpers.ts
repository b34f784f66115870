// Shared by the capture tests: temporary folders removed after each test, a small base corpus, captured messages.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openEngine, type Engine } from '../../../src/core/engine.ts';
import type { CapturedMessage } from '../../../src/service/capture/message.ts';
import { incrementalCorpora, type CapturedCorpora } from '../../../src/service/capture/searchable.ts';
import { liveUpdates } from '../../../src/service/updates.ts';

/** The searchable captured corpora the capture tests use: each community's messages in its own scope of every engine. */
export const testCorpora = (): CapturedCorpora => incrementalCorpora(liveUpdates());

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh folder, removed after the test. */
export function tempDir(prefix = 'crux-capture-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

/** The corpus a community chose (the base its captured messages are searched with): two lines about gardening. */
export function baseEngine(): Engine {
  const dir = tempDir();
  writeFileSync(join(dir, 'garden.txt'), 'Compost makes the soil rich and dark.\nTomatoes need full sun and steady water.\n');
  return openEngine({ corpus: join(dir, 'garden.txt'), cacheDir: join(dir, 'cache') });
}

let seq = 0;

/** A captured message; `text` and anything else may be given. */
export function message(o: Partial<CapturedMessage> & { text: string }): CapturedMessage {
  const id = o.id ?? String(900000000000000000n + BigInt(++seq));
  return {
    id,
    channel: 'C1',
    title: '#debates',
    thread: o.channel ?? 'C1',
    parent: null,
    authorId: 'U1',
    author: 'Alice',
    at: '2026-11-20T10:00:00.000Z',
    version: Date.parse('2026-11-20T10:00:00.000Z'),
    url: `https://discord.com/channels/G1/C1/${id}`,
    ...o,
  };
}

/** The passage texts an answer quotes. */
export const quoted = (e: Engine, q: string): string[] => e.ask(q).passages.map((p) => p.text);

/** Polls until `pred` holds (events travel over loopback sockets, other processes, timers), else fails naming `what`. */
export async function until<T>(pred: () => T | Promise<T>, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
