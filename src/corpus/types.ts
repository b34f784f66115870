// What a format reader hands the loader: drafts of passages, and problems found on the way (and how they are shown).
import type { SourceInfo } from '../core/types.ts';

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
  /** Texts of the blockquotes this paragraph answers (they are never passages themselves); linked on load. */
  quoted?: string[];
  /** Path of the file the paragraph came from, relative to the corpus root, when it is not the file being read
   * (a member of a .zip, or one file of a folder export). */
  file?: string;
}

/** Something wrong with an input: always names the file, and the line when there is one. */
export interface Problem {
  file: string;
  line?: number;
  message: string;
  /** Set when the input was read all the same (bad bytes replaced): a warning, not something skipped. */
  warning?: boolean;
}

/** A problem as one line of a report: "skipped: file:line: message", or "warning: …" for what was read all the same. */
export function problemLine(p: Problem): string {
  return `${p.warning ? 'warning' : 'skipped'}: ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`;
}

/** The file a reader is given: its path, its path relative to the corpus root, and its text. */
export interface FileInput {
  path: string;
  rel: string;
  text: string;
  /** Per-file metadata from a sources.json beside it, if any. */
  meta?: Partial<SourceInfo> & { title?: string };
  /** The raw bytes, given instead of text to readers that set `binary` (archives). */
  bytes?: Uint8Array;
}

/** Reports a problem; `file` defaults to the file or folder being read (set it for members of archives or folders). */
export type ProblemSink = (p: Omit<Problem, 'file'> & { file?: string }) => void;

/** A folder handed whole to a reader that understands exports spread over several files. */
export interface FolderInput {
  /** Absolute path of the folder. */
  path: string;
  /** Corpus files below it (absolute, sorted, recursive; hidden files excluded). */
  files: string[];
  /** Path relative to the corpus root, as passages and problems name files. */
  relOf(path: string): string;
  /** A file's UTF-8 text, or null when it cannot be read (the problem is already reported). */
  text(path: string): string | null;
  /** The start of a file (about 8 KB) as text, for cheap detection; null when it cannot be read. */
  head(path: string): string | null;
  /** Metadata a sources.json gives for a file or folder (e.g. a Slack workspace's URL for an export folder). */
  meta(path: string): FileInput['meta'];
}

/** What a folder reader took: the files it read (the loader skips them) and the paragraphs found. */
export interface FolderRead {
  claimed: string[];
  drafts: Draft[];
}

export interface FormatReader {
  name: string;
  /** File endings this reader takes by default ("txt", "md", "jsonl"). */
  extensions: string[];
  /** Optional content sniffing for files whose ending is ambiguous (.json exports). */
  detect?(file: FileInput): boolean;
  /** Set when the reader wants the raw bytes (`file.bytes`) instead of text, e.g. for .zip archives. */
  binary?: boolean;
  read(file: FileInput, problem: ProblemSink): Draft[];
  /**
   * Optional: reads a whole folder when it is one export spread over files (a Slack export, a forum post with its
   * comments in separate files). Returns null when the folder is not one; files it does not claim are read one by one.
   */
  readFolder?(folder: FolderInput, problem: ProblemSink): FolderRead | null;
  /**
   * Optional, with readFolder: the files readFolder would take, found cheaply (names, file heads), or null. Lets the
   * loader reuse an earlier read of an unchanged export without parsing it (incremental indexing).
   */
  claimFolder?(folder: FolderInput): string[] | null;
}
