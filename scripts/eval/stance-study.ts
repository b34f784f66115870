// Per stance topic: every passage the positions step read, with the judged side (if any), whether it is about the
// topic, the side Crux gave it and why; then the judged passages it never saw. For studying the method.
//
//   node --import tsx scripts/eval/stance-study.ts [TOPIC-SUBSTRING] [--all]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openEngine, REPO_ROOT } from '../../src/core/engine.ts';
import { EVAL_DIR } from '../../src/cli/eval.ts';
import { hooks, type Analysis } from '../../src/positions/index.ts';

const args = process.argv.slice(2);
const filter = args.find((a) => !a.startsWith('--')) ?? '';
const all = args.includes('--all');
const { norm } = (await import(pathToFileURL(join(EVAL_DIR, 'norm.mjs')).href)) as { norm: (s: string) => string };
const gold = JSON.parse(readFileSync(join(EVAL_DIR, 'stance-dev.json'), 'utf8')) as { topics: Array<{ q: string; claim: string; passages: Array<{ key: string; side: string }> }> };
const engine = openEngine({ corpus: join(REPO_ROOT, 'data', 'corpus') });
const SIDE: Record<string, number> = { for: 1, yes: 1, against: -1, no: -1 };
for (const t of gold.topics.filter((t) => t.q.includes(filter))) {
  let a: Analysis | null = null;
  hooks.onAnalysis = (x) => (a = x);
  const ans = engine.ask(t.q);
  hooks.onAnalysis = undefined;
  console.log(`\n=== ${t.q}\n    claim: ${t.claim}\n    notices: ${ans.notices.join(' | ')}`);
  for (const p of ans.positions) console.log(`    [${p.stance}] ${p.label}  (cue: ${p.stanceCue}) ${p.passages.length}`);
  const seen = new Set<string>();
  const labelOf = (text: string) => {
    const n = norm(text);
    for (const j of t.passages) if (n.includes(norm(j.key))) return j;
    return null;
  };
  for (const it of (a as Analysis | null)?.items ?? []) {
    const j = labelOf(it.r.passage.text);
    if (j) seen.add(j.key);
    if (!j && !all) continue;
    const g = j ? SIDE[j.side] ?? 0 : null;
    const placed = (a as unknown as Analysis).positionOf.has(it.r.passage.id);
    const mark = g === null ? '   ' : it.side === 0 ? ' . ' : it.side === g ? ' OK' : g === 0 ? ' N!' : ' XX';
    const cues = it.reading.cues.map((c) => `${c.polarity > 0 ? '+' : '-'}${c.weight}${c.kind[0]}“${it.r.passage.text.slice(c.start, c.end)}”`).join(' ');
    console.log(`${mark} gold=${j?.side ?? '-'} side=${it.side} ${it.how}${placed ? '' : ' (unplaced)'} score=${it.reading.score.toFixed(2)}${it.reading.stated ? ' stated' : ''} ${it.r.passage.id}\n      ${it.r.passage.text.slice(0, 220).replace(/\s+/g, ' ')}\n      ${cues}`);
  }
  for (const j of t.passages) if (!seen.has(j.key)) console.log(`  unseen gold=${j.side}: ${j.key}`);
}
