// `kill -9` while `crux serve` captures a burst of Discord messages, then a restart: every message the capture log
// holds is searchable again, and the log reads cleanly (a line torn by the kill is cut off).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ServeProcess } from '../helpers/serve.ts';
import { APP_ID, CAPTURE_GUILD, DEBATES, FAKE_TOKEN, FakeDiscord, MANAGE_SERVER, textChannel, visibleParts } from '../../adapters/discord/fake-discord.ts';
import { captureLogPath } from '../../../src/service/capture/open.ts';
import { tempDir } from './helpers.ts';

const running: ServeProcess[] = [];
let fake: FakeDiscord | undefined;
afterEach(async () => {
  for (const p of running.splice(0)) await p.stop('SIGKILL');
  await fake?.close();
  fake = undefined;
});

async function serve(storeFile: string): Promise<ServeProcess> {
  const env = { DISCORD_TOKEN: FAKE_TOKEN, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: fake!.apiUrl, CRUX_STORE_URL: `file:${storeFile}`, CRUX_PLATFORMS: 'discord' };
  const p = await ServeProcess.startCli(env, (r) => String(r.msg).startsWith('discord: connected as'));
  running.push(p);
  fake!.guildCreate([textChannel(DEBATES, 'debates')]);
  return p;
}

/** The message ids whose entries the capture log holds in whole lines. */
function logged(file: string): Set<string> {
  const ids = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    try {
      const e = JSON.parse(line);
      if (e.op === 'put') ids.add(e.m.id);
    } catch {
      /* the torn last line */
    }
  }
  return ids;
}

async function settingsText(): Promise<string> {
  const reply = await fake!.finalReply(fake!.slash('crux-config', {}, { guildId: CAPTURE_GUILD.id, channelId: DEBATES }), 20_000);
  return visibleParts(reply.data).join('\n');
}

describe('capture through kill -9', () => {
  it('loses nothing the log holds: after a restart every logged message is searchable again', async () => {
    fake = await FakeDiscord.start();
    const dir = tempDir();
    const store = join(dir, 'state.json');
    const log = captureLogPath(store);
    const first = await serve(store);
    const on = await fake.finalReply(fake.slash('crux-config', { setting: 'capture', value: `<#${DEBATES}>` }, { guildId: CAPTURE_GUILD.id, channelId: DEBATES, permissions: MANAGE_SERVER }), 20_000);
    expect(visibleParts(on.data).join('\n')).toMatch(/Capturing #debates/);

    for (let i = 0; i < 2000; i++) fake.post(DEBATES, `Burst message number ${i} about zeugmatic capture.`);
    // Kill it mid-burst: once some messages are in the log, before all are.
    const end = Date.now() + 20_000;
    while (Date.now() < end) {
      const n = (() => {
        try {
          return logged(log).size;
        } catch {
          return 0;
        }
      })();
      if (n >= 20) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    first.proc.kill('SIGKILL');
    await first.exited;
    const before = logged(log);
    expect(before.size).toBeGreaterThanOrEqual(20);

    await serve(store);
    // Everything logged before the kill is still there, and searchable; the resumed backfill brings what the kill
    // cut off before it was logged (it is in the channel's history).
    const after = logged(log);
    expect([...before].filter((id) => !after.has(id))).toEqual([]);
    expect(readFileSync(log, 'utf8').endsWith('\n')).toBe(true);
    const reply = await fake.finalReply(fake.slash('crux', { topic: 'zeugmatic capture', limit: 50 }, { guildId: CAPTURE_GUILD.id, channelId: DEBATES }), 20_000);
    expect(JSON.stringify(reply.data)).toContain('zeugmatic');
    const end2 = Date.now() + 30_000;
    let text = '';
    while (Date.now() < end2 && !(text = await settingsText()).includes('#debates (2,000 messages')) await new Promise((r) => setTimeout(r, 200));
    expect(text, text).toContain('#debates (2,000 messages');
  }, 120_000);
});
