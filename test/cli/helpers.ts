// Shared helpers for the foundation's tests: fixture corpora copied into temp dirs, and the CLI as a subprocess.
import { cpSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { tempDir as makeTempDir } from '../helpers/temp.ts';

export const REPO = resolve(import.meta.dirname, '..', '..');
export const FIXTURES = join(REPO, 'test', 'fixtures', 'core');
export const CLI = join(REPO, 'bin', 'crux.mjs');

/** A fresh empty temp dir, removed after the test file. */
export const tempDir = (prefix = 'crux-core-') => makeTempDir(prefix);

/** Copies a fixture corpus (test/fixtures/core/<name>) into a fresh temp dir and returns the copy's path. */
export function fixtureCopy(name: string): string {
  const dir = join(tempDir(), name);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** Every file's text under a path (a file or a folder), for verbatim checks. */
export function corpusTexts(path: string): string[] {
  const st = statSync(path);
  if (!st.isDirectory()) return [readFileSync(path, 'utf8')];
  return readdirSync(path, { recursive: true, encoding: 'utf8' })
    .map((f) => join(path, f))
    .filter((f) => statSync(f, { throwIfNoEntry: false })?.isFile())
    .map((f) => readFileSync(f, 'utf8'));
}

/** The verbatim pieces of an excerpt: its text with the leading/trailing "… " cut marks removed, split at inner cuts. */
export function verbatimPieces(text: string): string[] {
  return text
    .replace(/^… /, '')
    .replace(/ …$/, '')
    .split(' … ')
    .filter(Boolean);
}

/** True when every piece of an excerpt occurs exactly as written in one of the texts. */
export function isVerbatim(text: string, texts: string[]): boolean {
  return verbatimPieces(text).every((piece) => texts.some((t) => t.includes(piece)));
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/crux.mjs …args` with its cache in `cacheDir`, no colours, and no corpus from the environment. */
export function crux(args: string[], o: { cacheDir: string; input?: string; env?: Record<string, string>; cwd?: string }): Run {
  const env: Record<string, string | undefined> = { ...process.env, CRUX_CACHE_DIR: o.cacheDir, NO_COLOR: '1', ...o.env };
  if (!o.env?.CRUX_CORPUS) delete env.CRUX_CORPUS;
  delete env.CRUX_DEBUG;
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: o.cwd ?? REPO,
    env,
    input: o.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs the CLI's main() in this process, with the same environment rules as `crux()`: for the many option and
 * exit-code checks, where starting a process each time would only add seconds. Standard input is not available.
 */
export async function cruxHere(args: string[], o: { cacheDir: string; env?: Record<string, string> }): Promise<Run> {
  const { main } = await import('../../src/cli/main.ts');
  const saved = { ...process.env };
  process.env.CRUX_CACHE_DIR = o.cacheDir;
  process.env.NO_COLOR = '1';
  delete process.env.CRUX_CORPUS;
  delete process.env.CRUX_DEBUG;
  Object.assign(process.env, o.env);
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = await main(args, { out: (s) => out.push(s + '\n'), err: (s) => err.push(s + '\n') });
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}
