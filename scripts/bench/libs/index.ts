// The libraries the search bench compares, each a module with build (index + save) and query (load + time queries).
import type { BuildResult, Lib, QueryResult } from '../types.ts';
import * as crux from './crux.ts';
import * as flexsearch from './flexsearch.ts';
import * as fuse from './fuse.ts';
import * as minisearch from './minisearch.ts';

export interface LibBench {
  build(corpus: string, snapDir: string): Promise<BuildResult>;
  query(corpus: string, snapDir: string, n: number, quick: boolean): Promise<QueryResult>;
}

export const libs: Record<Lib, LibBench> = { crux, minisearch, flexsearch, fuse };
