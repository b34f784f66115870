// Whose voice a word is in, and how firmly: a forum writer states a side in their own assertive clauses, not in a
// question they ask, an "if" they suppose, words they quote or report ("they claim X"), sarcasm, or a clause they
// say they are unsure of. Each word of a sentence gets a weight: 1 asserted, 0.5 conceded or hedged, 0 not asserted.
import type { Word } from './words.ts';

export interface Voice {
  /** Per word of the sentence: how much a cue on it counts (0, 0.5 or 1). */
  weight: Float32Array;
  /** Why a word does not count fully, per word (for the JSON's explanation); '' when it does. */
  why: string[];
  /** A negative question asked to assert ("Isn't X obviously real?"): its cues count, with the negation undone. */
  rhetorical: boolean;
}

/** Verbs that report what someone else says or thinks: what follows is theirs, unless the subject is the writer. */
const REPORT = new Set(
  `claim claims claimed argue argues argued say says said suggest suggests suggested assume assumes assumed believe
  believes believed think thinks thought imply implies implied conclude concludes concluded hypothesize hypothesizes
  hypothesise hypothesises posit posits posited insist insists insisted assert asserts asserted worry worries
  worried fear fears feared hope hopes hoped`.split(/\s+/),
);
/** Subjects that make a reporting verb the writer's own ("I think X", "we argue X"). */
const FIRST_PERSON = new Set(['i', 'we', 'im', 'ive', 'id']);
/** Openers of a negative question that asserts its answer: "isn't it", "doesn't this", "don't you think". */
const NEG_AUX = /^(isn|aren|wasn|weren|doesn|don|didn|wouldn|shouldn|couldn|hasn|haven|won|can)$/;
/** Words that open a clause the writer only supposes. */
const SUPPOSE = new Set(['if', 'unless', 'whether', 'suppose', 'supposing', 'assuming']);
/** Words after which the rest of a sentence outweighs what came before ("Sure, X, but Y"). */
const CONCEDE_UNTIL = new Set(['but', 'however', 'though', 'yet']);
/** Markers of sarcasm that the words themselves show. */
const SARCASM = [/\bhow dare\b/i, /\byeah,? right\b/i, /\boh sure\b/i, /\bI know, I know\b/i, /(^|\s)\/s\b/, /\bwhat could (possibly )?go wrong\b/i];
/** Words that say the writer does not know (the clause after them states no side). */
const UNSURE = [/\b(unclear|uncertain|unsure|not sure|not certain|don[’']?t know|no idea) (whether|if|that|how|what)\b/i, /\bit[’']?s possible that\b/i];

/**
 * Voices already read, by the sentence's first word: the words of a passage are kept (words.ts) and an answer reads
 * the same sentences more than once (its positions, then the excerpts), and the voice does not depend on the topic.
 */
const read = new WeakMap<Word, { toks: Word[]; question: boolean; voice: Voice }>();

/** Marks the words of one sentence (`toks`, offsets into `text`) with the weight of the writer's voice. */
export function voiceOf(text: string, toks: Word[], question: boolean): Voice {
  const had = toks.length ? read.get(toks[0]) : undefined;
  if (had && had.question === question && had.toks.length === toks.length && had.toks[toks.length - 1] === toks[toks.length - 1]) return had.voice;
  const voice = readVoice(text, toks, question);
  if (toks.length) read.set(toks[0], { toks, question, voice });
  return voice;
}

function readVoice(text: string, toks: Word[], question: boolean): Voice {
  const n = toks.length;
  const weight = new Float32Array(n).fill(1);
  const why: string[] = new Array(n).fill('');
  const mark = (a: number, b: number, w: number, reason: string) => {
    for (let i = a; i < b; i++) {
      if (w < weight[i]) {
        weight[i] = w;
        why[i] = reason;
      }
    }
  };
  if (!n) return { weight, why, rhetorical: false };
  const sentence = text.slice(toks[0].start, toks[n - 1].end);
  // A negative question asserts its answer ("Isn't X real?" says X is real); other questions state no side.
  const first = toks[0].word === 'but' || toks[0].word === 'and' || toks[0].word === 'so' ? 1 : 0;
  const rhetorical = question && NEG_AUX.test(toks[first]?.word ?? '') && toks[first + 1]?.word === 't';
  if (question && !rhetorical) mark(0, n, 0, 'a question');
  if (SARCASM.some((r) => r.test(sentence))) mark(0, n, 0, 'sarcasm');
  for (let i = 0; i < n; i++) {
    const w = toks[i].word;
    // "if X is real, …": supposed until the clause ends.
    if (SUPPOSE.has(w) && !(w === 'if' && toks[i - 1]?.word === 'as')) {
      let j = i + 1;
      while (j < n && !toks[j].brk && toks[j].word !== 'then') j++;
      mark(i, j, 0, 'supposed (if …)');
    }
    // "they claim X", "people think X": the rest of the sentence is theirs. "I think X" is the writer's own.
    if (REPORT.has(w) && i > 0) {
      let subject = '';
      for (let j = i - 1; j >= Math.max(0, i - 3); j--) {
        if (toks[j + 1].brk) break;
        subject = toks[j].word;
        if (/^(i|we|they|he|she|people|it|you|someone|anyone|many|some|others)$/.test(subject) || FIRST_PERSON.has(subject)) break;
      }
      // "I'd say", "I'll argue": the stub after an apostrophe still belongs to "I".
      if (!FIRST_PERSON.has(subject) && !(/^(d|ll|m|ve)$/.test(subject) && toks[i - 2]?.word === 'i')) mark(i, n, 0, 'reported (someone else says or thinks it)');
      // "I didn't claim that X": the writer says they do not assert X. ("I don't think X" denies X: stance.ts reads it.)
      else if (w !== 'think' && w !== 'believe' && (toks[i - 1]?.word === 't' || toks[i - 1]?.word === 'not' || toks[i - 1]?.word === 'never')) mark(i, n, 0, 'not claimed');
    }
    if (/^according$/.test(w) && toks[i + 1]?.word === 'to') mark(i, n, 0, 'reported (according to …)');
  }
  // "… was true or not": open, not asserted (the clause up to "or not").
  for (let i = 1; i + 1 < n; i++) {
    if (toks[i].word !== 'or' || toks[i + 1].word !== 'not') continue;
    let a = i;
    while (a > 0 && !toks[a].brk) a--;
    mark(a, i + 2, 0, 'left open (… or not)');
  }
  // Words the writer is unsure of.
  for (const r of UNSURE) {
    const m = r.exec(sentence);
    if (!m) continue;
    const at = toks[0].start + m.index;
    let i = toks.findIndex((t) => t.start >= at);
    if (i < 0) continue;
    let j = i + 1;
    while (j < n && !toks[j].brk) j++;
    mark(i, j, 0, 'the writer is unsure');
  }
  // Quoted words ("…" of four words or more) are someone else's; a short scare quote stays the writer's.
  const quoted = /[“"]([^“”"]{12,})[”"]/g;
  for (let m; (m = quoted.exec(sentence)); ) {
    const a = toks[0].start + m.index;
    const b = a + m[0].length;
    const inside = toks.map((t, i) => (t.start >= a && t.end <= b ? i : -1)).filter((i) => i >= 0);
    if (inside.length >= 4) mark(inside[0], inside[inside.length - 1] + 1, 0, 'quoted');
  }
  // "Sure, X, but Y": what comes before the turn is conceded and counts half.
  for (let i = 1; i < n; i++) {
    if (CONCEDE_UNTIL.has(toks[i].word) && (toks[i].brk || toks[i].word === 'but')) {
      mark(0, i, 0.5, 'conceded before “but”');
      break;
    }
  }
  return { weight, why, rhetorical };
}
