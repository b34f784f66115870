// Small, general English word lists for telling which side a sentence takes on a topic. Nothing here names a topic:
// the lists hold evaluative words (good/harmful), policy verbs (adopt/ban), negators, and "shifters" (reduce,
// prevent, stifle) that turn the polarity of the word after them ("reduces bullying" speaks well of its subject).
import { termOf } from '../core/text.ts';

const words = (s: string) => s.trim().split(/\s+/);

/** Verbs and nouns of doing something to a thing, with their direction: +1 keeps or furthers it, -1 removes it. */
const ACTION_PLUS = words(`
  adopt adopted adopting adoption legalize legalise legalized legalised legalizing legalising legalization legalisation
  introduce introduced introducing introduction subsidize subsidise subsidized subsidised subsidizing subsidy subsidies
  keep kept keeping retain retained retaining maintain maintained maintaining preserve preserved preserving
  allow allowed allowing permit permitted permitting legal support supported supporting fund funded funding
  continue continued continuing expand expanded expanding embrace embraced accept accepted implement implemented
  enforce enforced require required requiring mandate mandated use used using
  protect protected protecting defend defended invest invested investing`);
const ACTION_MINUS = words(`
  abandon abandoned abandoning abandonment abolish abolished abolishing abolition ban banned banning
  prohibit prohibited prohibiting prohibition end ended ending close closed closing closure fight fighting
  criminalize criminalise criminalized criminalised criminalizing outlaw outlawed forbid forbidden forbidding
  eliminate eliminated eliminating remove removed removing removal scrap scrapped repeal repealed abolishment
  illegal criminal offence offense stop stopped stopping reject rejected oppose opposed restrict restricted
  cancel cancelled discontinue discontinued dismantle disband shut rid`);

/** Words that judge what they are said of: +1 well, -1 badly. Deliberately general; no topic words. */
const GOOD = words(`
  good great better best benefit benefits beneficial helpful helps help helping useful important essential necessary
  valuable fair fairness safe safer safety freedom freedoms liberty improve improves improved improvement
  positive effective efficient success successful advantage advantages opportunity opportunities healthy
  save saves saving savings cheaper cheap affordable equal equality unity respect responsible moral ethical justice
  legitimate reasonable sensible plausible real true valid compelling convincing intuitive relevant matters
  progress happy happiness welfare peace secure security prosperity growth innovation
  enable enables empower empowers boost boosts strengthen strengthens rights worth worthwhile crucial vital
  correct sound solid robust agree agreed favor favour merit merits justified justifiable wise accurate
  genuine humane dignity compassion asset valuable protects deter deters deterrent creativity creative individuality
  expression autonomy privacy diversity choice`);
const BAD = words(`
  bad worse worst harm harms harmful hurt hurts damage damages damaging dangerous danger dangers risk risks risky
  useless waste wasteful unfair unjust wrong wrongly outdated antiquated obsolete archaic cruel immoral unethical
  unnecessary pointless problem problems problematic costly expensive unaffordable burden threat threatens
  violence violent abuse abuses abused exploit exploits exploited exploitation death deaths kill kills killing
  poverty crime crimes corrupt corruption discrimination discriminatory bullying bully bullied inequality
  weak weaker flawed false implausible unconvincing dubious doubtful questionable irrelevant unrelated misleading
  mistaken incorrect overblown exaggerated speculative speculation fault faults failure fails fail failed
  confusing naive silly dumb stupid absurd ridiculous nonsense fallacy fallacious unfounded baseless
  disagree doubt doubts skeptical sceptical against unhealthy suffering pain loss
  unsafe insecure inefficient ineffective counterproductive lazy unlikely impossible murder torture
  inhumane inhuman barbaric embarrassment chaos anarchy oppression disaster unstable irresponsible inadequate
  stain drain exploitative risky selfish greedy immature destructive detrimental negative
  incomplete inaccurate invalid unsound`);

/**
 * Shifters: verbs that act on what follows. "reduces bullying" is good, "stifles creativity" bad: the sentence's
 * polarity is minus that of the word shifted. Alone (no judged word after them) they count for nothing.
 */
