// Libraries only some inputs need (YAML front matter, HTML bodies, zip archives), loaded on first use through their
// CommonJS builds, so the synchronous readers can load them: opening a saved index, the usual start-up, loads none.
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export const yaml = (): typeof import('yaml') => load('yaml');
export const htmlToTextLib = (): typeof import('html-to-text') => load('html-to-text');
export const fflate = (): typeof import('fflate') => load('fflate');
