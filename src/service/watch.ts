// Watching corpus files while serving: one call when changes settle, however many files a copy or an export touched.
import { existsSync, statSync, watch, type FSWatcher } from 'node:fs';
import { resolve } from 'node:path';

export interface WatchOptions {
  /** Quiet time after the last change before onChange is called. */
  debounceMs: number;
  /** A watcher stopped working (the folder was removed, say). */
  onError: (target: string, e: Error) => void;
}

/** Watches files and folders (recursively) and calls onChange once changes settle. Hidden files and folders are not corpus. */
export function watchPaths(paths: readonly string[], onChange: () => void, o: WatchOptions): () => void {
  let timer: NodeJS.Timeout | null = null;
  const changed = (_: string, name: string | Buffer | null) => {
    if (String(name ?? '').split(/[\\/]/).some((part) => part.startsWith('.'))) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      onChange();
    }, o.debounceMs);
  };
  const watchers: FSWatcher[] = [];
  for (const target of paths.map((p) => resolve(p)).filter((p) => existsSync(p))) {
    const w = statSync(target).isDirectory() ? watch(target, { recursive: true }, changed) : watch(target, changed);
    w.on('error', (e) => o.onError(target, e));
    watchers.push(w);
  }
  return () => {
    for (const w of watchers) w.close();
    if (timer) clearTimeout(timer);
    timer = null;
  };
}
