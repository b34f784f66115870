// A community's corrections of sides (issue 12), kept in the shared store per server or workspace: a member marks a
// passage shown under a position as on the other side or on no side; later answers there apply it (and say so); a
// member allowed to configure Crux lists and undoes them (/crux-config setting:corrections).
import type { Store } from './store.ts';
import { directionOf, topicKeyOf, type Correction } from '../positions/corrections.ts';
import { randomBytes } from 'node:crypto';
import { UserError } from '../errors.ts';

export type { Correction };

/** Most corrections a community keeps (the oldest go first beyond it). */
export const MAX_CORRECTIONS = 500;

const keyOf = (platform: string, communityId: string) => `corrections:${platform}:${communityId}`;

/** The corrections of one community, oldest first; none outside a community (a DM, the terminal). */
export async function listCorrections(store: Store, platform: string, communityId: string | null | undefined): Promise<Correction[]> {
  if (!communityId) return [];
  return (await store.get<Correction[]>(keyOf(platform, communityId))) ?? [];
}

/** A mark made under an answer: the passage, the query it was shown for, and the side it goes to. */
export interface Mark {
  query: string;
  passage: string;
  /** The stance the passage was shown with (yes, no, for, against). */
  was: string;
  /** 'other': the other side; 'none': no side. */
  to: 'other' | 'none';
  by: string | null;
}

const TOWARD: Record<string, number> = { for: 1, yes: 1, against: -1, no: -1 };

/**
 * Saves a mark as a correction (replacing an earlier one of the same passage under the same claim) and returns it.
 * The side is stored toward the thing itself (not the query's wording), so "should we ban X" reads a correction made
 * under "should we keep X".
 */
export async function addCorrection(store: Store, platform: string, communityId: string, m: Mark): Promise<Correction> {
  const direction = directionOf(m.query);
  const shown = TOWARD[m.was];
  if (m.to === 'other' && !shown) throw new UserError('BAD_OPTION', 'Only a passage shown on a side can be moved to the other side.');
  const c: Correction = {
    topic: topicKeyOf(m.query),
    passage: m.passage,
    toward: m.to === 'none' ? 0 : -shown * direction,
    query: m.query,
    was: m.was,
    by: m.by,
    at: new Date().toISOString(),
  };
  const list = (await listCorrections(store, platform, communityId)).filter((x) => !(x.topic === c.topic && x.passage === c.passage));
  list.push(c);
  await store.set(keyOf(platform, communityId), list.slice(-MAX_CORRECTIONS));
  return c;
}

/** Undoes correction number n (1-based, as listed) or all of them; returns how many were undone. */
export async function undoCorrections(store: Store, platform: string, communityId: string, which: number | 'all'): Promise<number> {
  const list = await listCorrections(store, platform, communityId);
  if (which === 'all') {
    await store.delete(keyOf(platform, communityId));
    return list.length;
  }
  if (!Number.isInteger(which) || which < 1 || which > list.length) {
    throw new UserError('BAD_OPTION', list.length ? `There is no correction ${which}: they are numbered 1 to ${list.length}.` : 'This community has no corrections to undo.');
  }
  list.splice(which - 1, 1);
  await store.set(keyOf(platform, communityId), list);
  return 1;
}

/** The list a configurer sees: number, passage, the side it went to, under which query, by whom. */
export function describeCorrections(list: Correction[]): string {
  if (!list.length) return 'No corrections of sides in this community.';
  const side = (c: Correction) => (c.toward === 0 ? 'no side' : c.toward > 0 ? 'for the claim' : 'against the claim');
  const lines = list.map((c, i) => `${i + 1}. ${c.passage}: ${side(c)} (was ${c.was}) under “${c.query.slice(0, 80)}”${c.by ? ` by ${c.by}` : ''}, ${c.at.slice(0, 10)}`);
  return [`Corrections of sides in this community (${list.length}):`, ...lines, 'Undo one with value “undo N”, or all with “undo all”.'].join('\n');
}

/** The side a stance turns into when marked as on the other side. */
export const OTHER_SIDE: Record<string, string> = { yes: 'no', no: 'yes', for: 'against', against: 'for' };

/** The quotes offered for marking under an answer, kept in the store until a mark is chosen. */
interface Offer {
  query: string;
  community: string;
  passages: Array<{ id: string; was: string; name: string }>;
}

/** What an adapter shows to offer marks: the quotes (named A1, A2 … as the answer names them) and the offer's key. */
export type Offered = { ok: true; key: string; stance: string; quotes: Array<{ name: string; text: string; was: string }> } | { ok: false; why: string };

/**
 * Offers the first `max` quotes of position `pos` of an answer for marking, in one community; refused outside a
 * community or for a position without a side.
 */
export async function offerMarks(
  store: Store,
  platform: string,
  community: string | null | undefined,
  a: { query: string; didYouMean: string | null; positions: Array<{ stance: string; passages: Array<{ id: string; text: string }> }> },
  pos: number,
  max: number,
  ttlMs: number,
): Promise<Offered> {
  const p = a.positions[pos];
  const where = platform === 'discord' ? 'server' : 'workspace';
  if (!community) return { ok: false, why: `Corrections belong to a ${where}: use Crux in one of its channels to correct a side.` };
  if (!p || !OTHER_SIDE[p.stance]) return { ok: false, why: 'This position takes no side, so there is no side to correct.' };
  const letter = String.fromCharCode(65 + pos);
  const quotes = p.passages.slice(0, max).map((h, i) => ({ id: h.id, was: p.stance, name: `${letter}${i + 1}`, text: h.text }));
  const key = randomBytes(9).toString('base64url');
  const offer: Offer = { query: a.didYouMean ?? a.query, community, passages: quotes.map(({ id, was, name }) => ({ id, was, name })) };
  await store.set(`${platform}:correct:${key}`, offer, ttlMs);
  return { ok: true, key, stance: p.stance, quotes };
}

/** Saves the mark chosen from an offer (quote `index`, to the other side or none); returns what to tell the member. */
export async function takeMark(store: Store, platform: string, key: string, index: number, to: 'other' | 'none', user: string, community: string | null | undefined): Promise<string> {
  const offer = await store.get<Offer>(`${platform}:correct:${key}`);
  const q = offer?.passages[index];
  const where = platform === 'discord' ? 'server' : 'workspace';
  if (!offer || !q) return 'This correction has expired. Use “Correct a side” under a fresh answer.';
  if (offer.community !== community) return `This correction belongs to another ${where}.`;
  try {
    await addCorrection(store, platform, offer.community, { query: offer.query, passage: q.id, was: q.was, to, by: user });
  } catch (e) {
    if (e instanceof UserError) return e.message;
    throw e;
  }
  const now = to === 'other' ? `on the other side (${OTHER_SIDE[q.was]})` : 'on no side';
  const undo = platform === 'discord' ? '/crux-config setting:corrections' : '/crux config corrections';
  return `Saved: ${q.name} is now ${now} for “${offer.query.slice(0, 100)}” in this ${where}. Members allowed to configure Crux can list and undo corrections with ${undo}.`;
}
