import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../../src/core/engine.ts';
import { memoryStore, redisStore, type Store } from '../../src/service/store.ts';
import { checkCommunityRate, discordMayConfigure, getSettings, slackMayConfigure } from '../../src/service/settings.ts';
import config, { parseConfigText } from '../../commands/crux-config.ts';
import crux from '../../commands/crux.ts';
import type { CommandContext } from '../../commands/types.ts';
import type { Reply } from '../../src/core/reply.ts';
import { NO_REDIS_MESSAGE, TEST_REDIS_URL, uniquePrefix } from './helpers/redis.ts';
import { tempDir } from '../helpers/temp.ts';

let engine: Engine;
beforeAll(() => {
  engine = openEngine({ cacheDir: tempDir('crux-settings-') });
});

const text = (r: Reply) => (r.kind === 'notice' ? r.text : r.kind === 'error' ? r.message : '');

/** What an adapter does: look the settings up, then run the command with them. */
async function run(store: Store, cmd: typeof config, args: Record<string, string | number | boolean | undefined>, who: Partial<CommandContext> = {}) {
  const ctx: CommandContext = { engine, platform: 'discord', communityId: 'G1', userId: 'U1', store, ...who };
  ctx.settings = await getSettings(store, ctx.platform, ctx.communityId);
  return cmd.run(ctx, args);
}

