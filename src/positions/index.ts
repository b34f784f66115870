// Positions and exchanges for a topic. (Placeholder until the positions work lands: returns none.)
import type { Exchange, Passage, PassageHit, Position } from '../types.ts';

/** A relevant passage as the engine found it: the passage, its retrieval score, and how it is shown. */
export interface Relevant {
  passage: Passage;
  score: number;
  hit: PassageHit;
}

/** What the engine gives the positions step: the query, the relevant passages (best first) and the corpus. */
export interface PositionInput {
  query: string;
  /** Folded query words (typed and corrected), for excerpts and cue detection. */
  words: string[];
  relevant: Relevant[];
  corpus: CorpusView;
}

/** Read-only view of the loaded corpus. */
export interface CorpusView {
  /** Every passage in corpus order, copies included. */
  passages: Passage[];
  byId(id: string): Passage | undefined;
  /** Inverse document frequency of an index term (see text.termOf). */
  idf(term: string): number;
  /** Shows a passage as an answer would: verbatim excerpt around the query words. */
  show(p: Passage, words: string[], score: number): PassageHit;
}

export function findPositions(_input: PositionInput): { positions: Position[]; notices: string[] } {
  return { positions: [], notices: [] };
}

export function findExchanges(_input: PositionInput, _positions: Position[]): Exchange[] {
  return [];
}
