// Which side a passage takes on the topic, from cues in its own words: policy verbs aimed at the topic ("should
// not abolish"), judging words ("harmful", "a real phenomenon"), shifters ("reduces bullying") and negation.
import { isStopWord, termOf, tokenize, type Token } from '../core/text.ts';
import { actionOf, isClauseBreak, isLink, isNegator, isProposer, isShifter, judgesTruth, sameSense, verdictOf } from './lexicon.ts';
import { BREAK, sentenceRanges, wordsOfText, type Word } from './words.ts';
import { voiceOf } from './voice.ts';
import { claimShape } from './claim.ts';

/** What a query asks about: the terms naming the thing, and whether the query proposes to further (+1) or remove (-1) it. */
export interface Topic {
  /** Index terms (stems) that name the thing the topic is about, e.g. "school", "uniform". */
  terms: Set<string>;
  /** +1 when the query asks to keep or adopt the thing (or just names it), -1 when it asks to abolish or ban it. */
  direction: number;
  /** The query's policy words, as typed ("abandon the use"), or null. */
  action: string | null;
  /**
   * The terms that name the topic on their own (its rarest words); a mention of other topic terms names it only
   * together with another topic term nearby ("aligned" alone does not name "classical alignment theory").
   * Null: every term does.
   */
  key?: Set<string> | null;
  /** What the query says of its subject, as index terms, head first ("underspecifi"; "overrid", "pretrain", "prior"):
   * a passage that says the same of the subject in one clause is for it, one that denies it there against. */
  claim?: string[] | null;
  /** The query's own policy verb ("should labs filter X": "filter"), read as a proposal to do it. */
  verbs?: Set<string> | null;
  /** Terms written as one hyphenated word in the query ("post-training"): each names the topic only next to the other. */
  joined?: Set<string> | null;
  /** The last word of a subject of several words ("the LLM assistant **persona**"): alone it names the whole class
   * ("personas start off underspecified"), so it names the subject only with another of its words nearby. */
  head?: string | null;
  /** What the query asks of the thing: whether it is true or real ("is X real"), or good ("is X a good way"); null
   * for a bare topic or a motion. Judging words of the other kind say nothing on it. */
  asks?: 'truth' | 'worth' | null;
}

/** One piece of evidence for a side, with where it sits in the passage text. */
export interface Cue {
  /** +1 speaks for the thing, -1 against it (before the query's direction is applied). */
  polarity: number;
  weight: number;
  start: number;
  end: number;
  kind: 'action' | 'verdict' | 'judgement' | 'negated topic' | 'claim';
  /** Why it counts less than usual (voice.ts): "conceded before “but”", … */
  note?: string;
}

const NEG_REACH = 6;
const CHAIN_REACH = 3;
const SHIFT_REACH = 4;
const ACTION_REACH = 7;
/** Prepositions that make "fight"/"argue"/"vote" mean support or opposition. */
const FOR_AGAINST: Record<string, number> = { for: 1, against: -1 };

const punctuationBetween = (text: string, a: Token, b: Token) => BREAK.test(text.slice(a.end, b.start));

/** Reads policy words from the start of a word list: "abandon the use" -> -1, "fight for the abolition" -> -1. */
function actionChain(toks: Array<Token & { brk?: boolean }>, i: number, text: string, verbs?: Set<string> | null): { polarity: number; last: number } | null {
  const first = actionOf(toks[i].word) || (verbs?.has(termOf(toks[i].word)) ? 1 : 0);
  // "use" only counts inside a chain ("abandon the use of"), never alone ("the use of child actors").
  if (!first || /^us(e|ed|es|ing)$/.test(toks[i].word)) return null;
  let polarity = first;
  let last = i;
  const prep = toks[i + 1]?.word;
  if (prep && (prep in FOR_AGAINST || prep === 'to') && /^(fight|fighting|argue|vote|stand|campaign)$/.test(toks[i].word)) {
    polarity = FOR_AGAINST[prep] ?? 1;
    last = i + 1;
  }
  for (let j = last + 1; j <= last + CHAIN_REACH && j < toks.length; j++) {
    if (toks[j].brk ?? punctuationBetween(text, toks[j - 1], toks[j])) break;
    const a = actionOf(toks[j].word);
    if (!a) {
      if (CHAIN_GAP.has(toks[j].word)) continue;
      break;
    }
    // Same-direction neighbours form one phrase ("criminal offence"); others compose ("abandon the use").
    if (j === i + 1 && a === first) last = j;
    else {
      polarity *= a;
      last = j;
    }
    break;
  }
  return { polarity, last };
}

