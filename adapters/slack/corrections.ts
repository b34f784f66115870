// Corrections of sides under a Slack answer (issue 12): "Correct a side" answers the clicker alone with the quotes of
// the position in focus, each with "Other side" and "No side" buttons; a click saves the correction for this
// workspace (src/service/corrections.ts), which later answers there apply and mark.
import type { KnownBlock } from '@slack/types';
import type { Answer } from '../../src/core/types.ts';
import type { Store } from '../../src/service/store.ts';
import { offerMarks, OTHER_SIDE, takeMark } from '../../src/service/corrections.ts';
import { renderNotice, type SlackMessage } from './render.ts';

/** Action id prefix of the mark buttons (one id per button: Slack wants them distinct within a message). */
export const MARK_ACTION = 'crux_mark_side';
/** Quotes offered per position: those an answer shows under it. */
const OFFERED = 3;

const plain = (s: string, max: number) => {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 2).replace(/\s+\S*$/, '')} …`;
};
const text = (t: string) => ({ type: 'plain_text' as const, text: t, emoji: false });

/** The picker for the position in focus, or a notice saying why there is none. */
export async function correctionPicker(store: Store, a: Answer, pos: number, team: string | undefined, ttlMs: number): Promise<SlackMessage> {
  const o = await offerMarks(store, 'slack', team, a, pos, OFFERED, ttlMs);
  if (!o.ok) return renderNotice(o.why);
  const blocks: KnownBlock[] = [
    { type: 'section', text: text(`This position is ${o.stance}. Mark a quote as on the other side (${OTHER_SIDE[o.stance]}) or on no side; later answers in this workspace will show it so.`) },
  ];
  o.quotes.forEach((q, i) => {
    blocks.push({ type: 'section', text: text(plain(`${q.name}: ${q.text}`, 2900)) });
    blocks.push({
      type: 'actions',
      elements: [
        { type: 'button', text: text(`${q.name}: other side (${OTHER_SIDE[q.was]})`), action_id: `${MARK_ACTION}_o_${i}`, value: `${o.key}|o|${i}` },
        { type: 'button', text: text(`${q.name}: no side`), action_id: `${MARK_ACTION}_n_${i}`, value: `${o.key}|n|${i}` },
      ],
    });
  });
  return { text: 'Correct a side', blocks };
}

/** Saves the mark a button's value stands for; the reply says what was saved (or why not). */
export async function saveMark(store: Store, value: string, user: string, team: string | undefined): Promise<SlackMessage> {
  const m = /^([\w-]+)\|([on])\|(\d+)$/.exec(value);
  if (!m) return renderNotice('This correction has expired. Use “Correct a side” under a fresh answer.');
  return renderNotice(await takeMark(store, 'slack', m[1], Number(m[3]), m[2] === 'o' ? 'other' : 'none', user, team));
}
