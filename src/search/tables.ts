// Lookup tables kept as typed arrays, so a saved index uses them as they lie: a hash table from strings to numbers,
// and groups of numbers by key (compressed sparse rows). A Map of a million strings took a second to rebuild on load.

/** FNV-1a over UTF-16 code units. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Open addressing with linear probing: slots hold entry + 1 (0 is empty). The keys themselves live elsewhere; `keyOf`
 * gives entry i's key, so a lookup compares the one key it lands on.
 */
export class HashTable {
  constructor(readonly slots: Uint32Array) {}

  /** A table over entries 0..count-1 whose keys hash to hashes[i] (hashString), added in that order. */
  static build(count: number, hashOf: (i: number) => number): HashTable {
    let size = 16;
    while (size < count * 2) size *= 2;
    const slots = new Uint32Array(size);
    for (let i = 0; i < count; i++) {
      let s = hashOf(i) & (size - 1);
      while (slots[s] !== 0) s = (s + 1) & (size - 1);
      slots[s] = i + 1;
    }
    return new HashTable(slots);
  }

  /** The entry whose key is `key` (the first added, if several share it), or -1. */
  find(key: string, keyOf: (i: number) => string): number {
    const size = this.slots.length;
    if (!size) return -1;
    for (let s = hashString(key) & (size - 1); ; s = (s + 1) & (size - 1)) {
      const v = this.slots[s];
      if (v === 0) return -1;
      if (keyOf(v - 1) === key) return v - 1;
    }
  }
}

/**
 * Numbers grouped by key: the group of key k is values[ends[k - 1] .. ends[k]). With `keys` set, groups are sparse:
 * keys[g] (ascending) is the key of group g, found by binary search.
 */
export class Groups {
  constructor(
    readonly ends: Uint32Array,
    readonly values: Uint32Array,
    readonly keys: Uint32Array | null = null,
  ) {}

  /** The values of key k (empty when it has none). */
  get(k: number): Uint32Array {
    let g = k;
    if (this.keys) {
      g = search(this.keys, k);
      if (g < 0) return EMPTY;
    } else if (k < 0 || k >= this.ends.length) return EMPTY;
    return this.values.subarray(g === 0 ? 0 : this.ends[g - 1], this.ends[g]);
  }

  /**
   * Groups from (key, value) pairs in the order given (keys[i], values[i]); values keep that order within a group.
   * `dense`: keys are 0..dense-1; null: groups only for the keys that occur.
   */
  static of(keys: Uint32Array, vals: Uint32Array, dense: number | null): Groups {
    const keyList = dense === null ? Uint32Array.from(new Set(keys)).sort() : null;
    const groupOf = (k: number) => (keyList ? search(keyList, k) : k);
    const count = keyList ? keyList.length : dense!;
    const ends = new Uint32Array(count);
    for (const k of keys) ends[groupOf(k)]++;
    for (let g = 1; g < count; g++) ends[g] += ends[g - 1];
    const next = new Uint32Array(count);
    for (let g = 1; g < count; g++) next[g] = ends[g - 1];
    const values = new Uint32Array(vals.length);
    for (let i = 0; i < keys.length; i++) values[next[groupOf(keys[i])]++] = vals[i];
    return new Groups(ends, values, keyList);
  }

  /** Whether the arrays fit together (a saved index is checked before use). */
  fits(valueLimit: number): boolean {
    // Indexed loops: for...of over a typed array of millions was a tenth of a second at load.
    const { ends, values } = this;
    let prev = 0;
    for (let i = 0; i < ends.length; i++) {
      if (ends[i] < prev) return false;
      prev = ends[i];
    }
    if (prev !== values.length) return false;
    if (this.keys && this.keys.length !== ends.length) return false;
    for (let i = 0; i < values.length; i++) if (values[i] >= valueLimit) return false;
    return true;
  }
}

const EMPTY = new Uint32Array(0);

function search(sorted: Uint32Array, k: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] === k) return mid;
    if (sorted[mid] < k) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