/** Verbs that link a topic to what is said of it in a query ("RLHF is harmful", "is hyperstition real"). */
const QUERY_LINKS = new Set(['is', 'are', 'was', 'were', 'be', 'seems', 'seem', 'isn', 'aren', 'wasn', 'weren']);

/**
 * A judging word that ends a query after a linking verb ("is hyperstition real", "RLHF is not harmful", "… real or
 * not") is what the query says of the topic, not part of it: its position and polarity (turned by a "not" just
 * before it). Only the last word, and only with two words besides, so a topic that holds such a word ("emergent
 * misalignment") keeps it.
 */
export function predicate(toks: Token[]): { at: number; polarity: number } | null {
  // "is hyperstition real or not": the judging word is the one before "or not".
  const orNot = toks.length > 2 && toks.at(-2)!.word === 'or' && toks.at(-1)!.word === 'not';
  const at = toks.length - (orNot ? 3 : 1);
  if (at < 2) return null;
  const v = verdictOf(toks[at].word);
  const link = toks.findIndex((t) => QUERY_LINKS.has(t.word));
  if (!v || link < 0 || link >= at) return null;
  const not = toks[at - 1].word === 'not' || toks[at - 1].word === 'never';
  return { at, polarity: not ? -v : v };
}

/** Whether a negator stands just before token i (up to 3 words back, within its clause): "should not be banned". */
function negatedBefore(toks: Token[], i: number, text: string): boolean {
  for (let j = i - 1; j >= Math.max(0, i - 3); j--) {
    if (punctuationBetween(text, toks[j], toks[j + 1]) || isClauseBreak(toks[j].word)) return false;
    if (isNegator(toks[j].word, toks[j + 1]?.word)) return true;
  }
  return false;
}

/** Parses a query into the thing it is about and the direction it proposes. */
export function parseTopic(query: string): Topic {
  const toks = tokenize(query);
  let direction = 1;
  let action: string | null = null;
  let skipFrom = -1;
  let skipTo = -1;
  // "was X supported by Y", "is X caused by Y": a passive claim, not a policy ("support X").
  const passive = /^(is|are|was|were)$/.test(toks[0]?.word ?? '');
  for (let i = 0; i < toks.length; i++) {
    if (passive && toks[i + 1]?.word === 'by') continue;
    const c = actionChain(toks, i, query);
    if (!c) continue;
    // "We should not ban fireworks", "fireworks shouldn't be banned": the query proposes to keep them.
    direction = negatedBefore(toks, i, query) ? -c.polarity : c.polarity;
    action = query.slice(toks[i].start, toks[c.last].end);
    skipFrom = i;
    skipTo = c.last;
    break;
  }
  // No policy words: a claim's subject and what it says of it ("is S P", "does S V O", "should S V O").
  const shape = action ? null : claimShape(query, toks);
  if (shape) {
    const content = (a: number, b: number) =>
      toks.slice(a, b).filter((t, k) => !isStopWord(t.word) && t.word.length >= 2 && !isNegator(t.word, toks[a + k + 1]?.word) && t.word !== 'way').map((t) => termOf(t.word));
    const pred = content(shape.predicate[0], shape.predicate[1]);
    if (shape.verb !== undefined) {
      // "should labs filter X": a proposal to filter X; X is what it is about.
      const object = content(shape.verb + 1, shape.predicate[1]);
      const terms = new Set(object.length ? object : content(shape.subject[0], shape.subject[1]));
      return { terms, direction: 1, action: toks[shape.verb].word, verbs: new Set([termOf(toks[shape.verb].word)]) };
    }
    const subject = new Set(content(shape.subject[0], shape.subject[1]));
    const joined = new Set<string>();
    for (let k = shape.subject[0] + 1; k < shape.subject[1]; k++) {
      if (query.slice(toks[k - 1].end, toks[k].start) === '-') joined.add(termOf(toks[k - 1].word)).add(termOf(toks[k].word));
    }
    // A judging predicate ("a good way to …", "a correct account") is read by the judging words said of the subject.
    const head = toks.slice(shape.predicate[0], Math.min(shape.predicate[1], shape.predicate[0] + 3));
    const judged = head.findIndex((t) => verdictOf(t.word));
    // "hyperstition is not real": the negator turns what is said.
    const judging = judged < 0 ? 0 : verdictOf(head[judged].word) * (head.slice(0, judged).some((t, k) => isNegator(t.word, head[k + 1]?.word)) ? -1 : 1);
    const words = content(shape.subject[0], shape.subject[1]);
    const last = subject.size > 1 && !joined.has(words[words.length - 1]) ? words[words.length - 1] : null;
    if (subject.size && judging) return { terms: subject, direction: judging, action: null, joined, head: last, asks: judgesTruth(head[judged].word) ? 'truth' : 'worth' };
    if (subject.size && pred.length) return { terms: subject, direction: 1, action: null, claim: pred.slice(0, 3), joined, head: last };
  }
  const said = predicate(toks);
  if (said) direction *= said.polarity;
  const asks = said ? (judgesTruth(toks[said.at].word) ? 'truth' : 'worth') : null;
  const terms = new Set<string>();
  toks.forEach((t, i) => {
    if (i >= skipFrom && i <= skipTo) return;
    if (said && i === said.at) return;
    if (isStopWord(t.word) || t.word.length < 2 || isNegator(t.word, toks[i + 1]?.word)) return;
    terms.add(termOf(t.word));
  });
  if (!terms.size) {
    // The query is only policy words ("ban"): it is about those words, taken as a thing.
    for (const t of toks) if (!isStopWord(t.word)) terms.add(termOf(t.word));
    direction = 1;
    action = null;
  }
  return { terms, direction, action, asks };
}

