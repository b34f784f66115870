// What the serving thread and an engine thread say to each other (remote.ts, engine-thread.ts): plain data only.
import type { EngineStats } from '../../core/engine.ts';
import type { LiveChange, LiveDrafts, LiveRecord } from '../../core/live.ts';
import type { AskOptions, SourceInfo } from '../../core/types.ts';
import type { Problem } from '../../corpus/types.ts';

/** What an engine thread opens. */
export interface ThreadInput {
  corpus: string[];
  cacheDir?: string;
  format?: string;
}

export type Op =
  | { op: 'ask'; query: string; opts?: AskOptions }
  | { op: 'suggest'; titles: boolean; input: string; limit?: number }
  | { op: 'upsert'; records: Array<LiveRecord | LiveDrafts>; scope: string | null }
  | { op: 'remove'; ids: string[]; scope: string | null }
  | { op: 'syncFiles'; changed: string[] };

export type Request = Op & { id: number };

/** An error as it crosses threads: a user's mistake (UserError, with its code) or a failure. */
export interface WireError {
  message: string;
  user: boolean;
  code?: string;
  stack?: string;
}

export type ThreadEvent =
  | { type: 'notice'; message: string }
  | { type: 'ready'; stats: EngineStats; sources: SourceInfo[]; problems: Problem[] }
  | { type: 'failed'; error: WireError }
  | { type: 'reply'; id: number; ok: true; value: unknown; stats?: EngineStats }
  | { type: 'reply'; id: number; ok: false; error: WireError };

export type { LiveChange };
