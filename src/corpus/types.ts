// What a format reader hands the loader: drafts of passages, and problems found on the way.
import type { SourceInfo } from '../types.ts';

/** One paragraph as a reader found it; the loader assigns ids, order and dedupe. */
export interface Draft {
  text: string;
  line: number;
  source: SourceInfo;
  /** Id of the record (post, comment, message) the paragraph belongs to, when records have ids. */
  record?: string | null;
  thread?: string | null;
  parent?: string | null;
  score?: number | null;
}

/** Something wrong with an input: always names the file, and the line when there is one. */
export interface Problem {
  file: string;
  line?: number;
  message: string;
}

/** The file a reader is given: its path, its path relative to the corpus root, and its text. */
export interface FileInput {
  path: string;
  rel: string;
  text: string;
  /** Per-file metadata from a sources.json beside it, if any. */
  meta?: Partial<SourceInfo> & { title?: string };
}

export interface FormatReader {
  name: string;
  /** File endings this reader takes by default ("txt", "md", "jsonl"). */
  extensions: string[];
  /** Optional content sniffing for files whose ending is ambiguous (.json exports). */
  detect?(file: FileInput): boolean;
  read(file: FileInput, problem: (p: Omit<Problem, 'file'>) => void): Draft[];
}