const SHIFTERS = words(`
  reduce reduces reduced reducing reduction prevent prevents prevented preventing prevention avoid avoids avoiding
  stop stops eliminate eliminates lessen lessens decrease decreases lower lowers less fewer combat combats curb curbs
  minimize minimise minimizes limit limits limiting restrict restricts restricting stifle stifles stifling hinder
  hinders harm harms damage damages destroy destroys ruin ruins undermine undermines deprive deprives violate
  violates infringe infringes suppress suppresses curtail curtails erode erodes threaten threatens lose loses lack
  lacks without remove removes removing end ends ending fight fights tackle tackles solve solves alleviate
  eradicate eradicates cut cuts deny denies denying inhibit inhibits discourage discourages
  block blocks ban bans rob robs robbing strip strips stripping deter deters deterrent devalue devalues
  violated violating undermined undermining deprived destroying ruining`);

/** Words that negate what follows within their clause. "n't" arrives as a separate "t" after the verb. */
const NEGATORS = words(`
  not no never cannot nor neither none nothing nobody hardly barely scarcely without dont doesnt isnt arent wasnt
  werent shouldnt wouldnt couldnt cant wont hasnt havent hadnt didnt mustnt neednt aint vaguely rarely`);
/** Verb stubs left by "n't" once tokenized ("shouldn't" -> "shouldn", "t"). */
const NT_STUBS = new Set(words(`don doesn isn aren wasn weren shouldn wouldn couldn can won hasn haven hadn didn mustn needn ain`));

/** Words that end a negation's reach, besides punctuation. */
const CLAUSE_BREAKS = new Set(words(`but because since so while although though however whereas yet which who unless if as than`));

/** Words that do not count as content when grouping passages (beyond the usual stop words). */
export const GENERIC = new Set(
  words(`
  think thing things people person way ways also really even just much many lot lots one two make makes made get gets
  like would could should might may must can will need needs want wants going go goes know say says said see seems
  seem seemed well still yes yeah sure actually probably maybe perhaps point something someone anyone everyone
  everything anything every etc use used using time times year years believe feel mean means instead rather
  us able case fact given`).map(termOf),
);

const ACTION = new Map<string, number>();
for (const w of ACTION_PLUS) ACTION.set(w, 1);
for (const w of ACTION_MINUS) ACTION.set(w, -1);
const GOOD_S = new Set(GOOD);
const BAD_S = new Set(BAD);
const SHIFT_W = new Set(SHIFTERS);
const NEG_W = new Set(NEGATORS);

/** Direction of a policy word (+1 keeps or adopts, -1 removes or forbids), or 0. Exact word forms only. */
export function actionOf(word: string): number {
  return ACTION.get(word) ?? 0;
}

const polarity = (f: string) => (GOOD_S.has(f) ? 1 : BAD_S.has(f) ? -1 : 0);

/**
 * Evaluative polarity of a word (+1, -1 or 0): exact forms, plus plural/third-person (-s, -es) and adverb (-ly)
 * endings, so "reason" does not count as "reasonable" the way a stemmer would have it.
 */
export function evalOf(word: string): number {
  if (word.length < 3) return 0;
  let p = polarity(word);
  if (p || !/(s|ly)$/.test(word)) return p;
  if (word.endsWith('ly')) return polarity(word.slice(0, -2));
  if (word.endsWith('es') && (p = polarity(word.slice(0, -2)))) return p;
  return polarity(word.slice(0, -1));
}

/** Words that only judge when said of the topic itself ("hyperstition is a live concern", "X holds up"). */
const VERDICT_ONLY = new Map<string, number>([
  ['live', 1], ['present', 1], ['credible', 1], ['misguided', -1], ['holds', 1], ['hold', 1], ['stands', 1], ['sense', 1],
  ['obvious', 1], ['clear', 1], ['related', 1], ['evidence', 1], ['argument', 1], ['case', 1], ['reason', 1], ['support', 1], ['believe', 1],
]);

