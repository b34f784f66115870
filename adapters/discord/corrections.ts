// Corrections of sides under a Discord answer (issue 12): "Correct a side" opens, for the presser alone, the quotes
// of the position in focus with a button each for "other side" and "no side"; a press saves the correction for this
// server (src/service/corrections.ts), which later answers here apply and mark.
import type { APIButtonComponentWithCustomId } from 'discord.js';
import type { Answer } from '../../src/core/types.ts';
import type { Store } from '../../src/service/store.ts';
import { offerMarks, OTHER_SIDE, takeMark } from '../../src/service/corrections.ts';
import { escapeFit } from './fit.ts';
import { MAX_POSITION_QUOTES, NO_MENTIONS, renderText, type DiscordMessage } from './render.ts';

/** custom_id prefix of the mark buttons: cxs:<o|n>:<quote index>:<offer key>. */
export const MARK_PREFIX = 'cxs:';

/** The picker for the position in focus, or a notice saying why there is none. */
export async function correctionPicker(store: Store, a: Answer, pos: number, guild: string | null, ttlMs: number): Promise<DiscordMessage> {
  const o = await offerMarks(store, 'discord', guild, a, pos, MAX_POSITION_QUOTES, ttlMs);
  if (!o.ok) return renderText(o.why);
  const button = (to: 'o' | 'n', i: number, label: string): APIButtonComponentWithCustomId => ({ type: 2, style: 2, label, custom_id: `${MARK_PREFIX}${to}:${i}:${o.key}` });
  const lines = o.quotes.map((q) => `**${q.name}** ${escapeFit(q.text.replace(/\s+/g, ' '), 300)}`);
  return {
    content: escapeFit(`This position is **${o.stance}**. Mark a quote as on the other side (${OTHER_SIDE[o.stance]}) or on no side; later answers in this server will show it so.\n${lines.join('\n')}`, 2000),
    embeds: [],
    components: o.quotes.map((q, i) => ({ type: 1, components: [button('o', i, `${q.name}: other side (${OTHER_SIDE[q.was]})`), button('n', i, `${q.name}: no side`)] })),
    allowedMentions: NO_MENTIONS,
  };
}

/** Saves the mark a button stands for; the reply says what was saved (or why not). */
export async function saveMark(store: Store, customId: string, user: string, guild: string | null): Promise<DiscordMessage> {
  const m = /^cxs:([on]):(\d+):([\w-]+)$/.exec(customId);
  if (!m) return renderText('This correction has expired. Use “Correct a side” under a fresh answer.');
  return renderText(await takeMark(store, 'discord', m[3], Number(m[2]), m[1] === 'o' ? 'other' : 'none', user, guild));
}