export interface Reading {
  /** Sum of cue polarity x weight, toward the thing itself (+ for it). */
  score: number;
  cues: Cue[];
  /** How many sentences name the topic. */
  mentions: number;
  /** Whether the passage states a side outright (proposes or rejects the policy, or negates the topic itself). */
  stated: boolean;
}

/** Gap words allowed inside a chain of policy words ("abandon the use of"). */
const CHAIN_GAP = new Set(['the', 'a', 'an', 'of', 'for', 'to', 'on', 'its', 'their', 'this', 'that', 'these', 'all']);
/** Sentences up to this many words let a policy word reach the topic anywhere in them. */
const SHORT_SENTENCE = 30;
/** Verbs that link a subject to what is said of it. */
const COPULAS = new Set(['is', 'are', 'was', 'were', 'seems', 'seem', 'appears', 'appear', 'sounds', 'looks', 'remains']);
/** Linking words that make "X … good" a statement about X (not "to hyperstition a good persona"). */
const VERBS = new Set([...COPULAS, 'be', 'been', 'being', 's', 'does', 'doesn', 'do', 'don', 'isn', 'aren', 'wasn', 'weren']);
/** How many words from the topic's own words (in the same clause) a judging word may be. */
const JUDGE_REACH = 10;
/** How many words from the subject the claim's own word may be, in one sentence. */
const CLAIM_REACH = 12;

type Tok = Word;

/** Splits a text's words into sentences, marking the topic's words. */
function annotate(text: string, words: Word[], topic: Topic): Array<{ toks: Tok[]; question: boolean }> {
  for (const w of words) w.topic = topic.terms.has(w.stem);
  // Clear mentions: a key term, or two distinct topic terms within a few words ("agency is not the default").
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w.topic && topic.joined?.has(w.stem)) {
      // "post-training": "post" or "training" alone is some other post or training.
      w.named = [words[i - 1], words[i + 1]].some((x) => x && x.stem !== w.stem && topic.joined!.has(x.stem) && topic.terms.has(x.stem));
      continue;
    }
    w.named = w.topic && (!topic.key || topic.key.has(w.stem)) && w.stem !== topic.head;
    if (!w.topic || w.named) continue;
    for (let j = Math.max(0, i - 4); j <= Math.min(words.length - 1, i + 4) && !w.named; j++) {
      if (j !== i && words[j].topic && words[j].stem !== w.stem) w.named = true;
    }
  }
  const out: Array<{ toks: Tok[]; question: boolean }> = [];
  for (const [a, b] of sentenceRanges(words)) {
    const tail = text.slice(words[b - 1].end, b < words.length ? words[b].start : text.length);
    out.push({ toks: words.slice(a, b), question: tail.includes('?') });
  }
  return out;
}