/** Polarity of a word said of the topic after "is"/"seems": the judging words, plus a few that only judge there. */
export function verdictOf(word: string): number {
  return VERDICT_ONLY.get(word) ?? evalOf(word);
}

/** Linking words between a topic and what is said of it ("is", "seems like a", "appears to be really"). */
const LINKS = new Set(
  words(`is are was were s be been being seems seem seemed appears appear sounds looks remains remain like to a an the
  very really much more most of quite pretty uniquely somewhat clearly definitely probably obviously certainly fairly
  rather too so just also still even at all t doesn does don do isn aren wasn not never hardly up`),
);

export function isLink(word: string): boolean {
  return LINKS.has(word);
}

export function isShifter(word: string): boolean {
  return SHIFT_W.has(word);
}

/** Whether a word negates; `next` is the following word, for "n't" split off as "t" (also misspelt: "shoudn't"). */
export function isNegator(word: string, next: string | undefined): boolean {
  return NEG_W.has(word) || (next === 't' && (NT_STUBS.has(word) || /n$/.test(word)));
}

/** Words before a policy word that make it a proposal ("should ban", "must be abolished", "time to end"). */
const PROPOSERS = new Set(words(`should must shall ought need needs have has let lets time shouldn mustn shoud shold`));

export function isProposer(word: string): boolean {
  return PROPOSERS.has(word);
}

export function isClauseBreak(word: string): boolean {
  return CLAUSE_BREAKS.has(word);
}

/**
 * Judging words that say whether something is true or real, rather than good or bad: a question of truth ("is X
 * real", "is X a correct account") is answered by them, and not by "harmful" or "useful"; a question of worth ("is X a
 * good way") the other way round.
 */
const TRUTH = new Set(
  words(`real true false valid invalid correct incorrect accurate inaccurate plausible implausible sound unsound right
  wrong mistaken unfounded baseless fallacy fallacious nonsense convincing unconvincing compelling dubious doubtful
  questionable obvious clear credible present live related unrelated evidence exaggerated overblown speculative
  speculation incomplete complete flawed weak solid robust holds hold stands genuine legitimate justified accurate
  misleading confused confusing misunderstanding`),
);

/** Whether a judging word judges truth (see TRUTH), with the same endings as evalOf. */
export function judgesTruth(word: string): boolean {
  return TRUTH.has(word) || (word.endsWith('ly') && TRUTH.has(word.slice(0, -2))) || (word.endsWith('s') && TRUTH.has(word.slice(0, -1)));
}

/**
 * Verbs that say the same of a subject, for reading a claim ("does X override Y" is also said as "X overpowers Y").
 * Thesaurus classes of common verbs of claims (cause, outweigh, improve, worsen, reduce, increase, prevent, explain,
 * support); no topic words. Only the claim's head word is matched by class; the rest of the claim by its own words.
 */
const SAME_SENSE = [
  'cause causes caused causing produce produces produced drive drives driven trigger triggers triggered',
  'override overrides overridden overriding overpower overpowers overpowered overpowering overwhelm overwhelms overwhelmed outweigh outweighs outweighed dominate dominates dominated supersede supersedes superseded overrule overrules overruled trump trumps trumped',
  'improve improves improved improving enhance enhances enhanced boost boosts boosted',
  'worsen worsens worsened degrade degrades degraded impair impairs impaired',
  'reduce reduces reduced reducing decrease decreases decreased lower lowers lowered lessen lessens diminish diminishes diminished',
  'increase increases increased increasing raise raises raised amplify amplifies amplified',
  'prevent prevents prevented preventing avert averts averted forestall forestalls',
  'explain explains explained explaining',
  'support supports supported supporting substantiate substantiates substantiated corroborate corroborates corroborated back backs backed',
].map((c) => new Set(words(c).map(termOf)));

/** The index terms that say the same as a claim's head term (itself included). */
export function sameSense(term: string): Set<string> {
  return SAME_SENSE.find((c) => c.has(term)) ?? new Set([term]);
}
