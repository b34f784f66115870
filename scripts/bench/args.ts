// The bench's command line: --sizes, --quick, --only, --dir, and (for child processes) --child with its own options.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ENTRY } from './paths.ts';

export interface Args {
  sizes: number[];
  /** plain (text files) and forum (one JSONL file of records with authors and threads). */
  shapes: Array<'plain' | 'forum'>;
  quick: boolean;
  only: string[] | null;
  dir: string;
  child: string | null;
  rest: Record<string, string>;
}

function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kKmM]?)$/.exec(s.trim());
  if (!m) throw new Error(`--sizes: "${s}" is not a size (use 10k, 100k, 1M or a number)`);
  const n = Number(m[1]) * (m[2].toLowerCase() === 'k' ? 1e3 : m[2].toLowerCase() === 'm' ? 1e6 : 1);
  if (!Number.isInteger(n) || n < 100) throw new Error(`--sizes: "${s}" is too small (at least 100 passages)`);
  return n;
}

export function sizeLabel(n: number): string {
  if (n >= 1e6 && n % 1e6 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 1e3 === 0) return `${n / 1e3}k`;
  return String(n);
}

export function parseArgs(argv: string[]): Args {
  const a: Args = { sizes: [], shapes: ['plain', 'forum'], quick: false, only: null, dir: join(tmpdir(), 'crux-bench'), child: null, rest: {} };
  let sizesGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--sizes') {
      a.sizes = value().split(',').filter(Boolean).map(parseSize);
      sizesGiven = true;
    } else if (flag === '--shapes') {
      const shapes = value().split(',').map((x) => x.trim());
      if (!shapes.length || shapes.some((x) => x !== 'plain' && x !== 'forum')) throw new Error('--shapes: plain, forum or both (plain,forum)');
      a.shapes = shapes as Args['shapes'];
    } else if (flag === '--quick') a.quick = true;
    else if (flag === '--only') a.only = value().split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    else if (flag === '--dir') a.dir = resolve(value());
    else if (flag === '--child') a.child = value();
    else if (flag === '--help' || flag === '-h') {
      console.log(readFileSync(ENTRY, 'utf8').split('\n').filter((l) => l.startsWith('//')).slice(0, 14).map((l) => l.slice(3)).join('\n'));
      process.exit(0);
    } else if (flag.startsWith('--') && a.child) a.rest[flag.slice(2)] = value();
    else throw new Error(`unknown option ${arg} (try --help)`);
  }
  if (!sizesGiven) a.sizes = a.quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
  return a;
}
