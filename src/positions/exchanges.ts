// Exchanges: a claim and the reply that answers it, from reply structure (`parent` in JSONL, `quotes` from
// blockquotes) or from quote lines in plain-text threads. Listed when either side is relevant to the topic and names
// it, best first: the more relevant both sides are, and a reply from another position than its claim, the higher.
import type { Exchange, Passage, PassageHit } from '../core/types.ts';
import type { PositionInput } from './index.ts';
import { original, quotedBy, repliesByQuote, replyAfter } from './quotes.ts';
import { excerpt } from '../core/excerpt.ts';
import { isStopWord, tokenize } from '../core/text.ts';

/** The blockquote link set on load (`Passage.quotes`), where the corpus reader provides it. */
const quotesOf = (p: Passage): string | null => p.quotes ?? null;

/** How many exchanges an answer lists at most. */
export const MAX_EXCHANGES = 10;

/** `about`: whether a passage is about the topic; an exchange needs one side that is. */
export function exchangesFor(input: PositionInput, positionOf: Map<string, number>, about: (p: Passage) => boolean): Exchange[] {
  const { corpus, words } = input;
  const st = corpus.structure();
  const added = corpus.added;
  // A passage replaced or removed while serving is still in the saved structure: only what byId finds is current.
  const current = (p: Passage) => corpus.byId(p.id) === p;
  const score = new Map(input.relevant.map((r) => [r.passage.id, r.score]));
  // Relevant passages cut their excerpts lazily: keep the objects, read .hit only for what is shown.
  const relevantOf = new Map(input.relevant.map((r) => [r.passage.id, r]));
  const top = input.relevant[0]?.score || 1;
  const found = new Map<string, { claim: Passage; reply: Passage; via: Exchange['via']; quote?: Passage; rank: number }>();
  const add = (claim: Passage | undefined, reply: Passage | undefined, via: Exchange['via'], quote?: Passage) => {
    if (!claim || !reply || !current(claim) || !current(reply)) return;
    claim = original(corpus, claim);
    reply = original(corpus, reply);
    if (claim === reply || (!about(claim) && !about(reply))) return;
    const key = `${claim.id}\u0000${reply.id}`;
    if (found.has(key)) return;
    const c = score.get(claim.id) ?? 0;
    const r = score.get(reply.id) ?? 0;
    const cp = positionOf.get(claim.id);
    const rp = positionOf.get(reply.id);
    const across = cp !== undefined && rp !== undefined && cp !== rp ? 0.5 : 0;
    found.set(key, { claim, reply, via, quote, rank: (Math.max(c, r) + 0.5 * Math.min(c, r)) / top + across });
  };
  /** The paragraph of a record that best stands for it in this answer: the most relevant, else the first. */
  const bestOf = (record: string): Passage | undefined => {
    const ps = [...(st.byRecord.get(record) ?? []), ...(added?.paragraphs(record) ?? [])].filter(current);
    return ps.sort((a, b) => (score.get(b.id) ?? 0) - (score.get(a.id) ?? 0) || a.ord - b.ord)[0];
  };
  for (const { passage: p } of input.relevant) {
    // Reply structure.
    if (p.parent) add(bestOf(p.parent), p, 'parent');
    if (p.record) for (const child of [...(st.children.get(p.record) ?? []), ...(added?.replies(p.record) ?? [])]) add(p, bestOf(child), 'parent');
    // Blockquotes found on load.
    const q = quotesOf(p);
    if (q) add(corpus.byId(q), p, 'quote');
    for (const r of [...(st.quotedIn.get(p.id) ?? []), ...(added?.quoting(p.id) ?? [])]) add(p, r, 'quote');
    // Quote lines: p quotes another paragraph (the reply is the line after it), or others quote p.
    const src = quotedBy(corpus, p);
    if (src) {
      const next = replyAfter(corpus, p);
      if (next) add(src, next, 'quote', p);
    } else {
      for (const { quote, reply } of repliesByQuote(corpus, p)) add(p, reply, 'quote', quote);
    }
  }
  const show = (p: Passage, focus?: Passage): PassageHit => {
    if (!focus) return relevantOf.get(p.id)?.hit ?? corpus.show(p, words, score.get(p.id) ?? 0);
    // The claim of a quote line: show the sentences that were quoted, with the query's words highlighted.
    const quoted = tokenize(focus.text).map((t) => t.word).filter((w) => !isStopWord(w));
    const ex = excerpt(p.text, quoted);
    const s = score.get(p.id) ?? 0;
    return { id: p.id, text: ex.text, source: p.source, score: Math.round(s * 1000) / 1000, highlights: excerpt(ex.text, words, ex.text.length + 1).highlights };
  };
  return [...found.values()]
    .sort((a, b) => b.rank - a.rank || a.claim.ord - b.claim.ord || a.reply.ord - b.reply.ord)
    .slice(0, MAX_EXCHANGES)
    .map((x) => ({
      claim: show(x.claim, x.quote),
      reply: show(x.reply),
      claimPosition: positionOf.get(x.claim.id) ?? null,
      replyPosition: positionOf.get(x.reply.id) ?? null,
      via: x.via,
    }));
}
