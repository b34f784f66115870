// Hostile input through every front end (terminal, Discord, Slack): very long queries, control, zero-width and
// right-to-left characters, mention and markdown injection in queries and in corpus text. Each must get a clear
// reply that pings no one and keeps its layout.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { openEngine, type Engine } from '../../src/core/engine.ts';
import { startBot, type Bot } from '../adapters/discord/bot.ts';
import { httpHarness, type Harness } from '../adapters/slack/helpers.ts';
import { tempDir } from '../helpers/temp.ts';

const dir = tempDir('crux-hostile-');
const corpus = join(dir, 'corpus');
const cache = join(dir, 'cache');
const HOSTILE_CORPUS = [
  '@everyone the hyperstition debate is over, says <@123456789012345678> with <@&987654321098765432> in <#111111111111111111>.',
  '<!channel> <!here> <@U0ALICE> hyperstition is **not** a _real_ thing; see [this link](https://evil.example/phish) and `rm -rf /`.',
  '# Heading about hyperstition that should not become a heading',
  'Right-to-left \u202ehyperstition\u202c override, zero\u200bwidth and joiner\u200d inside a hyperstition sentence.',
];

const QUERIES: Record<string, string> = {
  'a 10,000-character query': 'hyperstition '.repeat(800).slice(0, 10_000),
  'control characters': '\u0000\u0007\u001b[2J hyperstition \u0008\u007f\u001b]0;pwned\u0007',
  'zero-width and right-to-left characters': '\u200bhyper\u200dstition\ufeff \u202edebate\u202c \u2067x\u2069',
  'mention injection': '@everyone <@123456789012345678> <!channel> <@U0ALICE> hyperstition',
  'markdown injection': '**hyperstition** [click](https://evil.example) `code` > quote # head ||spoiler||',
  'only control characters': '\u0000\u0001\u0002\u001b',
  'lone surrogates': 'hyper\ud800stition \udc00debate',
};

/** The one query left empty once control characters are removed: refused as a usage error. Every other is answered. */
const REFUSED = 'only control characters';

/** Characters that must never reach a user's screen from the query: terminal escapes, bells, bidi overrides, lone surrogates. */
const DANGEROUS = /[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

let engine: Engine;
let cacheBefore: string | undefined;
beforeAll(() => {
  mkdirSync(corpus, { recursive: true });
  writeFileSync(join(corpus, 'hostile.txt'), HOSTILE_CORPUS.join('\n') + '\n');
  writeFileSync(join(corpus, 'plain.txt'), 'Hyperstition is a self-fulfilling prophecy about the future.\nThe debate about hyperstition continues.\n');
  engine = openEngine({ corpus, cacheDir: cache });
  // The terminal below runs in this process: its saved index goes to the temp folder, not the checkout's data/.cache.
  cacheBefore = process.env.CRUX_CACHE_DIR;
  process.env.CRUX_CACHE_DIR = cache;
});
afterAll(() => {
  if (cacheBefore === undefined) delete process.env.CRUX_CACHE_DIR;
  else process.env.CRUX_CACHE_DIR = cacheBefore;
});

describe('the terminal, given hostile input', () => {
  for (const [what, q] of Object.entries(QUERIES)) {
    it(`answers ${what} clearly, with no control or bidi characters from the query in the output`, async () => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(['--corpus', corpus, '--no-color', '--', q], { out: (s) => out.push(s), err: (s) => err.push(s) });
      if (what === REFUSED) {
        expect(code).toBe(2);
        expect(out).toEqual([]);
        expect(err.join('\n')).toBe('Type a topic to look up, for example: hyperstition');
      } else {
        expect(code).toBe(0);
        expect(out.join('\n')).toContain('Hyperstition is a self-fulfilling prophecy about the future.');
      }
      const all = [...out, ...err].join('\n');
      expect(all).not.toMatch(/at .*\.ts:\d+/); // no stack trace
      expect(all.replace(/\u202ehyperstition\u202c/g, '')).not.toMatch(DANGEROUS); // only the corpus's own quote may carry them
    });
  }
});

describe('Discord, given hostile input', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot({ engine, adapter: { limits: { user: { max: 1000, windowMs: 60_000 }, channel: { max: 1000, windowMs: 60_000 } } } });
  });
  afterAll(async () => bot?.stop());

  for (const [what, q] of Object.entries(QUERIES)) {
    it(`answers ${what} with no pings and within Discord's limits`, async () => {
      const token = bot.fake.slash('crux', { topic: q });
      const reply = await bot.fake.finalReply(token);
      const calls = bot.fake.callsFor(token).filter((c) => c.body && (c.method === 'POST' || c.method === 'PATCH'));
      // Every message sent (a reply, or the edit after a deferral) forbids pings; a deferral itself carries none.
      const messages = calls.map((c) => (c.path.endsWith('/callback') ? c.body.data : c.body)).filter((d) => d && ('content' in d || 'embeds' in d));
      expect(messages.length).toBeGreaterThan(0);
      for (const m of messages) expect(m.allowed_mentions).toEqual({ parse: [] });
      // What people see (button custom_ids carry state, never shown): content and embeds.
      const text = JSON.stringify({ content: reply.data.content, embeds: reply.data.embeds });
      expect(text.length).toBeGreaterThan(0);
      expect(text).not.toMatch(/Sorry, Crux hit a problem/);
      // Mentions typed by a user or written in the corpus are shown escaped, never as live mentions.
      expect(text).not.toMatch(/(?<!\\\\)@everyone|(?<!\\\\)<@&?\d+>/);
    });
  }
});

describe('Slack, given hostile input', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await httpHarness({ engine });
  });
  afterAll(async () => h?.close());

  for (const [what, q] of Object.entries(QUERIES)) {
    it(`answers ${what} with no pings and a valid message`, async () => {
      const responseUrl = h.fake.responseUrl();
      const ack = await h.send.command(q, { responseUrl });
      expect(ack.status).toBe(200);
      const [call] = await h.fake.callsUntil((c) => c.path === new URL(responseUrl).pathname);
      const body = call.body;
      const json = JSON.stringify(body);
      expect(json).not.toMatch(/reference/); // not an apology
      // In mrkdwn (Crux's own words, the notification text), <!channel>, <!here> and <@U…> would notify: never raw.
      const mrkdwn: string[] = [body.text ?? ''];
      const walk = (x: unknown): void => {
        if (Array.isArray(x)) x.forEach(walk);
        else if (x && typeof x === 'object') {
          const o = x as Record<string, unknown>;
          if (o.type === 'mrkdwn' && typeof o.text === 'string') mrkdwn.push(o.text);
          Object.values(o).forEach(walk);
        }
      };
      walk(body.blocks);
      for (const m of mrkdwn) expect(m).not.toMatch(/<!(channel|here|everyone)>|<@U/);
      expect((body.blocks ?? []).length).toBeLessThanOrEqual(50);
      expect(body.link_names).not.toBe(true);
    });
  }
});
