// Whether a query is a question, and which kind: sides for and against make sense for a claim ("hyperstition is
// real") and map onto yes and no for a yes/no question ("is hyperstition real"), but an open question ("who should
// write the AI's personality") has answers, not two sides.
import { tokenize } from '../core/text.ts';

export type QuestionKind = 'yes-no' | 'open';

const OPEN = new Set(['who', 'whom', 'whose', 'what', 'which', 'why', 'how', 'when', 'where']);
/** After "what": the question asks about the thing named next. */
const THING = new Set(['is', 'are', 'about']);

// Words are split at apostrophes: "isn't" arrives as "isn" (not "don" or "won": "don't" opens commands too).
const YES_NO = new Set([
  'is', 'are', 'am', 'was', 'were', 'do', 'does', 'did', 'can', 'could', 'should', 'would', 'will', 'shall', 'may',
  'might', 'must', 'has', 'have', 'had', 'whether', 'isn', 'aren', 'wasn', 'weren', 'doesn', 'didn', 'couldn',
  'shouldn', 'wouldn', 'hasn', 'haven', 'hadn',
]);

/** The kind of question a query asks, from its first word; null for a topic, a claim or a text of several sentences. */
export function questionKind(query: string): QuestionKind | null {
  // Several sentences are a text (a message someone asked Crux to find the crux of), not one question.
  if (/[.!?…]\s+\S/.test(query.trim())) return null;
  const words = tokenize(query).map((t) => t.word);
  const first = words[0];
  if (!first) return null;
  // "what is hyperstition", "what about hyperstition": asks about the thing itself, as its bare name would.
  if (first === 'what' && THING.has(words[1] ?? '')) return null;
  if (OPEN.has(first)) return 'open';
  if (!YES_NO.has(first)) return null;
  // "is it X or Y" offers answers to choose from; "X or not" is still yes or no.
  const or = words.indexOf('or', 1);
  return or > 0 && words[or + 1] !== 'not' && or < words.length - 1 ? 'open' : 'yes-no';
}
