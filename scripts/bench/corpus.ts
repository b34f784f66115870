// Corpus generation: seed sentences recombined, ~12% of words replaced from a Zipf-distributed derived lexicon,
// ~1% typos; passages unique after folding (as Crux folds them), written one per line with blank lines between.
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sizeLabel } from './args.ts';
import { SEED } from './paths.ts';

/** Bump when the generator changes, so cached corpora are regenerated. */
const GEN_VERSION = 2;

/** Small, fast, seeded PRNG (mulberry32), so corpora are the same on every machine. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

function typo(word: string, r: () => number): string {
  if (word.length < 4) return word;
  const i = 1 + Math.floor(r() * (word.length - 2));
  const c = LETTERS[Math.floor(r() * 26)];
  switch (Math.floor(r() * 4)) {
    case 0:
      return word.slice(0, i) + word.slice(i + 1); // deletion
    case 1:
      return word.slice(0, i) + c + word.slice(i); // insertion
    case 2:
      return word.slice(0, i) + c + word.slice(i + 1); // substitution
    default:
      return word.slice(0, i - 1) + word[i] + word[i - 1] + word.slice(i + 1); // transposition
  }
}

/** A lexicon of about 3M entries, Zipf-ranked: the seed's own words first (by frequency), then derived words. */
class Lexicon {
  static readonly SIZE = 3_000_000;
  private cache = new Map<number, string>();
  private static PREFIX = ['un', 're', 'pre', 'post', 'anti', 'meta', 'over', 'under', 'non', 'proto', 'hyper', 'counter', 'inter', 'sub', 'super', 'neo'];
  private static SUFFIX = ['ness', 'ish', 'ize', 'ism', 'ist', 'ful', 'less', 'able', 'ation', 'ward', 'ling', 'oid', 'ery', 'ette', 'ity', 'ology'];
  private static ONSET = ['b', 'br', 'c', 'ch', 'd', 'dr', 'f', 'g', 'gr', 'h', 'j', 'k', 'kl', 'l', 'm', 'n', 'p', 'pr', 'r', 's', 'sh', 'st', 't', 'tr', 'v', 'w', 'z'];
  private static VOWEL = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'io', 'ou', 'y'];
  private readonly lnSize = Math.log(Lexicon.SIZE + 1);

  constructor(private readonly seedWords: string[]) {}

  /** A rank drawn with P(r) roughly proportional to 1/(r+1). */
  draw(r: () => number): string {
    return this.word(Math.floor(Math.exp(r() * this.lnSize)) - 1);
  }

  private seedWord(r: () => number): string {
    const V = this.seedWords.length;
    return this.seedWords[Math.min(V - 1, Math.floor(Math.exp(r() * Math.log(V + 1))) - 1)];
  }

  word(rank: number): string {
    if (rank < this.seedWords.length) return this.seedWords[rank];
    let w = this.cache.get(rank);
    if (w !== undefined) return w;
    const r = rng(rank * 2654435761);
    const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
    switch (rank % 5) {
      case 0:
        w = pick(Lexicon.PREFIX) + this.seedWord(r);
        break;
      case 1:
        w = this.seedWord(r) + pick(Lexicon.SUFFIX);
        break;
      case 2:
        w = this.seedWord(r) + this.seedWord(r);
        break;
      case 3: {
        const n = 2 + Math.floor(r() * 3);
        w = '';
        for (let i = 0; i < n; i++) w += pick(Lexicon.ONSET) + pick(Lexicon.VOWEL);
        w = w[0].toUpperCase() + w.slice(1);
        break;
      }
      default:
        w = typo(this.seedWord(r), r);
    }
    this.cache.set(rank, w);
    return w;
  }
}

function seedSentences(): { sentences: string[]; words: string[] } {
  const seg = new Intl.Segmenter('en', { granularity: 'sentence' });
  const sentences = new Set<string>();
  const freq = new Map<string, number>();
  for (const f of readdirSync(SEED).filter((f) => f.endsWith('.txt')).sort()) {
    for (const line of readFileSync(join(SEED, f), 'utf8').split(/\r?\n/)) {
      const t = line.trim();
      if (!t) continue;
      for (const s of seg.segment(t)) {
        const x = s.segment.trim();
        if (x.length >= 3 && x.length <= 1200) sentences.add(x);
      }
      for (const m of t.toLowerCase().matchAll(/[a-z]+/g)) freq.set(m[0], (freq.get(m[0]) ?? 0) + 1);
    }
  }
  const words = [...freq].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([w]) => w);
  return { sentences: [...sentences], words };
}

