// How the command definitions become Slack: parsing /crux text, reading Slack's message format, and the app manifest.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commands } from '../../../commands/index.ts';
import { parseInvocation, plainText, slackUsage, usageHint } from '../../../adapters/slack/commands.ts';
import { buildManifest, MANIFEST_PATH, manifestJson } from '../../../adapters/slack/manifest.ts';

const parse = (t: string) => {
  const p = parseInvocation(t, commands);
  return 'error' in p ? { command: p.command.name, error: p.error } : { command: p.command.name, args: p.args };
};

describe('parseInvocation', () => {
  it('reads a topic with name:value options, quoted or not', () => {
    expect(parse('agency by default limit:3 source:"the void"')).toEqual({ command: 'crux', args: { topic: 'agency by default', limit: 3, source: 'the void' } });
    expect(parse('free will public:true')).toEqual({ command: 'crux', args: { topic: 'free will', public: true } });
  });
  it('leaves unknown name:value words in the topic', () => {
    expect(parse('ratio 3:1 and note:this')).toEqual({ command: 'crux', args: { topic: 'ratio 3:1 and note:this' } });
  });
  it('turns "help", an empty text and --help into the help command', () => {
    for (const t of ['help', '', '  ', '--help', 'HELP']) expect(parse(t)).toEqual({ command: 'crux-help', args: {} });
  });
  it('explains a bad option value instead of guessing', () => {
    expect(parse('x limit:0')).toEqual({ command: 'crux', error: 'limit must be a whole number from 1 to 50 (got "0").' });
    expect(parse('x public:maybe')).toEqual({ command: 'crux', error: 'public must be true or false (got "maybe").' });
    expect(parse('x'.repeat(501))).toEqual({ command: 'crux', error: 'The topic can be at most 500 characters long (yours has 501).' });
  });
});

describe('plainText', () => {
  it('drops the bot mention and decodes what Slack escaped', () => {
    expect(plainText('<@UBOT> free will &amp; fate &lt;3', 'UBOT')).toBe('free will & fate <3');
  });
  it('shows other mentions, channels and links by their labels', () => {
    expect(plainText('ask <@U1|ada> in <#C1|general> about <https://x.org|the void> and <https://y.org>', 'UBOT')).toBe('ask @ada in #general about the void and https://y.org');
  });
});

describe('the Slack app manifest', () => {
  it('is the committed adapters/slack/manifest.json, generated from commands/ (run npm run slack:manifest after changing a command)', () => {
    expect(readFileSync(MANIFEST_PATH, 'utf8')).toBe(manifestJson(commands));
  });

  it('declares /crux with a usage hint from the options, the message shortcut, the scopes and the event the adapter uses', () => {
    const m = buildManifest(commands) as any;
    expect(m.features.slash_commands).toEqual([
      { command: '/crux', description: 'Find the crux of a topic: verbatim passages, positions and exchanges', usage_hint: usageHint(commands), should_escape: false },
    ]);
    expect(m.features.slash_commands[0].usage_hint).toMatch(/^<topic> \[limit:N\] \[source:TEXT\] \[public:true\] \| help\b/);
    expect(m.features.shortcuts).toEqual([{ name: 'Find the crux', type: 'message', callback_id: 'find-crux', description: 'Find the passages and positions that bear on this message' }]);
    // Live capture reads the channels turned on (history, names) and who wrote (users:read, also for admins).
    expect(m.oauth_config.scopes.bot).toEqual(['app_mentions:read', 'channels:history', 'channels:read', 'chat:write', 'commands', 'groups:history', 'groups:read', 'users:read']);
    expect(m.settings.event_subscriptions.bot_events).toEqual(['app_mention', 'message.channels', 'message.groups', 'channel_deleted', 'group_deleted']);
    expect(m.settings.socket_mode_enabled).toBe(true);
    expect(m.settings.interactivity.is_enabled).toBe(true);
  });

  it('points every request URL at /slack/events in HTTP mode', () => {
    const m = buildManifest(commands, { requestUrl: 'https://crux.example.org/' }) as any;
    expect(m.features.slash_commands[0].url).toBe('https://crux.example.org/slack/events');
    expect(m.settings.event_subscriptions.request_url).toBe('https://crux.example.org/slack/events');
    expect(m.settings.interactivity.request_url).toBe('https://crux.example.org/slack/events');
    expect(m.settings.socket_mode_enabled).toBe(false);
  });

  it('derives usage from the same definitions the help uses', () => {
    expect(commands.map(slackUsage).slice(0, 3)).toEqual([
      '/crux <topic> [limit:N] [source:TEXT] [author:TEXT] [since:TEXT] [until:TEXT] [min-score:N] [public:true]',
      'Find the crux (message shortcut)', '/crux help',
    ]);
    // The manifest's short hint leaves the filters to the help text.
    expect(usageHint(commands.slice(0, 3))).toBe('<topic> [limit:N] [source:TEXT] [public:true] | help');
  });
});

describe('sub-commands typed in order', () => {
  it('show /crux config with its options in order, as Slack users type them', async () => {
    const { default: cruxConfig } = await import('../../../commands/crux-config.ts');
    expect(slackUsage(cruxConfig)).toBe('/crux config [setting] [value]');
    const { slackExamples } = await import('../../../adapters/slack/commands.ts');
    expect(slackExamples(cruxConfig)).toEqual(['/crux config', '/crux config visibility public', '/crux config user-limit 10/1m', '/crux config sources all', '/crux config capture #debates,#alignment']);
  });
});
