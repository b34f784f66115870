// Words within a few edits of a typed word, found in the sorted vocabulary of a saved index as it lies: the sorted
// list is walked like a trie (each word shares rows of the edit-distance matrix with the word before it), and a
// prefix that is already too far is skipped whole by binary search. Nothing is built first: a radix tree of a
// million-passage vocabulary took 1.8 s to build on the first query with a typo.
import type { SortedStrings } from './strings.ts';

/**
 * Calls `each` with the index and text of every word within `maxEdits` insertions, deletions or substitutions of
 * `query` (Levenshtein distance, in UTF-16 code units, as MiniSearch's fuzzyGet counts them), in sorted order.
 */
export function fuzzyWords(words: SortedStrings, query: string, maxEdits: number, each: (i: number, word: string) => void): void {
  const n = query.length + 1;
  // Matching words are never longer than the query plus maxEdits: rows beyond that are never needed.
  const rowsMax = n + maxEdits;
  const far = maxEdits + 1;
  const matrix = new Uint8Array(rowsMax * n).fill(far);
  for (let j = 0; j < n; j++) matrix[j] = j;
  for (let i = 1; i < rowsMax; i++) matrix[i * n] = i;
  let prev = '';
  /** Rows 0..valid of the matrix hold prev's first `valid` characters. */
  let valid = 0;
  let i = 0;
  const count = words.length;
  next: while (i < count) {
    const w = words.get(i);
    let d = 0;
    const shared = Math.min(valid, w.length);
    while (d < shared && w.charCodeAt(d) === prev.charCodeAt(d)) d++;
    for (; d < w.length; d++) {
      const row = d + 1;
      if (row >= rowsMax) {
        // Longer than any match can be: skip every word with this prefix.
        i = skip(words, w, d, i);
        prev = w;
        valid = d;
        continue next;
      }
      const c = w.charCodeAt(d);
      const here = row * n;
      const above = here - n;
      let min = matrix[here];
      const jmin = Math.max(0, row - maxEdits - 1);
      const jmax = Math.min(n - 1, row + maxEdits);
      for (let j = jmin; j < jmax; j++) {
        const rpl = matrix[above + j] + (c === query.charCodeAt(j) ? 0 : 1);
        const del = matrix[above + j + 1] + 1;
        const ins = matrix[here + j] + 1;
        const v = rpl < del ? (rpl < ins ? rpl : ins) : del < ins ? del : ins;
        matrix[here + j + 1] = v > far ? far : v;
        if (v < min) min = v;
      }
      if (min > maxEdits) {
        // No word starting with these d + 1 characters is within reach.
        i = skip(words, w, d + 1, i);
        prev = w;
        valid = d + 1;
        continue next;
      }
    }
    if (matrix[w.length * n + n - 1] <= maxEdits) each(i, w);
    prev = w;
    valid = w.length;
    i++;
  }
}

/** Index of the first word after `i` that does not start with the first `len` characters of `w`. */
function skip(words: SortedStrings, w: string, len: number, i: number): number {
  // A prefix ending inside a surrogate pair has no UTF-8 form: step one word instead.
  const last = w.charCodeAt(len - 1);
  if (last >= 0xd800 && last <= 0xdbff) return i + 1;
  return words.prefixEnd(Buffer.from(w.slice(0, len)), i + 1);
}
