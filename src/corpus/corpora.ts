// Named corpora: several corpora in one install, declared in data/corpora.json, chosen by name wherever a corpus path
// is accepted (`--corpus lesswrong`, `--corpus lesswrong,slack`, CRUX_CORPUS=lesswrong).
//
//   { "corpora": { "seed": { "paths": ["corpus"], "description": "Four LessWrong threads" },
//                  "lw":   { "paths": ["/srv/exports/lesswrong"], "format": "forum" } } }
//
// Paths are relative to the file's folder (data/). Several names search their corpora together (one index each set).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../errors.ts';

export interface NamedCorpus {
  name: string;
  /** Absolute paths of its files and folders. */
  paths: string[];
  /** A reader forced for all its files (see --format), or undefined to detect. */
  format?: string;
  description?: string;
}

export interface CorporaFile {
  path: string;
  corpora: Map<string, NamedCorpus>;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/i;

/** Reads a corpora file; null when it does not exist. Throws UserError (BAD_OPTION) naming what is wrong in it. */
export function readCorpora(path: string): CorporaFile | null {
  if (!existsSync(path)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UserError('BAD_OPTION', `${path} is not valid JSON (${(e as Error).message}).`);
  }
  const list = (raw as { corpora?: unknown })?.corpora;
  if (!list || typeof list !== 'object' || Array.isArray(list)) {
    throw new UserError('BAD_OPTION', `${path} needs a "corpora" object: {"corpora": {"NAME": {"paths": ["…"]}}}.`);
  }
  const base = dirname(resolve(path));
  const corpora = new Map<string, NamedCorpus>();
  for (const [name, v] of Object.entries(list as Record<string, unknown>)) {
    const c = v as { paths?: unknown; path?: unknown; format?: unknown; description?: unknown };
    const paths = Array.isArray(c?.paths) ? c.paths : typeof c?.path === 'string' ? [c.path] : null;
    if (!NAME.test(name)) throw new UserError('BAD_OPTION', `${path}: "${name}" is not a usable corpus name (letters, digits, - and _).`);
    if (!paths?.length || !paths.every((p) => typeof p === 'string' && p.trim())) {
      throw new UserError('BAD_OPTION', `${path}: corpus "${name}" needs "paths", a list of files or folders.`);
    }
    corpora.set(name.toLowerCase(), {
      name,
      paths: (paths as string[]).map((p) => (isAbsolute(p) ? p : join(base, p))),
      format: typeof c.format === 'string' ? c.format : undefined,
      description: typeof c.description === 'string' ? c.description : undefined,
    });
  }
  return { path, corpora };
}

/**
 * What a --corpus value stands for: the named corpora it lists (comma-separated names from the corpora file), or null
 * when it is a path (an existing file or folder always wins over a name). Throws UserError for an unknown name in a
 * list that names some corpora, or corpora forcing different formats.
 */
export function resolveCorpus(value: string, file: CorporaFile | null): { paths: string[]; format?: string; names: string[] } | null {
  if (!file || existsSync(value)) return null;
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const found = names.map((n) => file.corpora.get(n.toLowerCase()));
  if (found.every((c) => !c)) return null;
  const unknown = names.filter((_, i) => !found[i]);
  if (unknown.length) {
    throw new UserError('BAD_OPTION', `No corpus named ${unknown.map((u) => `"${u}"`).join(', ')} in ${file.path} (there are: ${[...file.corpora.values()].map((c) => c.name).join(', ')}).`);
  }
  const formats = new Set(found.map((c) => c!.format ?? null));
  if (formats.size > 1) throw new UserError('BAD_OPTION', `Corpora ${names.join(', ')} force different formats; search them one at a time.`);
  return { paths: found.flatMap((c) => c!.paths), format: found[0]!.format, names: found.map((c) => c!.name) };
}
