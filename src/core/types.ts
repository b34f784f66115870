// Plain data shared by the core, the commands and every adapter. No platform types here.

/** Where a passage came from: a file, or one record (post, comment, message) inside a file. */
export interface SourceInfo {
  /** File-based id for .txt/.md ("002_63a2ad95298388d4"), the record id for JSONL and exports. */
  id: string;
  title: string;
  author: string | null;
  url: string | null;
  date: string | null;
  site?: string | null;
  year?: number | null;
}

/** One indexed paragraph (or sentence window) with its exact original text. */
export interface Passage {
  /** Stable id: `<source>:L<line>` for line-based files, `<record>` or `<record>.<n>` for records. */
  id: string;
  /** Exact text as written in the corpus file. */
  text: string;
  source: SourceInfo;
  /** Relative path of the file it came from, and the 1-based line where the passage starts. */
  file: string;
  line: number;
  /** Position in corpus order (0-based), used for stable tie breaks and neighbourhood lookups. */
  ord: number;
  /** Reply structure when the corpus has it (JSONL `thread`/`parent`, exports). */
  thread?: string | null;
  parent?: string | null;
  /** The record the passage belongs to (JSONL id); paragraphs of one record share it. */
  record?: string | null;
  score?: number | null;
  /** Set on a copy: the id of the first passage with the same folded text. Copies are not indexed. */
  dupOf?: string | null;
  /** The passage this one answers by quoting it (a `>` blockquote just before it, found in the corpus). */
  quotes?: string | null;
}

/** A passage as shown in an answer: `text` is a verbatim excerpt (… marks cuts). */
export interface PassageHit {
  id: string;
  text: string;
  source: SourceInfo;
  score: number;
  /** [start, end) offsets of matched terms inside `text`, for highlighting. */
  highlights: Array<[number, number]>;
  /** With AskOptions.explain (--explain): why it ranks where it does (see src/search/rank.ts). */
  why?: import('../search/rank.ts').Why;
}

/** For or against a topic or claim; yes or no to a yes/no question ("is hyperstition real"). */
export type Stance = 'for' | 'against' | 'yes' | 'no' | 'mixed' | 'unclear';

export interface Position {
  label: string;
  stance: Stance;
  /** Why the stance was chosen (a cue word or phrase found in the passages), or null. */
  stanceCue?: string | null;
  passages: PassageHit[];
  /** How many passages back it, how many distinct authors (null when authors are unknown), out of how many relevant. */
  weight: { passages: number; authors: number | null; ofRelevant: number };
  /** Why passages landed here: free-form, per passage id. */
  why?: Record<string, string>;
  /** Passages placed here by a correction of this community (issue 12), not by Crux's reading. */
  corrected?: string[];
}

export interface Exchange {
  claim: PassageHit;
  reply: PassageHit;
  /** Index into `positions` for each side, when it belongs to one. */
  claimPosition?: number | null;
  replyPosition?: number | null;
  /** How the pair was found. */
  via: 'parent' | 'quote';
}

/** The platform-neutral answer to one query; `--json` prints exactly this. */
export interface Answer {
  query: string;
  didYouMean: string | null;
  passages: PassageHit[];
  positions: Position[];
  exchanges: Exchange[];
  /** Short remarks for the reader ("only 2 passages mention X"), never quotes. */
  notices: string[];
  tookMs: number;
}

export interface AskOptions {
  limit?: number;
  /** Only passages whose source id or title matches one of these (case-insensitive substring). */
  sources?: string[];
  /** Say why each passage ranks where it does (`why` on each answer passage): for studying the ranking. */
  explain?: boolean;
  /** Filters given as options (e.g. on Discord), added to those typed in the query (author:, since:, …). */
  filters?: Partial<import('./filters.ts').Filters>;
  /** Also search the records added while serving under this scope (a community's captured messages; src/core/live.ts). */
  scope?: string | null;
  /** This community's corrections of sides (src/positions/corrections.ts), applied to the positions. */
  corrections?: readonly import('../positions/corrections.ts').Correction[];
}
