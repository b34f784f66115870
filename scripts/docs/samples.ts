// The README's sample answers are real output: each `<!-- sample: crux ARGS -->` is followed by a text block that
// holds `$ crux ARGS` and what that command prints (no colours). test/docs/samples.test.ts fails when one is stale;
// this script rewrites them:
//
//   node --import tsx scripts/docs/samples.ts
//
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const README = join(REPO, 'README.md');

export interface Sample {
  /** The words after `crux`, as written in the marker. */
  args: string[];
  /** What the README shows below the `$ crux …` line. */
  shown: string;
  /** Where the block's body starts and ends in the file's text. */
  start: number;
  end: number;
}

const SAMPLE = /<!-- sample: crux ([^\n]*?) -->\n```text\n\$ crux \1\n([\s\S]*?)\n```/g;

export function samplesIn(markdown: string): Sample[] {
  return [...markdown.matchAll(SAMPLE)].map((m) => {
    const start = m.index! + m[0].indexOf('\n$ crux') + 1;
    return { args: m[1]!.split(' '), shown: m[2]!, start, end: start + `$ crux ${m[1]}\n${m[2]}`.length };
  });
}

/** What `crux ARGS` prints over the bundled corpus, without colours; `cacheDir` keeps its index elsewhere. */
export function sampleOutput(args: string[], cacheDir?: string): string {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
  delete env.CRUX_CORPUS;
  delete env.CRUX_CORPORA;
  if (cacheDir) env.CRUX_CACHE_DIR = cacheDir;
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'crux.mjs'), ...args], { cwd: REPO, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`crux ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout.trimEnd();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let text = readFileSync(README, 'utf8');
  const found = samplesIn(text);
  for (const s of [...found].reverse()) {
    text = `${text.slice(0, s.start)}$ crux ${s.args.join(' ')}\n${sampleOutput(s.args)}${text.slice(s.end)}`;
  }
  writeFileSync(README, text);
  console.log(`README.md: ${found.length} sample${found.length === 1 ? '' : 's'} rewritten from real output.`);
}
