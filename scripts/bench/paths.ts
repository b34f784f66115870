// Where the bench finds the repository, the seed corpus and its own files.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SEED = join(ROOT, 'data', 'corpus');
/** The entry point (npm run bench): its opening comment is the --help text. */
export const ENTRY = join(ROOT, 'scripts', 'bench.ts');
/** The script each child process runs. */
export const CHILD = join(ROOT, 'scripts', 'bench', 'child.ts');
