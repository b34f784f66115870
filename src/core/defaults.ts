// The defaults `crux --help` prints, apart from the engine so that help and --version load nothing heavy.
import { join } from 'node:path';
import { REPO_ROOT } from '../paths.ts';

export const DEFAULT_CORPUS = join(REPO_ROOT, 'data', 'corpus');
export const DEFAULT_CACHE = join(REPO_ROOT, 'data', '.cache');

export const DEFAULT_LIMIT = 5;

export const MAX_LIMIT = 50;