describe('/crux-config', () => {
  it('shows the defaults to anyone', async () => {
    const r = await run(memoryStore(), config, {});
    expect(r.kind).toBe('notice');
    expect(text(r)).toMatch(/^Crux settings for this server:/);
    expect(text(r)).toContain('• user-limit: 6 answers per person every 1 min (default)');
    expect(text(r)).toContain('• channel-limit: 20 answers per channel every 1 min (default)');
    expect(text(r)).toMatch(/• sources: all \d+ sources \(default\)/);
    expect(r.visibility).toBe('ephemeral');
  });

  it('refuses changes from someone who may not configure, and changes nothing', async () => {
    const store = memoryStore();
    const r = await run(store, config, { setting: 'visibility', value: 'public' }, { canConfigure: false });
    expect(r).toMatchObject({ kind: 'error', code: 'FORBIDDEN' });
    expect(text(r)).toMatch(/Only members with Manage Server/);
    expect((await getSettings(store, 'discord', 'G1')).visibility).toBeNull();
  });

  it('makes answers public by default once an admin says so, in that community only', async () => {
    const store = memoryStore();
    expect((await run(store, crux, { topic: 'hyperstition' })).visibility).toBeUndefined();
    const saved = await run(store, config, { setting: 'visibility', value: 'public' }, { canConfigure: true });
    expect(text(saved)).toMatch(/^Saved\.\n/);
    expect(text(saved)).toContain('• visibility: public: everyone in the channel sees answers');
    expect((await run(store, crux, { topic: 'hyperstition' })).visibility).toBe('public');
    expect((await run(store, crux, { topic: 'hyperstition' }, { communityId: 'G2' })).visibility).toBeUndefined();
    expect((await run(store, crux, { topic: 'hyperstition' }, { platform: 'slack' })).visibility).toBeUndefined();
  });

  it('limits answers to the enabled sources, and says so when someone names another', async () => {
    const store = memoryStore();
    const [first, second] = engine.sources();
    await run(store, config, { setting: 'sources', value: first.title }, { canConfigure: true });
    const a = await run(store, crux, { topic: 'think', limit: 50 });
    expect(a.kind).toBe('answer');
    if (a.kind === 'answer') expect(new Set(a.answer.passages.map((p) => p.source.title))).toEqual(new Set([first.title]));
    const b = await run(store, crux, { topic: 'think', source: second.title });
    expect(b).toMatchObject({ kind: 'error', code: 'UNKNOWN_SOURCE' });
    expect(text(b)).toMatch(/No enabled source matches/);
    await run(store, config, { setting: 'sources', value: 'all' }, { canConfigure: true });
    const c = await run(store, crux, { topic: 'think', source: second.title });
    expect(c.kind).toBe('answer');
  });

  it('applies its rate limits, counted per community', async () => {
    const store = memoryStore();
    await run(store, config, { setting: 'user-limit', value: '2/1m' }, { canConfigure: true });
    const s = await getSettings(store, 'discord', 'G1');
    const verdicts = [];
    for (let i = 0; i < 3; i++) verdicts.push((await checkCommunityRate(store, 'discord', { userId: 'U9', channelId: 'C1' }, s)).ok);
    expect(verdicts).toEqual([true, true, false]);
    expect(text(await run(store, config, {}))).toContain('• user-limit: 2 answers per person every 1 min\n');
  });

  it('explains each bad value', async () => {
    const store = memoryStore();
    const set = (setting: string, value: string) => run(store, config, { setting, value }, { canConfigure: true }).then(text);
    expect(await set('colour', 'red')).toMatch(/There is no setting "colour"\. Settings: visibility, sources, corpora, user-limit, channel-limit/);
    expect(await set('visibility', 'loud')).toMatch(/visibility is "public" .* or "ephemeral"/);
    expect(await set('user-limit', 'lots')).toMatch(/user-limit is a number of answers per minute/);
    expect(await set('channel-limit', '0')).toMatch(/channel-limit is a number/);
    expect(await set('sources', 'No Such Thread')).toMatch(/No source matches "No Such Thread"\. Sources include "/);
    expect(await set('visibility', '')).toMatch(/Give a value for visibility/);
    expect((await getSettings(store, 'discord', 'G1')).updatedAt).toBeNull();
  });

  it('resets to the defaults', async () => {
    const store = memoryStore();
    await run(store, config, { setting: 'channel-limit', value: '100/1h' }, { canConfigure: true });
    expect((await getSettings(store, 'discord', 'G1')).channelLimit).toEqual({ max: 100, windowMs: 3_600_000 });
    const r = await run(store, config, { setting: 'reset' }, { canConfigure: true });
    expect(text(r)).toMatch(/^Settings are back to their defaults/);
    expect((await getSettings(store, 'discord', 'G1')).channelLimit).toEqual({ max: 20, windowMs: 60_000 });
  });

  it('needs a server or workspace', async () => {
    const r = await run(memoryStore(), config, {}, { communityId: undefined });
    expect(text(r)).toMatch(/Settings belong to a server or workspace/);
  });
});

describe('who may change settings', () => {
  it('on Discord: Manage Server or Administrator', () => {
    expect(discordMayConfigure(String(1n << 5n))).toBe(true);
    expect(discordMayConfigure(1n << 3n)).toBe(true);
    expect(discordMayConfigure('2048')).toBe(false);
    expect(discordMayConfigure(null)).toBe(false);
  });

  it('on Slack: admins, owners and the configured list', () => {
    expect(slackMayConfigure({ id: 'U1', is_admin: true })).toBe(true);
    expect(slackMayConfigure({ id: 'U1', is_owner: true })).toBe(true);
    expect(slackMayConfigure({ id: 'U2' }, ['U2', 'U3'])).toBe(true);
    expect(slackMayConfigure({ id: 'U4' }, ['U2'])).toBe(false);
  });

  it('reads Slack\'s "/crux config …" text', () => {
    expect(parseConfigText('config')).toEqual({});
    expect(parseConfigText('config show')).toEqual({});
    expect(parseConfigText('config visibility public')).toEqual({ setting: 'visibility', value: 'public' });
    expect(parseConfigText('config sources Thread one, Thread two')).toEqual({ setting: 'sources', value: 'Thread one, Thread two' });
    expect(parseConfigText('config reset')).toEqual({ setting: 'reset', value: undefined });
  });
});

describe.skipIf(!TEST_REDIS_URL)(`settings shared through Redis${TEST_REDIS_URL ? '' : ` (${NO_REDIS_MESSAGE})`}`, () => {
  const stores: Store[] = [];
  afterAll(async () => Promise.all(stores.map((s) => s.close())));
  it('set through one process, hold in another', async () => {
    const prefix = uniquePrefix('settings');
    const a = await redisStore(TEST_REDIS_URL, { prefix });
    const b = await redisStore(TEST_REDIS_URL, { prefix });
    stores.push(a, b);
    await run(a, config, { setting: 'visibility', value: 'public' }, { canConfigure: true });
    await run(a, config, { setting: 'user-limit', value: '1' }, { canConfigure: true });
    expect((await run(b, crux, { topic: 'hyperstition' })).visibility).toBe('public');
    const sa = await getSettings(a, 'discord', 'G1');
    const sb = await getSettings(b, 'discord', 'G1');
    expect((await checkCommunityRate(a, 'discord', { userId: 'U5' }, sa)).ok).toBe(true);
    expect((await checkCommunityRate(b, 'discord', { userId: 'U5' }, sb)).ok).toBe(false);
  });
});
