// Per-workspace settings (src/service/settings.ts) as Slack applies them: default visibility, rate limits, /crux config.
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from '../../../commands/index.ts';
import cruxConfig from '../../../commands/crux-config.ts';
import { setSetting } from '../../../src/service/settings.ts';
import { buildManifest } from '../../../adapters/slack/manifest.ts';
import { TEAM } from './fake-slack.ts';
import { messageShortcut } from './requests.ts';
import { fixtureEngine } from './engine.ts';
import { beesChooser, HIVE } from '../../fixtures/named-corpus.ts';
import { httpHarness, slashReply, quotes, type Harness } from './helpers.ts';

// crux-config is registered in commands/ now; kept explicit so these tests do not depend on that.
const withConfig = commands.includes(cruxConfig) ? commands : [...commands, cruxConfig];
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const slash = (text: string, user = 'U0ALICE') => slashReply(h!, text, { user });

const engine = fixtureEngine();
const set = (name: string, value: string) => setSetting(h!.store, engine, { platform: 'slack', communityId: TEAM }, name, value);

describe('workspace settings on Slack', () => {
  it('answers /crux for everyone when the workspace chose public answers', async () => {
    h = await httpHarness({ engine });
    await set('visibility', 'public');
    const body = await slash('free will');
    expect(body.response_type).toBe('in_channel');
  });

  it('posts the shortcut\'s answer straight into the thread when the workspace chose public answers', async () => {
    h = await httpHarness({ engine });
    await set('visibility', 'public');
    await h.send.interactive(messageShortcut({ text: 'free will', responseUrl: h.fake.responseUrl(), channel: 'C0PUB', ts: '1700003000.000100' }));
    const [post] = await h.fake.callsUntil((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0PUB');
    expect(post.body.thread_ts).toBe('1700003000.000100');
    expect(quotes(post.body.blocks).length).toBeGreaterThan(0);
    expect(h.fake.api('chat.postEphemeral')).toEqual([]);
  });

  it('answers from the named corpus the workspace chose', async () => {
    const engines = beesChooser(engine);
    h = await httpHarness({ engine, engines });
    expect(quotes((await slash('varroa mites')).blocks ?? [])).not.toContain(HIVE);
    await setSetting(h.store, engine, { platform: 'slack', communityId: TEAM }, 'corpora', 'bees', engines.names());
    expect(quotes((await slash('varroa mites')).blocks)).toEqual([HIVE]);
  });

  it('applies the workspace\'s per-user limit', async () => {
    h = await httpHarness({ engine, limits: undefined });
    await set('user-limit', '1');
    expect((await slash('free will')).text).toMatch(/^Crux: /);
    expect((await slash('zanzibar')).text).toBe('You are asking faster than Crux answers. Please wait about 60 seconds and try again.');
  });

  it('lets a workspace admin change a setting with /crux config, and refuses others', async () => {
    h = await httpHarness({ engine, commands: withConfig });
    h.fake.admins.add('U0ADMIN');
    const refused = await slash('config visibility public', 'U0ALICE');
    expect(refused.response_type).toBe('ephemeral');
    expect(refused.text).toContain('Only members with Manage Server (Discord) or workspace admins');
    const saved = await slash('config visibility public', 'U0ADMIN');
    expect(saved.response_type).toBe('ephemeral');
    expect(saved.text).toMatch(/^Saved\./);
    expect((await slash('free will')).response_type).toBe('in_channel');
    expect((await slash('config')).text).toContain('visibility: public');
  });

  it('lets the people in CRUX_SLACK_CONFIG_USERS change settings too', async () => {
    h = await httpHarness({ engine, commands: withConfig, configUsers: ['U0CAROL'] });
    expect((await slash('config user-limit 10', 'U0CAROL')).text).toMatch(/^Saved\./);
  });

  it('asks for the users:read scope in the manifest once an admin-only command exists', () => {
    const m = buildManifest(withConfig) as any;
    expect(m.oauth_config.scopes.bot).toContain('users:read');
    expect(m.features.slash_commands[0].usage_hint).toBe('<topic> [limit:N] [source:TEXT] [public:true] | help | config | forget-me');
  });
});