/**
 * Whether a cue answers what the query asks. A question about doing something ("should labs filter X") is answered
 * by what is said of the doing, not of X; a claim ("is X caused by Y") by the claim said or denied, not by anything
 * else said of X; a question of truth ("is X real") by judgements of truth, not worth, and the other way round; and
 * "not X" denies X only where X itself is the question (a bare topic, a motion).
 */
function answers(topic: Topic, c: Cue, text: string): boolean {
  if (topic.verbs) return c.kind === 'action';
  if (topic.claim) return c.kind === 'claim';
  if (!topic.asks) return true;
  if (c.kind === 'negated topic') return false;
  if (c.kind !== 'verdict' && c.kind !== 'judgement') return true;
  const words = text.slice(c.start, c.end).toLowerCase().match(/[a-z]+/g) ?? [];
  const judging = words.filter((w) => verdictOf(w));
  return judging.some((w) => judgesTruth(w) === (topic.asks === 'truth'));
}

/** Texts longer than this (a forum comment, not a one-line argument) take a side only from what they state of the topic. */
export const LONG_TEXT = 300;

/** Words that may stand between a negator and the phrase it denies ("not really X", "isn't quite X", "no such X"). */
const NEG_GAP = new Set(['t', 'really', 'quite', 'a', 'an', 'the', 'any', 'such', 'actually', 'even', 'just', 'be', 'is', 'necessarily']);

/** Whether negator `n` stands right before word i, with only words like "really" or "a" between. */
function negatesPhrase(toks: Tok[], n: number, i: number): boolean {
  for (let j = n + 1; j < i; j++) if (!NEG_GAP.has(toks[j].word) && !toks[j].topic) return false;
  return i - n <= 4;
}

/** Whether "not X" is one side of a contrast: ", not X", "not X but …", "not X, rather …", "rather than X". */
function contrasted(toks: Tok[], n: number, i: number): boolean {
  if (toks[n].word === 'not' && toks[n].brk && n > 0) return true;
  let j = i + 1;
  while (j < toks.length && toks[j].topic) j++;
  return /^(but|rather|instead)$/.test(toks[j]?.word ?? '');
}

/** Whether a clause ends before word j (punctuation, or a word such as "because"). */
function breaks(toks: Tok[], j: number): boolean {
  return toks[j].brk || isClauseBreak(toks[j].word);
}

/** -1 when word i is negated. */
function sign(negBy: Int32Array, i: number): number {
  return negBy[i] >= 0 ? -1 : 1;
}

/** Where a cue on word i starts: at its negator, if any. */
function startOf(toks: Tok[], negBy: Int32Array, i: number): number {
  return negBy[i] >= 0 ? Math.min(toks[negBy[i]].start, toks[i].start) : toks[i].start;
}

/**
 * Whether a topic word is within JUDGE_REACH words of word i, in the same clause: a judging word counts only when
 * said of the topic ("uniforms are beneficial", not "the food was great, and someone mentioned uniforms").
 */
function nearTopic(toks: Tok[], i: number): boolean {
  for (let j = i; j >= Math.max(0, i - JUDGE_REACH); j--) {
    if (toks[j].topic) return true;
    if (breaks(toks, j)) break;
  }
  for (let j = i + 1; j <= Math.min(toks.length - 1, i + JUDGE_REACH); j++) {
    if (breaks(toks, j)) break;
    if (toks[j].topic) return true;
  }
  return false;
}

/**
 * Reads the cues of a passage toward a topic. Sentences that name the topic count fully, the others half;
 * questions count half again. A proposal ("X should be banned", "we should not abolish X") outweighs judgements;
 * a policy word that is not proposed ("abolishing X would hurt Y", "if we ban X") turns the judgements after it.
 */
