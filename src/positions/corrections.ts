// Corrections by a community: a member marks a passage shown under a position as on the other side, or on no side.
// The adapters keep them in the store per server or workspace (src/service/corrections.ts) and hand them to later
// answers there; here they are applied, by topic: a correction made under "is hyperstition real" holds for every
// query read as the same claim, and says the side toward the thing itself, so "hyperstition is not real" reads it too.
import { parseTopic, type Topic } from './stance.ts';

export interface Correction {
  /** The claim it was made under (topicKeyOf its query). */
  topic: string;
  /** The passage's id. */
  passage: string;
  /** The side toward the thing itself: +1 for it, -1 against, 0 no side. */
  toward: number;
  /** The query it was made under, and the stance the passage had there (for the list shown to configurers). */
  query: string;
  was: string;
  /** Who made it (platform user id) and when (ISO time). */
  by: string | null;
  at: string;
}

/** What a query is read as asking, as one string: the same for every query read as the same claim. */
export function topicKeyOf(query: string): string {
  return keyOf(parseTopic(query));
}

export function keyOf(t: Topic): string {
  return [[...t.terms].sort().join(' '), (t.claim ?? []).join(' '), [...(t.verbs ?? [])].join(' '), t.asks ?? ''].join('|');
}

/** +1 when a query asks for the thing itself (is X real, should we do X), -1 when for its opposite (should we ban X). */
export function directionOf(query: string): number {
  return parseTopic(query).direction;
}

/** The corrections that apply to a query (read as a claim: topicKeyOf), by passage id. */
export function correctionsFor(list: readonly Correction[] | undefined, query: string): Map<string, Correction> {
  const out = new Map<string, Correction>();
  if (!list?.length) return out;
  const key = topicKeyOf(query);
  for (const c of list) if (c.topic === key) out.set(c.passage, c);
  return out;
}
