// A filter on something the corpus does not record (author: on plain-text threads, min-score: without votes) is a
// mistake to explain, not an empty answer, on every front end: terminal and JSON exit 2, Discord and Slack reply.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { openEngine, type Engine } from '../../src/core/engine.ts';
import { startBot, type Bot } from '../adapters/discord/bot.ts';
import { httpHarness, slashReply, type Harness } from '../adapters/slack/helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'crux-unrecorded-'));
const corpus = join(dir, 'corpus');
const cache = join(dir, 'cache');

/** Each filter the corpus below cannot apply, and what the reply says. */
const CASES: Array<[string, string]> = [
  ['author:habryka hyperstition', 'This corpus records no authors, so author:habryka cannot narrow it.'],
  ['hyperstition min-score:5', 'This corpus records no scores, so min-score:5 cannot narrow it.'],
  ['hyperstition since:2024-03', 'This corpus records no dates, so since:2024-03-01 cannot narrow it.'],
];

let engine: Engine;
let cacheBefore: string | undefined;
beforeAll(() => {
  mkdirSync(corpus, { recursive: true });
  // Plain text with no sources.json: passages with neither author, date nor score.
  writeFileSync(join(corpus, 'thread.txt'), 'Hyperstition is a self-fulfilling prophecy.\nThe debate about hyperstition goes on.\n');
  engine = openEngine({ corpus, cacheDir: cache });
  // The terminal below runs in this process: its saved index goes to the temp folder, not the checkout's data/.cache.
  cacheBefore = process.env.CRUX_CACHE_DIR;
  process.env.CRUX_CACHE_DIR = cache;
});
afterAll(() => {
  if (cacheBefore === undefined) delete process.env.CRUX_CACHE_DIR;
  else process.env.CRUX_CACHE_DIR = cacheBefore;
  rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['--corpus', corpus, ...args], { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('a filter on a field the corpus does not record', () => {
  it.each(CASES)('"%s" in a terminal says so and exits 2', async (query, says) => {
    const r = await cli(['--', query]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(says);
    expect(r.out).toBe('');
  });

  it.each(CASES)('"%s" with --json is an error object UNRECORDED_FIELD, exit 2', async (query, says) => {
    const r = await cli(['--json', '--', query]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out).error).toEqual({ code: 'UNRECORDED_FIELD', message: says });
  });

  it('still answers the same topic without the filter', async () => {
    const r = await cli(['--json', 'hyperstition']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).passages.length).toBe(2);
  });

  describe('on Discord', () => {
    let bot: Bot;
    beforeAll(async () => {
      bot = await startBot({ engine });
    });
    afterAll(async () => bot?.stop());

    it.each(CASES)('"%s" typed in the topic is explained to the asker', async (query, says) => {
      const { data } = await bot.fake.finalReply(bot.fake.slash('crux', { topic: query }));
      expect(data.content).toBe(says);
      expect(data.embeds ?? []).toEqual([]);
    });

    it('the author option is explained the same way', async () => {
      const { data } = await bot.fake.finalReply(bot.fake.slash('crux', { topic: 'hyperstition', author: 'habryka' }));
      expect(data.content).toBe(CASES[0]![1]);
    });
  });

  describe('on Slack', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await httpHarness({ engine });
    });
    afterAll(async () => h?.close());

    it.each(CASES)('"%s" is explained to the asker', async (query, says) => {
      const body = await slashReply(h, query);
      expect(JSON.stringify(body)).toContain(says);
      expect(JSON.stringify(body)).not.toMatch(/reference/); // a friendly reply, not an apology for a bug
    });
  });
});
