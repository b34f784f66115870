import { beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openEngine, type Engine } from '../../src/core/engine.ts';
import { crux, tempDir } from '../cli/helpers.ts';

const ids = (e: Engine, q: string, limit = 10) => e.ask(q, { limit }).passages.map((p) => p.id);

function engineOver(lines: string[]): Engine {
  const dir = tempDir();
  writeFileSync(join(dir, 'thread.txt'), lines.join('\n') + '\n');
  return openEngine({ corpus: dir, cacheDir: tempDir() });
}

// Filler that matches nothing, so passages compare on their topic words alone.
const pad = 'The weather was mild and the trains ran on time all week long.';

describe('what a passage does with the topic', () => {
  it('damps a one-line acknowledgement below a comment that says something about the topic', () => {
    const e = engineOver([
      'Yeah, you are right that hyperstition is hyperstition, fair enough and thanks for the link.',
      'Hyperstition needs more evidence than one tweet gave it, I think, and the labs have not shown any of it yet.',
      pad,
    ]);
    const a = e.ask('hyperstition', { explain: true });
    expect(a.passages.map((p) => p.id)).toEqual(['thread:L2', 'thread:L1']);
    expect(a.passages[1].why).toMatchObject({ reads: ['acknowledgement'] });
    expect(a.passages[1].why!.bm25).toBeGreaterThan(a.passages[0].why!.bm25);
  });

  it('damps a line that is a link and little else', () => {
    const e = engineOver([
      'See https://example.org/hyperstition/hyperstition-faq on hyperstition',
      'Writing hyperstition stories is a strange way to argue about the risks that labs face from their own models and users.',
      pad,
    ]);
    const a = e.ask('hyperstition', { explain: true });
    expect(a.passages.map((p) => p.id)).toEqual(['thread:L2', 'thread:L1']);
    // It matched better (the word three times in few words): the damping is what puts it second.
    expect(a.passages[1].why).toMatchObject({ reads: ['link only'] });
    expect(a.passages[1].why!.bm25).toBeGreaterThan(a.passages[0].why!.bm25);
  });

  it('ranks a definition of the topic first, and finds the paragraph answering it, named or not', () => {
    const e = engineOver([
      'Some labs tried inoculation prompting on small models last year, among other tricks.',
      pad,
      'This is “inoculation prompting”: telling the model that reward hacking is acceptable during training.',
      'That said, it seems an insane way of solving this problem, and it will not generalize.',
      pad,
    ]);
    const got = ids(e, 'inoculation prompting');
    expect(got).toEqual(['thread:L3', 'thread:L1', 'thread:L4']);
  });

  it('counts the records that reply to a comment (their `parent`) as replies it receives, like quotes', () => {
    const dir = tempDir();
    const rec = (id: string, text: string, parent?: string) => JSON.stringify({ id, text, thread: 't1', ...(parent && { parent }) });
    writeFileSync(
      join(dir, 'forum.jsonl'),
      [
        rec('a', 'Hyperstition is a story that makes itself true once enough people believe and repeat it.'),
        rec('b', 'Hyperstition is a story that makes itself come true once enough people believe and repeat it.'),
        rec('c', pad, 'b'),
        rec('d', pad.replace('mild', 'cold'), 'b'),
      ].join('\n') + '\n',
    );
    const e = openEngine({ corpus: dir, cacheDir: tempDir() });
    const a = e.ask('hyperstition', { explain: true });
    expect(a.passages.map((p) => p.id)).toEqual(['b', 'a']);
    expect(a.passages[0].why).toMatchObject({ reads: ['replied to by 2'], factor: 1.3 });
    expect(a.passages[1].why!.bm25).toBeGreaterThan(a.passages[0].why!.bm25);
  });

  it('reads a compound the query and the passage spell differently as the same topic (a definition of "pre-training" answers "pretraining")', () => {
    const e = engineOver([
      'By pre-training, I mean here the first stage, where the model reads the whole web once and learns to predict it.',
      'Pretraining on filtered data came up in passing while we discussed the labs and their plans for the next year.',
      'Some pre-training runs were longer than others, and nobody said which ones or why they were cut short.',
      pad,
    ]);
    for (const q of ['pretraining', 'pre-training', 'pre training']) {
      const a = e.ask(q, { explain: true });
      expect(a.passages[0].id).toBe('thread:L1');
      expect(a.passages[0].why!.reads).toContain('definition');
    }
  });

  it('ranks the query’s words side by side above the same words spread over the passage', () => {
    const e = engineOver([
      'The hacking started late in the year, long after the team had written down the rules and the reward for each task.',
      'The reward hacking started late in the year, long after the team had written down the rules for each task.',
      pad,
    ]);
    const a = e.ask('reward hacking', { explain: true });
    expect(a.passages.map((p) => p.id)).toEqual(['thread:L2', 'thread:L1']);
    expect(a.passages[0].why!.bm25).toBe(a.passages[1].why!.bm25);
    expect(a.passages[0].why!.reads).toEqual(['2 query words within 2']);
    expect(a.passages[1].why!.reads![0]).toMatch(/^2 query words within 1\d$/);
  });

  it('reads an apposition that glosses the topic as a definition ("the theory of X-- the idea that …")', () => {
    const e = engineOver([
      pad,
      'Hyperstition came up again in the thread, and again nobody agreed on much about it at all.',
      'I think this is part of a pattern of promoting hyperstition-- the idea that writing about a risk helps bring it about.',
    ]);
    const a = e.ask('hyperstition', { explain: true });
    expect(a.passages.map((p) => p.id)).toEqual(['thread:L3', 'thread:L2']);
    expect(a.passages[0].why!.reads).toEqual(['definition']);
    expect(a.passages[1].why!.bm25).toBeGreaterThan(a.passages[0].why!.bm25);
  });

  it('says why a passage ranks where it does when asked (explain), and not otherwise', () => {
    const e = engineOver(['By hyperstition, I mean writing about a risk that makes it real.', 'Hyperstition came up in passing.', pad]);
    const a = e.ask('hyperstition', { explain: true });
    expect(a.passages[0].why).toMatchObject({ reads: ['definition'], factor: 1.6 });
    expect(a.passages[0].why!.bm25).toBeGreaterThan(0);
    expect(a.passages[0].why!.score).toBeCloseTo(a.passages[0].score, 2);
    expect(e.ask('hyperstition').passages[0].why).toBeUndefined();
  });
});

