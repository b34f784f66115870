import { describe, expect, it } from 'vitest';
import SearchableMap from 'minisearch/SearchableMap';
import { fuzzyWords } from '../../src/search/fuzzy.ts';
import { SortedStrings } from '../../src/search/strings.ts';
import { rng } from '../../scripts/bench.ts';

const LETTERS = 'abcdeilmnorstuyé';

function vocabulary(r: () => number, n: number): string[] {
  const out = new Set<string>(['hyperstition', 'hyperstitions', 'hyperstiton', 'selection', 'section', 'sycophancy', 'a', 'ab', '𝒜lign', 'ﬁne', 'zz']);
  while (out.size < n) {
    let w = '';
    const len = 1 + Math.floor(r() * 9);
    for (let i = 0; i < len; i++) w += LETTERS[Math.floor(r() * LETTERS.length)];
    out.add(w);
  }
  return [...out];
}

function typo(w: string, r: () => number): string {
  const i = Math.floor(r() * (w.length + 1));
  const c = LETTERS[Math.floor(r() * LETTERS.length)];
  switch (Math.floor(r() * 3)) {
    case 0:
      return w.slice(0, i) + w.slice(i + 1);
    case 1:
      return w.slice(0, i) + c + w.slice(i);
    default:
      return w.slice(0, i) + c + w.slice(i + 1);
  }
}

const found = (words: SortedStrings, q: string, edits: number) => {
  const out: string[] = [];
  fuzzyWords(words, q, edits, (i, w) => {
    expect(words.get(i)).toBe(w);
    out.push(w);
  });
  return out;
};

describe('words within a few edits, found in the sorted vocabulary as it lies', () => {
  const r = rng(7);
  const list = vocabulary(r, 3000);
  const words = SortedStrings.sorted([...list]);
  const tree = new SearchableMap<number>();
  for (const w of list) tree.set(w, 1);

  it('are exactly the words a radix tree finds within one and two edits, in sorted order', () => {
    const queries = ['hyperstiton', 'selction', 'sycophncy', 'a', 'ab', '𝒜lgn', 'fine', 'zzz', ''];
    for (let k = 0; k < 300; k++) queries.push(typo(typo(list[Math.floor(r() * list.length)], r), r));
    for (const q of queries) {
      for (const edits of [1, 2]) {
        const got = found(words, q, edits);
        expect(got, `${q} within ${edits}`).toEqual([...tree.fuzzyGet(q, edits).keys()].sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b)))));
      }
    }
  });

  it('find the word itself at no edits, and nothing in an empty vocabulary', () => {
    expect(found(words, 'hyperstition', 0)).toEqual(['hyperstition']);
    expect(found(SortedStrings.sorted([]), 'hyperstition', 2)).toEqual([]);
  });
});

describe('sorted strings', () => {
  it('find each string they hold by binary search, and nothing else', () => {
    const list = ['b', 'a', 'é', 'ab', '𝒜', '\uffff', 'z'];
    const s = SortedStrings.sorted([...list]);
    expect(s.all()).toEqual(['a', 'ab', 'b', 'z', 'é', '\uffff', '𝒜']);
    for (const w of list) expect(s.get(s.find(w))).toBe(w);
    expect(s.find('c')).toBe(-1);
    expect(s.find('')).toBe(-1);
  });
});
