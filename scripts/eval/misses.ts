// Where retrieval loses points, query by query: the top answers with the grade the judgments give each, then the
// relevant passages that did not make the top 8. For studying ranking changes; it tunes nothing.
//
//   node --import tsx scripts/eval/misses.ts [dev|heldout] [QUERY-SUBSTRING]
//
// Uses the shared judge (../shared/eval/judge.mjs, or CRUX_EVAL_DIR) and answers from `crux --json --batch`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../../src/core/engine.ts';
import { batchAnswers, EVAL_DIR } from '../../src/cli/eval.ts';

const SHOWN = 8;
const [set = 'dev', filter = ''] = process.argv.slice(2);
const qrels = set === 'heldout' ? join(REPO_ROOT, 'scripts', 'eval', 'heldout-qrels.json') : join(EVAL_DIR, 'dev-qrels.json');
const corpus = join(REPO_ROOT, 'data', 'corpus');

interface Judge {
  score(a: { query: string; passages: Array<{ text: string }> }): { ndcg: number };
  gradedGroups(q: string): Map<number, number>;
  groupsOf(text: string): { groups: Set<number> };
  paras: Array<{ g: number; n: string }>;
}
const { buildJudge } = (await import(pathToFileURL(join(EVAL_DIR, 'judge.mjs')).href)) as { buildJudge: (q: string, c: string) => Judge };
const judge = buildJudge(qrels, corpus);

const queries = (JSON.parse(readFileSync(qrels, 'utf8')) as { queries: Array<{ q: string }> }).queries.map((q) => q.q).filter((q) => q.includes(filter));
const answers = readFileSync(batchAnswers(queries, ['--limit', '10', '--corpus', corpus]), 'utf8').split('\n').filter(Boolean);
for (const line of answers) {
  const a = JSON.parse(line) as { query: string; passages: Array<{ text: string }> };
  const graded = judge.gradedGroups(a.query);
  console.log(`\n${judge.score(a).ndcg.toFixed(2)}  ${a.query}`);
  const seen = new Set<number>();
  a.passages.slice(0, SHOWN).forEach((p, i) => {
    let g = 0;
    for (const id of judge.groupsOf(p.text).groups) {
      g = Math.max(g, graded.get(id) ?? 0);
      seen.add(id);
    }
    console.log(`  ${i + 1}. [${g}] ${p.text.slice(0, 140).replace(/\s+/g, ' ')}`);
  });
  for (const [id, g] of graded) {
    if (seen.has(id)) continue;
    const para = judge.paras.find((x) => x.g === id);
    console.log(`  missed [${g}] ${para?.n.slice(0, 140)}`);
  }
}
