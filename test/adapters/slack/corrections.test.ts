// Corrections of sides on Slack (issue 12), end to end: the real Bolt App (HTTP mode) against the fake Slack. A member
// marks a quote as on the other side or on no side under an answer; later answers in that workspace apply and mark
// it, another workspace never sees it, and a workspace admin lists and undoes it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../../commands/index.ts';
import cruxConfig from '../../../commands/crux-config.ts';
import { ACTIONS } from '../../../adapters/slack/render.ts';
import { openEngine } from '../../../src/core/engine.ts';
import { listCorrections } from '../../../src/service/corrections.ts';
import { TEAM } from './fake-slack.ts';
import { buttonClick } from './requests.ts';
import { button, buttons, httpHarness, slashReply, textObjects, type Block, type Harness } from './helpers.ts';

const CORPUS = join(import.meta.dirname, '..', '..', 'fixtures', 'positions', 'hyperstition');
const cache = mkdtempSync(join(tmpdir(), 'crux-slack-corrections-'));
const OTHER_TEAM = 'T0OTHER';
const QUERY = 'is hyperstition real';
const CORRECTED = /placed as members of this community corrected/;
const withConfig = commands.includes(cruxConfig) ? commands : [...commands, cruxConfig];

let h: Harness;
beforeAll(async () => {
  h = await httpHarness({ engine: openEngine({ corpus: CORPUS, cacheDir: cache }), commands: withConfig });
  h.fake.admins.add('U0ADMIN');
});
afterAll(async () => {
  await h?.close();
  rmSync(cache, { recursive: true, force: true });
});

const ask = (team = TEAM) => slashReply(h, QUERY, { team });
const text = (body: { blocks?: Block[]; text?: string }) => [body.text ?? '', ...textObjects(body.blocks ?? []).map((t) => t.text)].join('\n');
async function click(actionId: string, value: string, team = TEAM): Promise<any> {
  const responseUrl = h.fake.responseUrl();
  expect((await h.send.interactive(buttonClick({ actionId, value, responseUrl, team }))).status).toBe(200);
  const [call] = await h.fake.callsUntil((c) => c.path === new URL(responseUrl).pathname);
  return call.body;
}

describe('correcting a side on Slack', () => {
  it('a member marks a quote as on the other side; later answers in that workspace only apply it and say so', async () => {
    const first = await ask();
    expect(text(first)).not.toMatch(CORRECTED);
    const picker = await click(ACTIONS.correct, button(first.blocks, ACTIONS.correct).value);
    expect(picker.response_type).toBe('ephemeral');
    const other = buttons(picker.blocks).find((b) => /^A1: other side/.test(b.text.text))!;
    expect(other).toBeDefined();
    const saved = await click(other.action_id, other.value);
    expect(saved.text).toMatch(/^Saved: A1 is now on the other side/);
    expect(await listCorrections(h.store, 'slack', TEAM)).toHaveLength(1);

    expect(text(await ask())).toMatch(CORRECTED);
    expect(text(await ask(OTHER_TEAM))).not.toMatch(CORRECTED);
    expect(await listCorrections(h.store, 'slack', OTHER_TEAM)).toEqual([]);
  });

  it('refuses a mark clicked in another workspace than the one it was offered in', async () => {
    const first = await ask();
    const picker = await click(ACTIONS.correct, button(first.blocks, ACTIONS.correct).value);
    const [mark] = buttons(picker.blocks);
    expect((await click(mark.action_id, mark.value, OTHER_TEAM)).text).toMatch(/another workspace/);
    expect(await listCorrections(h.store, 'slack', OTHER_TEAM)).toEqual([]);
  });

  it('lets a workspace admin list and undo the workspace’s corrections, and refuses others', async () => {
    expect((await slashReply(h, 'config corrections', { user: 'U0ALICE' })).text).toContain('Only members with Manage Server (Discord) or workspace admins');
    expect((await slashReply(h, 'config corrections', { user: 'U0ADMIN' })).text).toMatch(/Corrections of sides in this community \(1\)/);
    expect((await slashReply(h, 'config corrections undo 1', { user: 'U0ADMIN' })).text).toMatch(/Undone: 1 correction/);
    expect(await listCorrections(h.store, 'slack', TEAM)).toEqual([]);
    expect(text(await ask())).not.toMatch(CORRECTED);
  });
});