export function readStance(text: string, topic: Topic, words: Word[] = wordsOfText(text)): Reading {
  const cues: Cue[] = [];
  let mentions = 0;
  let stated = false;
  const sents = annotate(text, words, topic);
  let after = false; // the sentence before named the topic
  for (const { toks, question } of sents) {
    const named = toks.some((t) => t.topic);
    if (named) mentions++;
    // The sentences naming the topic count, the one right after them half, others a quarter.
    const weightOf = named ? 1 : after ? 0.5 : 0.25;
    after = named;
    const scale = weightOf;
    // Only what the writer asserts counts (voice.ts): not questions, suppositions, reported or quoted words.
    const voice = voiceOf(text, toks, question);
    const add = (c: Cue, at: number) => {
      const v = voice.weight[at];
      if (!v) return;
      cues.push({ ...c, weight: c.weight * v, polarity: voice.rhetorical ? -c.polarity : c.polarity, ...(voice.why[at] ? { note: voice.why[at] } : {}) });
    };
    // Negation: which words a negator reaches (until a clause break or NEG_REACH words).
    const negBy = new Int32Array(toks.length).fill(-1);
    for (let i = 0; i < toks.length; i++) {
      if (!isNegator(toks[i].word, toks[i + 1]?.word)) continue;
      const from = toks[i + 1]?.word === 't' ? i + 2 : i + 1;
      // "I don't think we should …" negates what is thought.
      const raised = /^(think|believe|feel|suppose|agree)$/.test(toks[from]?.word ?? '');
      for (let j = from; j < toks.length && j <= i + NEG_REACH + (raised ? 6 : 0); j++) {
        if (j > from && (breaks(toks, j) || (!raised && isProposer(toks[j].word)) || toks[j].word === 'and' || toks[j].word === 'or')) break;
        if (negBy[j] < 0) negBy[j] = i;
      }
    }
    const used = new Set<number>();
    const consumed = new Uint8Array(toks.length);
    const reach = toks.length <= SHORT_SENTENCE ? toks.length : ACTION_REACH;
    // Pass 1: policy words aimed at the topic.
    let turn = 1; // set by a policy word that is not proposed: judgements after it are about doing it
    let turnFrom = toks.length;
    for (let i = 0; i < toks.length; i++) {
      if (consumed[i] || toks[i].topic || !(topic.verbs ? topic.verbs.has(toks[i].stem) : actionOf(toks[i].word))) continue;
      const chain = actionChain(toks, i, text, topic.verbs);
      if (!chain) continue;
      let near = false;
      for (let j = Math.max(0, i - reach); j <= Math.min(toks.length - 1, chain.last + reach); j++) {
        if (toks[j].topic) {
          near = true;
          break;
        }
      }
      if (!near) continue;
      // A judgement just before "to" ("wrong to ban", "a good idea to abolish", "not necessary to subsidize")
      // judges the doing.
      let judged = -1;
      let to = i - 1;
      while (to > 0 && /^(be|only|just|simply|even|not|ever|completely|entirely|further)$/.test(toks[to].word)) to--;
      if (toks[to]?.word !== 'to') to = -1;
      for (let j = to - 1; to > 0 && j >= Math.max(0, to - 4); j--) {
        if (toks[j].ev && !toks[j].topic) {
          // Only a judging word said of the doing ("it is wrong to", "would be foolish to"), not a noun ("rights to").
          if (j === 0 || /^(is|be|was|are|it|s|seems|seem|absolutely|very|so|too|not|really|quite|more|most|less)$/.test(toks[j - 1].word)) judged = j;
          break;
        }
        if (breaks(toks, j + 1)) break;
      }
      // In an "if" clause nothing is proposed: "if X is not abandoned, …" only turns what follows.
      let conditional = false;
      for (let j = i - 1; j >= 0; j--) {
        if (/^(if|unless|when|whether)$/.test(toks[j].word)) conditional = true;
        if (conditional || toks[j + 1].brk) break;
      }
      let proposed = false;
      for (let j = i - 1; !conditional && j >= Math.max(0, i - 4); j--) {
        if (isProposer(toks[j].word)) {
          proposed = true;
          break;
        }
        if (breaks(toks, j + 1)) break;
      }
      // Not proposed: it only turns what follows when the topic (or "it") is what is done to ("abolishing X would…").
      if (judged < 0 && !proposed && (negBy[i] < 0 || conditional)) {
        let object = false;
        for (let j = chain.last + 1; j < toks.length && j <= chain.last + 4; j++) {
          if (breaks(toks, j)) break;
          if (toks[j].topic || /^(it|them|this|these|that)$/.test(toks[j].word)) {
            object = true;
            break;
          }
        }
        if (!object) continue;
      }
      for (let j = i; j <= chain.last; j++) consumed[j] = 1;
      if (judged >= 0) {
        consumed[judged] = 1;
        if (negBy[judged] >= 0) used.add(negBy[judged]);
        add({ polarity: toks[judged].ev * sign(negBy, judged) * sign(negBy, i) * chain.polarity, weight: 2 * scale, start: startOf(toks, negBy, judged), end: toks[chain.last].end, kind: 'action' }, judged);
        stated = true;
      } else if (proposed || (negBy[i] >= 0 && !conditional)) {
        if (negBy[i] >= 0) used.add(negBy[i]);
        add({ polarity: chain.polarity * sign(negBy, i), weight: 2 * scale, start: startOf(toks, negBy, i), end: toks[chain.last].end, kind: 'action' }, i);
        stated = true;
      } else if (turnFrom === toks.length) {
        turn = chain.polarity * sign(negBy, i);
        if (negBy[i] >= 0) used.add(negBy[i]);
        turnFrom = chain.last + 1;
      }
      i = chain.last;
    }
    // Verdicts: the topic, a linking verb, and a judging word ("hyperstition is a real phenomenon", "agency by
    // default is very intuitive", "seems like a uniquely weak argument", "doesn't hold up").
    for (let i = 0; i < toks.length; i++) {
      if (!toks[i].named || toks[i + 1]?.topic) continue;
      let j = i + 1;
      // The subject may go on a few words before its verb ("hyperstition / self-fulfilling misalignment is").
      for (let k = j; k < toks.length && k <= i + 4 && !toks[k].topic; k++) {
        // Not across a clause break: "…, even after post training, and is a plausible mechanism" says it of another.
        if (toks[k].brk || toks[k].word === 'and') break;
        if (COPULAS.has(toks[k].word)) {
          j = k;
          break;
        }
      }
      let linked = false;
      while (j < toks.length && j <= i + 9 && !toks[j].topic && isLink(toks[j].word) && !(j > i + 1 && toks[j].brk)) {
        if (VERBS.has(toks[j].word)) linked = true;
        j++;
      }
      if (!linked || j >= toks.length || toks[j].brk || consumed[j]) continue;
      const v = verdictOf(toks[j].word);
      if (!v) continue;
      const end = (toks[j].word === 'hold' || toks[j].word === 'holds') && toks[j + 1]?.word === 'up' ? j + 1 : j;
      if (negBy[j] >= 0) used.add(negBy[j]);
      for (let k = i + 1; k <= end; k++) consumed[k] = 1;
      // The cue shows its negator too, even one before the topic ("No hyperstitioning is necessary").
      add({ polarity: v * sign(negBy, j), weight: 2 * scale, start: Math.min(toks[i].start, startOf(toks, negBy, j)), end: toks[end].end, kind: 'verdict' }, j);
      stated = true;
    }
    // The query's claim said of the subject in this sentence ("the assistant persona is underspecified"), or denied
    // in the claim's own clause ("post-training doesn't override the prior").
    if (topic.claim?.length) {
      const [head, ...rest] = topic.claim;
      const heads = sameSense(head);
      for (let j = 0; j < toks.length; j++) {
        if (!heads.has(toks[j].stem) || consumed[j] || toks[j].topic) continue;
        let subj = -1;
        for (let k = Math.max(0, j - CLAIM_REACH); k <= Math.min(toks.length - 1, j + CLAIM_REACH); k++) if (toks[k].named) subj = subj < 0 || Math.abs(k - j) < Math.abs(subj - j) ? k : subj;
        if (subj < 0) continue;
        const others = rest.filter((t) => toks.some((x) => x.stem === t)).length;
        if (others * 2 < rest.length) continue;
        if (negBy[j] >= 0 && contrasted(toks, negBy[j], j)) continue;
        if (negBy[j] >= 0) used.add(negBy[j]);
        consumed[j] = 1;
        const a = Math.min(toks[subj].start, startOf(toks, negBy, j));
        const b = Math.max(toks[subj].end, toks[j].end);
        if (voice.weight[subj]) add({ polarity: sign(negBy, j), weight: 2 * scale, start: a, end: b, kind: 'claim' }, j);
        stated = true;
      }
    }
    // A judging word aimed at the topic: "related to X", "evidence for X", "sceptical of X", "unrelated to X".
    for (let i = 1; i + 1 < toks.length; i++) {
      if (!toks[i + 1].named || !/^(to|for|of|in|with|about|against)$/.test(toks[i].word) || toks[i].brk || toks[i + 1].brk) continue;
      const j = i - 1;
      if (consumed[j] || toks[j].topic) continue;
      const v = verdictOf(toks[j].word);
      if (!v) continue;
      if (negBy[j] >= 0) used.add(negBy[j]);
      consumed[j] = 1;
      const toward = toks[i].word === 'against' ? -1 : 1;
      add({ polarity: v * toward * sign(negBy, j), weight: 2 * scale, start: startOf(toks, negBy, j), end: toks[i + 1].end, kind: 'verdict' }, j);
      stated = true;
    }
    // Negators spent on a policy word also silence the judging words between them ("no reason to abandon").
    for (let i = 0; i < toks.length; i++) {
      if (negBy[i] < 0 || !used.has(negBy[i]) || consumed[i]) continue;
      for (let j = i + 1; j < toks.length; j++) {
        if (consumed[j] && negBy[j] === negBy[i]) {
          consumed[i] = 1;
          break;
        }
      }
    }
    // Pass 2: judging words, turned by shifters before them.
    for (let i = 0; i < toks.length; i++) {
      if (consumed[i] || toks[i].topic) continue;
      const t = i >= turnFrom ? turn : 1;
      if (isShifter(toks[i].word)) {
        let hit = -1;
        for (let j = i + 1; j < toks.length && j <= i + SHIFT_REACH; j++) {
          if (breaks(toks, j)) break;
          if (!toks[j].topic && !consumed[j] && toks[j].ev) {
            hit = j;
            break;
          }
        }
        if (hit >= 0 && nearTopic(toks, i)) {
          if (negBy[i] >= 0) used.add(negBy[i]);
          add({ polarity: -toks[hit].ev * sign(negBy, i) * t, weight: scale, start: startOf(toks, negBy, i), end: toks[hit].end, kind: 'judgement' }, i);
          for (let j = i; j <= hit; j++) consumed[j] = 1;
          i = hit;
          continue;
        }
      }
      if (toks[i].ev) {
        // In a long sentence, only judging words near the topic's own words count.
        if (!nearTopic(toks, i)) continue;
        if (negBy[i] >= 0) used.add(negBy[i]);
        add({ polarity: toks[i].ev * sign(negBy, i) * t, weight: scale, start: startOf(toks, negBy, i), end: toks[i].end, kind: 'judgement' }, i);
      }
    }
    // "agency is not the default": a negator right before the topic's own words ("not X", "isn't really X"), and
    // nothing else. Its scope is that phrase: "I don't think the cause of X is …" denies the cause, not X; and a
    // contrast ("fine-tuning, not X", "not X but Y", "X rather than") says where something lies, not that X is false.
    for (let i = 0; i < toks.length; i++) {
      if (!toks[i].named || negBy[i] < 0 || used.has(negBy[i])) continue;
      if (!negatesPhrase(toks, negBy[i], i) || contrasted(toks, negBy[i], i)) continue;
      used.add(negBy[i]);
      add({ polarity: -1, weight: 1.5 * scale, start: toks[negBy[i]].start, end: toks[i].end, kind: 'negated topic' }, i);
      stated = true;
    }
  }
  cues.sort((a, b) => a.start - b.start);
  // Stated only by a cue that counted (one in a question or a quote was dropped).
  stated = cues.some((c) => c.kind !== 'judgement');
  // A stated side outweighs the judgements around it (reasons often judge other things: "because people need work").
  // A long comment judges many things besides the topic: there only what it states of the topic itself counts.
  const kinds = cues.filter((c) => answers(topic, c, text));
  const counted = stated || text.length > LONG_TEXT ? kinds.filter((c) => c.kind !== 'judgement') : kinds;
  // What the writer only concedes before turning to their point ("X is enough to …, but …") is no side on its own.
  const conceded = counted.every((c) => c.note?.startsWith('conceded'));
  const score = conceded ? 0 : counted.reduce((s, c) => s + c.polarity * c.weight, 0);
  return { score, cues: counted, mentions, stated };
}
