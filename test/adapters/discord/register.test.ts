// `crux register`: the neutral command definitions become one bulk overwrite, guild-scoped when DISCORD_GUILD_ID is set.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { discordCommands, runRegister } from '../../../adapters/discord/register.ts';
import { commands } from '../../../commands/index.ts';
import { readConfig } from '../../../src/config.ts';
import { APP_ID, FakeDiscord, GUILD_ID } from './fake-discord.ts';
import { FAKE_TOKEN } from './bot.ts';

describe('registration payload', () => {
  test('is generated from commands/: /crux with its options, the message command, /crux-help', () => {
    const core = commands.filter((c) => ['crux', 'find-crux', 'crux-help'].includes(c.name));
    expect(discordCommands(core)).toMatchInlineSnapshot(`
      [
        {
          "contexts": [
            0,
          ],
          "description": "Find the crux of a topic: verbatim passages, positions and exchanges",
          "integration_types": [
            0,
          ],
          "name": "crux",
          "options": [
            {
              "autocomplete": true,
              "description": "What to look up, e.g. hyperstition",
              "max_length": 500,
              "name": "topic",
              "required": true,
              "type": 3,
            },
            {
              "description": "How many passages to show (1-50, default 5)",
              "max_value": 50,
              "min_value": 1,
              "name": "limit",
              "required": false,
              "type": 4,
            },
            {
              "autocomplete": true,
              "description": "Only passages from sources whose title contains this",
              "name": "source",
              "required": false,
              "type": 3,
            },
            {
              "description": "Only passages by this author (part of the name is enough)",
              "max_length": 100,
              "name": "author",
              "required": false,
              "type": 3,
            },
            {
              "description": "Only passages from this date on (YYYY-MM-DD, YYYY-MM or YYYY)",
              "max_length": 10,
              "name": "since",
              "required": false,
              "type": 3,
            },
            {
              "description": "Only passages up to this date (YYYY-MM-DD, YYYY-MM or YYYY)",
              "max_length": 10,
              "name": "until",
              "required": false,
              "type": 3,
            },
            {
              "description": "Only passages with at least this score (karma, votes)",
              "name": "min-score",
              "required": false,
              "type": 4,
            },
            {
              "description": "Show the answer to everyone in the channel",
              "name": "public",
              "required": false,
              "type": 5,
            },
          ],
          "type": 1,
        },
        {
          "contexts": [
            0,
          ],
          "integration_types": [
            0,
          ],
          "name": "Find the crux",
          "type": 3,
        },
        {
          "contexts": [
            0,
          ],
          "description": "How to use Crux",
          "integration_types": [
            0,
          ],
          "name": "crux-help",
          "options": [],
          "type": 1,
        },
      ]
    `);
  });

  test('leaves out the source filter when the corpus has one source', () => {
    const crux = discordCommands(commands, { withSourceFilter: false })[0] as { options: Array<{ name: string }> };
    expect(crux.options.map((o) => o.name)).toEqual(['topic', 'limit', 'author', 'since', 'until', 'min-score', 'public']);
  });

  test('refuses a definition Discord would reject, saying which', () => {
    const bad = { ...commands[0], name: 'Crux Topic' };
    expect(() => discordCommands([bad])).toThrow('Cannot register with Discord: command name "Crux Topic" must be 1-32 lower-case letters, digits, - or _.');
  });
});

describe('npm run register', () => {
  let fake: FakeDiscord;
  beforeAll(async () => {
    fake = await FakeDiscord.start();
  });
  afterAll(async () => {
    await fake.close();
  });

  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) } };
  };
  const env = { DISCORD_TOKEN: FAKE_TOKEN, DISCORD_APPLICATION_ID: APP_ID };

  test('registers in one server, instantly, when DISCORD_GUILD_ID is set', async () => {
    const o = io();
    const config = readConfig({ ...env, DISCORD_GUILD_ID: GUILD_ID, DISCORD_API_URL: fake.apiUrl }).discord;
    expect(await runRegister({ io: o.io, sources: () => 3, commands, config })).toBe(0);
    const put = fake.calls.at(-1)!;
    expect(put.method).toBe('PUT');
    expect(put.path).toBe(`/api/v10/applications/${APP_ID}/guilds/${GUILD_ID}/commands`);
    expect(put.auth).toBe(`Bot ${FAKE_TOKEN}`);
    expect(put.body).toEqual(discordCommands(commands));
    const listed = commands.map((c) => (c.kind === 'message' ? `"${c.label}"` : `/${c.name}`)).join(', ');
    expect(o.out).toEqual([`Registered ${listed} for server ${GUILD_ID} (available now).`]);
    expect(listed.startsWith('/crux, "Find the crux", /crux-help')).toBe(true);
  });

  test('registers globally without DISCORD_GUILD_ID', async () => {
    const o = io();
    const config = readConfig({ ...env, DISCORD_API_URL: fake.apiUrl }).discord;
    expect(await runRegister({ io: o.io, sources: () => 1, commands, config })).toBe(0);
    expect(fake.calls.at(-1)!.path).toBe(`/api/v10/applications/${APP_ID}/commands`);
    expect(fake.calls.at(-1)!.body[0].options.map((x: { name: string }) => x.name)).toEqual(['topic', 'limit', 'author', 'since', 'until', 'min-score', 'public']);
    expect(o.out[0]).toMatch(/for every server \(global; DISCORD_GUILD_ID is not set\)\.$/);
  });

  test('explains a refused token, and a missing configuration, without a stack trace', async () => {
    fake.tokenRejected = true;
    try {
      const o = io();
      const config = readConfig({ ...env, DISCORD_API_URL: fake.apiUrl }).discord;
      expect(await runRegister({ io: o.io, sources: () => 1, commands, config })).toBe(2);
      expect(o.err).toEqual(['Discord refused DISCORD_TOKEN (401 Unauthorized). Copy the token again from the Bot page of the Developer Portal.']);
    } finally {
      fake.tokenRejected = false;
    }
    const o = io();
    expect(await runRegister({ io: o.io, sources: () => 1, commands, config: readConfig({}).discord })).toBe(2);
    expect(o.err).toEqual(['Nothing to register: set DISCORD_TOKEN and DISCORD_APPLICATION_ID in .env (see .env.example).']);
  });
});
