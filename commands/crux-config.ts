// /crux-config: show or change this community's settings (visibility, sources, corpora, rate limits).
// Discord registers it for members with Manage Server only; Slack reaches it as `/crux config …` for admins or a list.
import { isUserError } from '../src/errors.ts';
import { describeSettings, getSettings, resetSettings, setSetting, SETTING_NAMES, type CommunitySettings } from '../src/service/settings.ts';
import { defineCommand, type Args } from './types.ts';
import { describeCorrections, listCorrections, undoCorrections } from '../src/service/corrections.ts';
import type { Store } from '../src/service/store.ts';
import type { Reply } from '../src/core/reply.ts';

const WHO_MAY = 'Only members with Manage Server (Discord) or workspace admins and the people listed in CRUX_SLACK_CONFIG_USERS (Slack) can change Crux settings.';

export default defineCommand({
  name: 'crux-config',
  description: 'Show or change Crux settings for this server or workspace',
  kind: 'chat',
  options: [
    { name: 'setting', description: `Setting: ${SETTING_NAMES.join(', ')}, reset (empty: show them)`, type: 'string', maxLength: 40 },
    { name: 'value', description: 'New value, e.g. public, ephemeral, all, "Thread title", 6, 20/1m, #debates, off', type: 'string', maxLength: 500 },
  ],
  examples: [
    'crux-config',
    'crux-config setting:visibility value:public',
    'crux-config setting:user-limit value:10/1m',
    'crux-config setting:sources value:all',
    'crux-config setting:capture value:#debates,#alignment',
  ],
  adminOnly: true,
  async run(ctx, args) {
    if (!ctx.store || !ctx.communityId) {
      return { kind: 'error', code: 'BAD_OPTION', message: 'Settings belong to a server or workspace: use this command in one of its channels.', visibility: 'ephemeral' };
    }
    const setting = str(args, 'setting');
    const value = str(args, 'value');
    try {
      const describe = (s: CommunitySettings) => describeSettings(s, ctx.platform, ctx.engine, ctx.engines?.names(), ctx.capture?.describe(s.capture));
      if (!setting || /^show$/i.test(setting)) {
        const s = await getSettings(ctx.store, ctx.platform, ctx.communityId);
        return { kind: 'notice', text: describe(s), visibility: 'ephemeral' };
      }
      if (!ctx.canConfigure) return { kind: 'error', code: 'FORBIDDEN', message: WHO_MAY, visibility: 'ephemeral' };
      if (/^corrections?$/i.test(setting)) return await corrections(ctx.store, ctx.platform, ctx.communityId, value);
      if (/^reset$/i.test(setting)) {
        // Capture stops with the rest (what it captured stays until `capture purge`).
        await ctx.capture?.configure('off', { userId: ctx.userId, engine: ctx.engine });
        const s = await resetSettings(ctx.store, ctx.platform, ctx.communityId);
        return { kind: 'notice', text: `Settings are back to their defaults.\n${describe(s)}`, visibility: 'ephemeral' };
      }
      if (!value) {
        return { kind: 'error', code: 'BAD_OPTION', message: `Give a value for ${setting.slice(0, 40)}, e.g. crux-config setting:visibility value:public.`, visibility: 'ephemeral' };
      }
      if (/^capture$/i.test(setting)) {
        if (!ctx.capture) return { kind: 'error', code: 'BAD_OPTION', message: 'Live capture is not available here.', visibility: 'ephemeral' };
        const said = await ctx.capture.configure(value, { userId: ctx.userId, engine: ctx.engine, report: ctx.followUp });
        return { kind: 'notice', text: `${said}\n${describe(await getSettings(ctx.store, ctx.platform, ctx.communityId))}`, visibility: 'ephemeral' };
      }
      const where = { platform: ctx.platform, communityId: ctx.communityId, userId: ctx.userId };
      const s = await setSetting(ctx.store, ctx.engine, where, setting, value, ctx.engines?.names());
      return { kind: 'notice', text: `Saved.\n${describe(s)}`, visibility: 'ephemeral' };
    } catch (e) {
      if (isUserError(e)) return { kind: 'error', code: e.code, message: e.message, visibility: 'ephemeral' };
      throw e;
    }
  },
});

/** Lists the community's corrections of sides ("" or "list"), or undoes one ("undo 2") or all ("undo all"). */
async function corrections(store: Store, platform: string, communityId: string, value: string): Promise<Reply> {
  const m = /^undo\s+(all|\d+)$/i.exec(value);
  if (m) {
    const n = await undoCorrections(store, platform, communityId, /^all$/i.test(m[1]) ? 'all' : Number(m[1]));
    const left = await listCorrections(store, platform, communityId);
    return { kind: 'notice', text: `Undone: ${n} correction${n === 1 ? '' : 's'}. Later answers read those passages afresh.\n${describeCorrections(left)}`, visibility: 'ephemeral' };
  }
  if (value && !/^(list|show)$/i.test(value)) {
    return { kind: 'error', code: 'BAD_OPTION', message: 'corrections takes no value (to list them), “undo N” or “undo all”.', visibility: 'ephemeral' };
  }
  return { kind: 'notice', text: describeCorrections(await listCorrections(store, platform, communityId)), visibility: 'ephemeral' };
}

function str(args: Args, k: string): string {
  const v = args[k];
  return typeof v === 'string' ? v.trim() : '';
}

/** Slack's `/crux config visibility public` text → the same arguments ("" or "show" shows them). */
export function parseConfigText(text: string): Args {
  const t = text.trim().replace(/^config\b\s*/i, '');
  if (!t || /^show$/i.test(t)) return {};
  const m = /^(\S+)\s*(?:=\s*)?([\s\S]*)$/.exec(t)!;
  return { setting: m[1], value: m[2].trim() || undefined };
}