const PER_FILE = 10_000;
const MAX_PASSAGE = 1400; // below Crux's 1,500-character windowing, so every generated line is one passage

/**
 * The generator of a corpus of `n` passages: each call returns the next passage, unique after folding. The same `n`
 * gives the same passages in the same order, whatever shape they are written in (plain text or forum records).
 */
export async function passageMaker(n: number): Promise<() => string> {
  const { fold } = await import('../../src/core/text.ts');
  const { sentences, words } = seedSentences();
  const lex = new Lexicon(words);
  const r = rng(0xc0ffee + n);
  const seen = new Set<number>();
  const WORD = /[A-Za-z][A-Za-z]*/g;
  return () => {
    for (;;) {
      const x0 = r();
      const k = x0 < 0.5 ? 1 : x0 < 0.8 ? 2 : x0 < 0.92 ? 3 : 4; // 1-4 sentences, about 1.8 on average
      let text = '';
      for (let i = 0; i < k; i++) {
        const s = sentences[Math.floor(r() * sentences.length)];
        if (text && text.length + 1 + s.length > MAX_PASSAGE) break;
        text = text ? `${text} ${s}` : s;
      }
      text = text.slice(0, MAX_PASSAGE).replace(WORD, (w) => {
        const x = r();
        if (x < 0.12) {
          const v = lex.draw(r);
          return w[0] >= 'A' && w[0] <= 'Z' ? v[0].toUpperCase() + v.slice(1) : v;
        }
        if (x < 0.13) return typo(w, r);
        return w;
      });
      const key = fold(text);
      // Two 32-bit hashes as one number: collisions are negligible at these sizes.
      const h = hash32(key) * 2 ** 21 + (hash32(key + '\u0001') & 0x1fffff);
      if (seen.has(h) || !key) continue;
      seen.add(h);
      return text;
    }
  };
}

/** Writes `text` to a file and waits until it is on disk. */
export async function writeAll(path: string, text: string): Promise<void> {
  const ws = createWriteStream(path);
  await new Promise<void>((ok, fail) => {
    ws.on('error', fail);
    ws.end(text, () => ok());
  });
}

/**
 * Generates (or reuses) a corpus in folder `name` under `dir`: `write` fills the folder given, which is renamed into
 * place only when complete, so two runs at once never see half a corpus. Returns the folder.
 */
export async function cachedCorpus(dir: string, name: string, write: (out: string) => Promise<object>): Promise<string> {
  const final = join(dir, name);
  if (existsSync(join(final, '.done'))) return final;
  const out = join(dir, `.${name}-${process.pid}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const t0 = performance.now();
  const facts = await write(out);
  writeFileSync(join(out, '.done'), JSON.stringify({ ...facts, seconds: (performance.now() - t0) / 1000 }));
  rmSync(final, { recursive: true, force: true });
  renameSync(out, final);
  return final;
}

/** Generates (or reuses) a plain corpus of `n` passages (text files, one passage a paragraph); returns its folder. */
export async function ensureCorpus(dir: string, n: number, log: (s: string) => void): Promise<string> {
  const t0 = performance.now();
  let chars = 0;
  const final = await cachedCorpus(dir, `corpus-v${GEN_VERSION}-${sizeLabel(n)}`, async (out) => {
    const next = await passageMaker(n);
    let made = 0;
    let file = 0;
    while (made < n) {
      const lines: string[] = [];
      const target = Math.min(PER_FILE, n - made);
      while (lines.length < target) {
        const text = next();
        lines.push(text);
        chars += text.length;
      }
      await writeAll(join(out, `part-${String(file++).padStart(4, '0')}.txt`), lines.join('\n\n') + '\n');
      made += lines.length;
      if (n >= 100_000 && made % 100_000 === 0) log(`  generating ${sizeLabel(n)}: ${made.toLocaleString('en')} passages`);
    }
    log(`  generated ${sizeLabel(n)} passages (${(chars / 1e6).toFixed(0)} M chars, avg ${Math.round(chars / n)}) in ${((performance.now() - t0) / 1000).toFixed(1)} s -> ${join(dir, `corpus-v${GEN_VERSION}-${sizeLabel(n)}`)}`);
    return { passages: n, chars };
  });
  return final;
}

/** The passages of a generated corpus, in file order (what MiniSearch and fuse.js index). */
export function readPassages(corpus: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(corpus).filter((f) => f.endsWith('.txt')).sort()) {
    for (const line of readFileSync(join(corpus, f), 'utf8').split('\n')) if (line) out.push(line);
  }
  return out;
}
