// npm run eval: scores retrieval (and positions, when that step is on) with the judges in ../shared/eval,
// running Crux exactly as other tools do: `crux --json --batch`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../core/engine.ts';
import { runPositionsEval, runStanceEval } from '../positions/eval.ts';

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

export const EVAL_DIR = process.env.CRUX_EVAL_DIR ?? resolve(REPO_ROOT, '..', 'shared', 'eval');
const BIN = join(REPO_ROOT, 'bin', 'crux.mjs');

/** Runs `crux --json --batch` over queries and returns the answers file. */
export function batchAnswers(queries: string[], extra: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'crux-eval-'));
  const qfile = join(dir, 'queries.txt');
  writeFileSync(qfile, queries.join('\n') + '\n');
  const out = execFileSync(process.execPath, [BIN, '--json', '--batch', qfile, ...extra], { maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
  const answers = join(dir, 'answers.jsonl');
  writeFileSync(answers, out);
  return answers;
}

/** A query with its longest word (5 letters or more) misspelt: a letter dropped, two swapped or one changed, in turn. */
export function misspelt(q: string, i: number): string {
  const m = [...q.matchAll(/[A-Za-z]{5,}/g)].sort((a, b) => b[0].length - a[0].length)[0];
  if (!m) return q;
  const w = m[0];
  const k = Math.floor(w.length / 2);
  const forms = [w.slice(0, k) + w.slice(k + 1), w.slice(0, k) + w[k + 1] + w[k] + w.slice(k + 2), w.slice(0, k) + (w[k] === 'e' ? 'a' : 'e') + w.slice(k + 1)];
  return q.slice(0, m.index) + forms[i % 3] + q.slice(m.index! + w.length);
}

function judge(script: string, args: string[]): string {
  return execFileSync(process.execPath, [join(EVAL_DIR, script), ...args], { maxBuffer: 1 << 26 }).toString();
}

/** Sections of the evaluation; other steps (positions) add theirs. */
export const sections: Array<{ name: string; run: (io: Io) => void }> = [
  {
    name: 'Retrieval (dev-qrels.json, seed corpus)',
    run(io) {
      const qrels = JSON.parse(readFileSync(join(EVAL_DIR, 'dev-qrels.json'), 'utf8'));
      const answers = batchAnswers(qrels.queries.map((q: { q: string }) => q.q), ['--limit', '10', '--corpus', join(REPO_ROOT, 'data', 'corpus')]);
      io.out(judge('judge.mjs', [join(EVAL_DIR, 'dev-qrels.json'), join(REPO_ROOT, 'data', 'corpus'), answers, '--verbose']));
      io.out('Reference points on these judgments: MiniSearch BM25 defaults nDCG@5 0.76, fuse.js 0.60; target 0.90.');
    },
  },
  {
    // Our own queries, judged before any ranking change was measured on them: a check that gains generalise.
    name: 'Retrieval (scripts/eval/heldout-qrels.json, seed corpus)',
    run(io) {
      const qrels = join(REPO_ROOT, 'scripts', 'eval', 'heldout-qrels.json');
      const queries = JSON.parse(readFileSync(qrels, 'utf8')).queries.map((q: { q: string }) => q.q);
      const answers = batchAnswers(queries, ['--limit', '10', '--corpus', join(REPO_ROOT, 'data', 'corpus')]);
      io.out(judge('judge.mjs', [qrels, join(REPO_ROOT, 'data', 'corpus'), answers, '--verbose']));
    },
  },
  {
    // The same queries with one word misspelt, judged as the queries typed right: typo fixes must not cost answers.
    name: 'Retrieval with typos (dev and held-out queries, longest word misspelt)',
    run(io) {
      const dir = mkdtempSync(join(tmpdir(), 'crux-eval-typos-'));
      for (const file of [join(EVAL_DIR, 'dev-qrels.json'), join(REPO_ROOT, 'scripts', 'eval', 'heldout-qrels.json')]) {
        const qrels = JSON.parse(readFileSync(file, 'utf8')) as { queries: Array<{ q: string }> };
        const typos = qrels.queries.map((q, i) => ({ q: misspelt(q.q, i), sameAs: q.q }));
        const typoQrels = join(dir, `typos-${file.endsWith('dev-qrels.json') ? 'dev' : 'heldout'}.json`);
        writeFileSync(typoQrels, JSON.stringify({ queries: [...qrels.queries, ...typos] }));
        const answers = batchAnswers(typos.map((t) => t.q), ['--limit', '10', '--corpus', join(REPO_ROOT, 'data', 'corpus')]);
        io.out(judge('judge.mjs', [typoQrels, join(REPO_ROOT, 'data', 'corpus'), answers, '--verbose']));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  },
  {
    name: 'Stance (stance-dev.json, seed corpus)',
    run(io) {
      runStanceEval({ evalDir: EVAL_DIR, batchAnswers, corpus: join(REPO_ROOT, 'data', 'corpus') }, io);
    },
  },
  {
    name: 'Positions (ArgKP dev)',
    run(io) {
      runPositionsEval('dev', { evalDir: EVAL_DIR, batchAnswers }, io);
    },
  },
  {
    name: 'Positions (ArgKP train)',
    run(io) {
      runPositionsEval('train', { evalDir: EVAL_DIR, batchAnswers }, io);
    },
  },
];

export async function runEval(io: Io): Promise<number> {
  if (!existsSync(join(EVAL_DIR, 'judge.mjs'))) {
    io.err(`The evaluation kit is not at ${EVAL_DIR}. Set CRUX_EVAL_DIR to the shared/eval folder.`);
    return 2;
  }
  for (const s of sections) {
    io.out(`\n== ${s.name} ==`);
    s.run(io);
  }
  return 0;
}
