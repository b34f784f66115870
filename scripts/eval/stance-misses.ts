// Where the stance judge's coverage is lost, passage by passage: for each judged passage of stance-dev.json, the
// stage that lost it (not found by the search, found but not about the topic, about it but read without a side,
// read on the wrong side) or the side it got and why. Then counts per stage. For studying the method; tunes nothing.
//
//   node --import tsx scripts/eval/stance-misses.ts [TOPIC-SUBSTRING] [--brief]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openEngine, REPO_ROOT } from '../../src/core/engine.ts';
import { EVAL_DIR } from '../../src/cli/eval.ts';
import { hooks, type Analysis, type PositionInput } from '../../src/positions/index.ts';

const args = process.argv.slice(2);
const filter = args.find((a) => !a.startsWith('--')) ?? '';
const brief = args.includes('--brief');
const { norm } = (await import(pathToFileURL(join(EVAL_DIR, 'norm.mjs')).href)) as { norm: (s: string) => string };
type Judged = { key: string; side: string; why?: string };
const gold = JSON.parse(readFileSync(join(EVAL_DIR, 'stance-dev.json'), 'utf8')) as { topics: Array<{ q: string; passages: Judged[] }> };
const engine = openEngine({ corpus: join(REPO_ROOT, 'data', 'corpus') });
const SIDE: Record<string, number> = { for: 1, yes: 1, against: -1, no: -1, neutral: 0 };
const totals = new Map<string, number>();
const count = (k: string) => totals.set(k, (totals.get(k) ?? 0) + 1);

for (const t of gold.topics.filter((t) => t.q.includes(filter))) {
  let a: Analysis | null = null;
  let input: PositionInput | null = null;
  hooks.onAnalysis = (x, i) => ((a = x), (input = i));
  engine.ask(t.q);
  hooks.onAnalysis = undefined;
  const an = a as Analysis | null;
  const inp = input as PositionInput | null;
  console.log(`\n=== ${t.q}  (about: ${[...(an?.topic.terms ?? [])].join(' ')}; claim: ${an?.topic.claim?.join(' ') ?? '-'}; asks ${an?.topic.asks ?? '-'})`);
  const rel = inp?.relevant ?? [];
  for (const j of t.passages) {
    const k = norm(j.key);
    const rank = rel.findIndex((r) => norm(r.passage.text).includes(k));
    const it = an?.items.find((x) => norm(x.r.passage.text).includes(k));
    const g = SIDE[j.side];
    let stage: string;
    if (it) {
      const placed = an!.positionOf.has(it.r.passage.id);
      stage = it.side === 0 ? 'no side' : g === 0 ? 'neutral sided' : it.side === g ? (placed ? 'right' : 'right, unplaced') : 'WRONG';
    } else stage = rank < 0 ? 'not found' : 'not about';
    count(`${j.side}: ${stage}`);
    if (brief && stage === 'not found') continue;
    console.log(`  [${stage}] gold=${j.side}${rank >= 0 ? ` rank ${rank}` : ''}${it ? ` side=${it.side} ${it.how} score=${it.reading.score.toFixed(2)}${it.reading.stated ? ' stated' : ''}` : ''}  “${j.key}”`);
    if (it && !brief) {
      const text = it.r.passage.text;
      for (const c of it.reading.cues) console.log(`      ${c.polarity > 0 ? '+' : '-'}${c.weight} ${c.kind}${c.note ? ` (${c.note})` : ''}: “${text.slice(c.start, c.end)}”`);
    }
  }
}
console.log('\nBy stage:');
for (const [k, n] of [...totals].sort()) console.log(`  ${String(n).padStart(3)}  ${k}`);
