// The positions part of `npm run eval`: Crux answers the ArgKP topics through `crux --json --batch`, the shared
// positions judge scores the answers, and the reference points of ../shared/eval/argkp/README.md are shown beside.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Io {
  out: (s: string) => void;
}

export interface PositionsEvalDeps {
  evalDir: string;
  /** Runs `crux --json --batch` over queries (with extra arguments) and returns the answers file. */
  batchAnswers: (queries: string[], extra: string[]) => string;
}

/** The judge's overall numbers that the README table reports. */
const COLUMNS = ['stancePurity', 'ari', 'keyPointCoverage', 'nPositions', 'stanceBase', 'stancePurityHard', 'nmi', 'onTopicRate', 'verbatimRate', 'bothSides', 'argRecall'];

/** Scores one ArgKP split ("dev" or "train") and prints the judge's table, its summary, and the reference points. */
export function runPositionsEval(split: 'dev' | 'train', deps: PositionsEvalDeps, io: Io): Record<string, number> {
  const dir = join(deps.evalDir, 'argkp', split);
  const queries = readFileSync(join(dir, 'queries.txt'), 'utf8').split('\n').filter((q) => q.trim());
  const answers = deps.batchAnswers(queries, ['--corpus', join(dir, 'corpus.jsonl')]);
  const out = execFileSync(process.execPath, [join(deps.evalDir, 'positions-judge.mjs'), 'argkp', join(dir, 'gold.json'), answers], { maxBuffer: 1 << 26 }).toString();
  const lines = out.trimEnd().split('\n');
  const summary = JSON.parse(lines.pop()!) as { overall: Record<string, number> };
  io.out(lines.join('\n'));
  const o = summary.overall;
  io.out('');
  io.out(`Crux on ArgKP ${split}: ${COLUMNS.map((k) => `${k} ${fmt(o[k])}`).join(', ')}`);
  io.out('');
  io.out(referencePoints(deps.evalDir, split, o));
  return o;
}

const fmt = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : String(v));

/** The README's reference table for this split, with a row for this build added. */
function referencePoints(evalDir: string, split: 'dev' | 'train', o: Record<string, number>): string {
  let readme = '';
  try {
    readme = readFileSync(join(evalDir, 'argkp', 'README.md'), 'utf8');
  } catch {
    return '(reference points: ../shared/eval/argkp/README.md not found)';
  }
  const rows = readme.split('\n').filter((l) => l.startsWith('|') && !/^\|[-| ]+\|$/.test(l));
  if (rows.length < 2) return '(reference points: no table in ../shared/eval/argkp/README.md)';
  // Columns: method | dev purity | dev ARI | dev coverage | train purity | train ARI | train coverage | positions
  const cells = (l: string) => l.split('|').slice(1, -1).map((c) => c.trim());
  const at = split === 'dev' ? 1 : 4;
  const table = [['method', 'purity', 'ARI', 'coverage', 'positions']];
  for (const l of rows.slice(1)) {
    const c = cells(l);
    table.push([c[0], c[at], c[at + 1], c[at + 2], c[7] ?? '']);
  }
  table.push(['crux (this build)', fmt(o.stancePurity), fmt(o.ari), fmt(o.keyPointCoverage), fmt(o.nPositions)]);
  const width = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  const lines = table.map((r) => r.map((c, i) => c.padEnd(width[i])).join('  ').trimEnd());
  return [`Reference points (ArgKP ${split}, from ../shared/eval/argkp/README.md):`, ...lines].join('\n') +
    '\nStrong: ARI above 0.45 and coverage of 0.3 or more, at purity 0.9 or more with 2 to 6 positions.';
}

/** Targets of issue 12 for the stance judge, and what Crux scored before the method was reworked. */
const STANCE_TARGETS = 'Targets: side precision ≥ 0.90, side coverage ≥ 0.40, neutral leak ≤ 0.20, no flipped topic.';
const STANCE_BEFORE = 'Before the rework (issue 12): precision 0.50, coverage 0.03, neutral leak 1.00, 1 of 7 topics flipped.';

/**
 * Scores the sides positions take on real forum text: Crux answers each topic's question of stance-dev.json over the
 * seed corpus, and the shared stance judge compares the sides with the judgments made by reading the threads.
 */
export function runStanceEval(deps: PositionsEvalDeps & { corpus: string }, io: Io): Record<string, number | null> {
  const gold = join(deps.evalDir, 'stance-dev.json');
  const queries = (JSON.parse(readFileSync(gold, 'utf8')) as { topics: Array<{ q: string }> }).topics.map((t) => t.q);
  const answers = deps.batchAnswers(queries, ['--corpus', deps.corpus]);
  const out = execFileSync(process.execPath, [join(deps.evalDir, 'stance-judge.mjs'), gold, deps.corpus, answers, '--verbose'], { maxBuffer: 1 << 26 }).toString();
  const lines = out.trimEnd().split('\n');
  const s = JSON.parse(lines.pop()!) as Record<string, number | null>;
  io.out(lines.join('\n'));
  io.out('');
  io.out(`Crux on stance-dev: side precision ${fmt(s.sidePrecision)} (${s.right} right, ${s.wrong} wrong), side coverage ${fmt(s.sideCoverage)}, neutral leak ${fmt(s.neutralLeak)}, flipped topics ${s.flippedTopics} of ${s.topics}`);
  io.out(STANCE_TARGETS);
  io.out(STANCE_BEFORE);
  return s;
}
