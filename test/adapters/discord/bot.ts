// Starts the real Discord adapter (real discord.js Client, real keyv store) against a FakeDiscord, over a fixture corpus.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDiscord, type DiscordAdapterOptions } from '../../../adapters/discord/index.ts';
import type { RunningAdapter } from '../../../adapters/index.ts';
import { readConfig } from '../../../src/config.ts';
import { openEngine, type Engine, type ServedEngine } from '../../../src/core/engine.ts';
import type { EngineChooser } from '../../../src/service/engines.ts';
import { memoryStore, type Store } from '../../../src/service/store.ts';
import type { CaptureService } from '../../../src/service/capture/service.ts';
import { APP_ID, FAKE_TOKEN, FakeDiscord } from './fake-discord.ts';
import { tempDir } from '../../helpers/temp.ts';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'discord');
export const BASIC = join(FIXTURES, 'basic');
export const OVERFLOW = join(FIXTURES, 'overflow');
export { FAKE_TOKEN };

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  msg: string;
  extra?: any;
}

export interface Bot {
  fake: FakeDiscord;
  engine: ServedEngine;
  store: Store;
  logs: LogLine[];
  running: RunningAdapter;
  /** Starts a second adapter on the same fake and store, as after a restart. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const engines = new Map<string, Engine>();
/** Saved indexes of the fixture corpora, removed after the test file. */
const cacheDir = tempDir('crux-discord-test-');

/** One engine per fixture corpus for the whole test file (opening is the slow part). */
export function engineFor(corpus: string): Engine {
  let e = engines.get(corpus);
  if (!e) {
    e = openEngine({ corpus, cacheDir });
    engines.set(corpus, e);
  }
  return e;
}

/** An engine of its own (records added while serving stay in it): for tests that add some. */
export function freshEngine(corpus: string = BASIC): Engine {
  return openEngine({ corpus, cacheDir });
}

export async function startBot(
  o: {
    corpus?: string;
    engine?: ServedEngine;
    engines?: EngineChooser;
    env?: Record<string, string>;
    adapter?: DiscordAdapterOptions;
    fake?: FakeDiscord;
    store?: Store;
    /** Live capture: where the adapter hands captured messages (none: capture is not offered). */
    capture?: CaptureService;
  } = {},
): Promise<Bot> {
  const fake = o.fake ?? (await FakeDiscord.start());
  const engine = o.engine ?? engineFor(o.corpus ?? BASIC);
  const store = o.store ?? memoryStore();
  const logs: LogLine[] = [];
  const log = {
    info: (msg: string, extra?: object) => logs.push({ level: 'info', msg, extra }),
    warn: (msg: string, extra?: object) => logs.push({ level: 'warn', msg, extra }),
    error: (msg: string, extra?: object) => logs.push({ level: 'error', msg, extra }),
  };
  const config = readConfig({ DISCORD_TOKEN: FAKE_TOKEN, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: fake.apiUrl, ...o.env });
  const start = () => startDiscord({ engine, engines: o.engines, store, config, log, capture: o.capture }, { readyTimeoutMs: 10_000, ...o.adapter });
  const bot: Bot = {
    fake,
    engine,
    store,
    logs,
    running: await start(),
    async restart() {
      await bot.running.stop();
      bot.running = await start();
    },
    async stop() {
      await bot.running.stop();
      if (!o.fake) await fake.close();
    },
  };
  return bot;
}

/** Every paragraph of a fixture corpus folder, as raw text (for verbatim checks). */
export function corpusText(dir: string): string {
  return readdirSync(dir)
    .map((f) => {
      const raw = readFileSync(join(dir, f), 'utf8');
      // JSONL texts are JSON-escaped on disk: compare against the decoded strings.
      return f.endsWith('.jsonl')
        ? raw
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l).text)
            .join('\n\n')
        : raw;
    })
    .join('\n\n');
}

/** What a reader sees of a markdown string Crux produced: escapes and our bold markers removed. */
export function seen(markdown: string): string {
  let out = '';
  for (let i = 0; i < markdown.length; i++) {
    const c = markdown[i];
    if (c === '\\' && i + 1 < markdown.length) {
      out += markdown[++i];
    } else if (c === '*' && markdown[i + 1] === '*') {
      i++;
    } else out += c;
  }
  return out;
}

/** The quote lines of a field value ("> …" lines), as seen by a reader. */
export function quoteOf(fieldValue: string): string {
  return seen(
    fieldValue
      .split('\n')
      .filter((l) => l.startsWith('> '))
      .map((l) => l.slice(2))
      .join('\n'),
  );
}

/** True when every piece of a quote between "…" marks is an exact substring of the corpus. */
export function isVerbatim(quote: string, corpus: string): boolean {
  return quote
    .split('…')
    .map((p) => p.trim())
    .filter(Boolean)
    .every((p) => corpus.includes(p));
}
