// Watching corpus files while serving: one call when changes settle, however many files a copy or an export touched.
import { existsSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join, resolve } from 'node:path';

export interface WatchOptions {
  /** Quiet time after the last change before onChange is called. */
  debounceMs: number;
  /** A watcher stopped working (the folder was removed, say). */
  onError: (target: string, e: Error) => void;
}

/**
 * Watches files and folders (recursively) and calls onChange once changes settle, with the paths that changed as far
 * as the platform names them (a folder's own path when it does not). Hidden files and folders are not corpus.
 */
export function watchPaths(paths: readonly string[], onChange: (changed: string[]) => void, o: WatchOptions): () => void {
  let timer: NodeJS.Timeout | null = null;
  let seen = new Set<string>();
  const changedIn = (target: string, isDir: boolean) => (_: string, name: string | Buffer | null) => {
    if (String(name ?? '').split(/[\\/]/).some((part) => part.startsWith('.'))) return;
    seen.add(isDir && name ? join(target, String(name)) : target);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      const changed = [...seen];
      seen = new Set();
      onChange(changed);
    }, o.debounceMs);
  };
  const watchers: FSWatcher[] = [];
  for (const target of paths.map((p) => resolve(p)).filter((p) => existsSync(p))) {
    const isDir = statSync(target).isDirectory();
    const w = isDir ? watch(target, { recursive: true }, changedIn(target, true)) : watch(target, changedIn(target, false));
    w.on('error', (e) => o.onError(target, e));
    watchers.push(w);
  }
  return () => {
    for (const w of watchers) w.close();
    if (timer) clearTimeout(timer);
    timer = null;
  };
}