describe('the cases of the issue, on the bundled corpus', () => {
  let e: Engine;
  beforeAll(() => {
    e = openEngine({ cacheDir: tempDir() });
  });

  it('hyperstition: the post’s thesis comes first (it was 19th), its definition among the first six (it was 37th), the “Yeah you are correct” reply not in the first five (it was 2nd)', () => {
    const top = ids(e, 'hyperstition', 6);
    expect(top[0]).toBe('003_c6561a6e21d28fa3:L122');
    expect(top).toContain('003_c6561a6e21d28fa3:L155');
    expect(top.slice(0, 5)).not.toContain('003_c6561a6e21d28fa3:L83');
  });

  // 5th before the query's words side by side counted (which lifts "… people should stop talking about AI …" above it).
  it('should labs filter AI discussion out of pretraining data: the "Should we filter out I Have No Mouth" paragraph is in the first six (it was 20th)', () => {
    expect(ids(e, 'should labs filter AI discussion out of pretraining data', 6)).toContain('003_c6561a6e21d28fa3:L145');
  });

  it('inoculation prompting: the critique after the definition is in the first three (it was not in the first 50); "the same prompt template" is not in the first five', () => {
    expect(ids(e, 'inoculation prompting', 3)).toContain('004_2d2d5e564d1d065e:L14');
    expect(ids(e, 'inoculation prompting', 5)).not.toContain('002_63a2ad95298388d4:L267');
  });

  it('is sycophancy caused by RL: the excerpt that shows the author’s question shows the answer after it', () => {
    const hit = e.ask('is sycophancy caused by RL', { limit: 10 }).passages.find((p) => p.id === '002_63a2ad95298388d4:L296')!;
    expect(hit.text).toContain('In the hypothetical, it was originally caused by RL');
  });

  it('hyperstion: the positions notice names the corrected topic, as the answer searched it, not the typo', () => {
    const a = e.ask('hyperstion');
    expect(a.didYouMean).toBe('hyperstition');
    const about = a.notices.filter((n) => n.includes('passages about'));
    expect(about.length).toBeGreaterThan(0);
    for (const n of about) expect(n).toContain('“hyperstition”');
  });

  it('crux --json --explain prints each passage with why it ranks there', () => {
    const r = crux(['--json', '--explain', '--limit', '3', 'inoculation prompting'], { cacheDir: tempDir() });
    expect(r.code).toBe(0);
    const why = new Map(JSON.parse(r.stdout).passages.map((p: { id: string; why: { reads?: string[] } }) => [p.id, p.why]));
    expect((why.get('004_2d2d5e564d1d065e:L13') as { reads: string[] }).reads).toContain('definition');
    expect(why.get('004_2d2d5e564d1d065e:L14')).toMatchObject({ bm25: 0, reads: ['follows a definition'] });
  });
});
