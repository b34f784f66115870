// A forum-shaped corpus: the same passages as the plain corpus of that size, written as one JSONL file of records
// with the metadata a forum export has: `author` from 500 names, `thread` of 20 records each (its title on every
// record), `parent` (the record replied to) and a `date`. What Crux keeps per record (sources, authors, reply
// structure) is what makes this shape heavier to index and load than plain text.
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { sizeLabel } from './args.ts';
import { cachedCorpus, passageMaker, rng } from './corpus.ts';

/** Bump when the generator changes, so cached corpora are regenerated. */
const FORUM_VERSION = 1;
export const AUTHORS = 500;
export const THREAD = 20;
const RECORDS_PER_WRITE = 50_000;

const ONSET = ['b', 'br', 'c', 'd', 'f', 'g', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'z'];
const VOWEL = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'io'];

/** 500 distinct pronounceable user names. */
function authors(r: () => number): string[] {
  const names = new Set<string>();
  while (names.size < AUTHORS) {
    let w = '';
    const k = 2 + Math.floor(r() * 2);
    for (let i = 0; i < k; i++) w += ONSET[Math.floor(r() * ONSET.length)] + VOWEL[Math.floor(r() * VOWEL.length)];
    names.add(r() < 0.3 ? `${w}${Math.floor(r() * 100)}` : w);
  }
  return [...names];
}

/** Generates (or reuses) a forum corpus of `n` records (one paragraph each); returns the path of its JSONL file. */
export async function ensureForumCorpus(dir: string, n: number, log: (s: string) => void): Promise<string> {
  const name = `forum-v${FORUM_VERSION}-${sizeLabel(n)}`;
  const t0 = performance.now();
  const folder = await cachedCorpus(dir, name, async (out) => {
    const next = await passageMaker(n);
    const r = rng(0xf0a0 + n);
    const names = authors(r);
    // Authors post with a Zipf-like skew: a few regulars write much of a forum.
    const author = () => names[Math.min(AUTHORS - 1, Math.floor(Math.exp(r() * Math.log(AUTHORS + 1))) - 1)];
    const start = Date.UTC(2015, 0, 1);
    const fd = openSync(join(out, 'forum.jsonl'), 'w');
    let lines: string[] = [];
    let bytes = 0;
    let title = '';
    for (let i = 0; i < n; i++) {
      const text = next();
      const t = Math.floor(i / THREAD);
      const k = i % THREAD;
      if (k === 0) title = text.split(/\s+/).slice(0, 8).join(' ');
      // Replies answer the post or an earlier reply of the thread (the one just before, half the time).
      const parent = k === 0 ? null : `r${t * THREAD + (r() < 0.5 ? k - 1 : Math.floor(r() * k))}`;
      const date = new Date(start + i * 90_000).toISOString();
      lines.push(JSON.stringify({ id: `r${i}`, thread: `t${t}`, parent, author: author(), date, title, text }));
      if (lines.length === RECORDS_PER_WRITE || i === n - 1) {
        const chunk = lines.join('\n') + '\n';
        bytes += Buffer.byteLength(chunk);
        writeSync(fd, chunk);
        lines = [];
        if (n >= 100_000 && (i + 1) % 200_000 === 0) log(`  generating forum ${sizeLabel(n)}: ${(i + 1).toLocaleString('en')} records`);
      }
    }
    closeSync(fd);
    return { records: n, bytes };
  });
  log(`  forum ${sizeLabel(n)} ready in ${((performance.now() - t0) / 1000).toFixed(1)} s -> ${folder}`);
  return join(folder, 'forum.jsonl');
}
