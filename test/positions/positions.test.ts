// Positions and exchanges, end to end through the real engine over small fixture corpora (test/fixtures/positions).
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openEngine, type Engine } from '../../src/core/engine.ts';
import type { Answer, PassageHit, Position } from '../../src/core/types.ts';

const REPO = resolve(import.meta.dirname, '..', '..');
const FIXTURES = join(REPO, 'test', 'fixtures', 'positions');
const cache = mkdtempSync(join(tmpdir(), 'crux-positions-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

const engines = new Map<string, Engine>();
function ask(fixture: string, query: string, limit = 5): Answer {
  let e = engines.get(fixture);
  if (!e) engines.set(fixture, (e = openEngine({ corpus: join(FIXTURES, fixture), cacheDir: cache })));
  return e.ask(query, { limit });
}

/** Every file's text in a fixture corpus, for verbatim checks. */
function corpusText(fixture: string): string {
  const dir = join(FIXTURES, fixture);
  return readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}

/** The verbatim pieces of an excerpt ("…" marks cuts). */
const pieces = (text: string) => text.replace(/^… /, '').replace(/ …$/, '').split(' … ').filter(Boolean);

const ids = (p: Position | undefined) => (p?.passages ?? []).map((h: PassageHit) => h.id).sort();
const byStance = (a: Answer, stance: string) => a.positions.filter((p) => p.stance === stance);

describe('positions on a thread about hyperstition', () => {
  const a = ask('hyperstition', 'hyperstition');

  it('separates those who think hyperstition is a real, live mechanism from those who find it a weak or irrelevant argument', () => {
    expect(a.positions).toHaveLength(2);
    const [real] = byStance(a, 'for');
    const [weak] = byStance(a, 'against');
    expect(ids(real)).toEqual(['thread:L2', 'thread:L3', 'thread:L4', 'thread:L9']);
    expect(ids(weak)).toEqual(['thread:L5', 'thread:L6', 'thread:L7']);
  });

  it('does not count a quote line as evidence of its own: the quoted sentence stays with the paragraph it came from', () => {
    const members = a.positions.flatMap((p) => p.passages.map((h) => h.id));
    expect(members).not.toContain('thread:L8');
    expect(members.filter((id) => id === 'thread:L5')).toHaveLength(1);
  });

  it('leaves out a passage that names the topic only in passing, and says how many were left out', () => {
    const members = a.positions.flatMap((p) => p.passages.map((h) => h.id));
    expect(members).not.toContain('thread:L10');
    expect(a.notices).toContain('2 of the 9 passages about “hyperstition” fit no position (no clear side, or a point nobody else makes).');
  });

  it('labels each position in the corpus’s own words, and gives the cue its stance rests on', () => {
    const text = corpusText('hyperstition');
    for (const p of a.positions) {
      for (const piece of pieces(p.label)) expect(text).toContain(piece);
      expect(text).toContain(p.stanceCue);
    }
    // L5 leads its side: a reply quotes it and answers (the ranking prefers what the discussion turns on).
    expect(byStance(a, 'against')[0].stanceCue).toBe('hyperstition seems like a weak');
  });

  it('weighs each position by its passages out of the passages about the topic, and explains every placement', () => {
    for (const p of a.positions) {
      expect(p.weight).toEqual({ passages: p.passages.length, authors: null, ofRelevant: 9 });
      expect(Object.keys(p.why ?? {}).sort()).toEqual(ids(p));
    }
    expect(byStance(a, 'against')[0].why?.['thread:L5']).toBe('against: it says “hyperstition seems like a weak”');
  });

  it('pairs the quoted paragraph with the reply after the quote line, marking the position of each side', () => {
    const x = a.exchanges.find((e) => e.via === 'quote' && e.claim.id === 'thread:L5');
    expect(x?.reply.id).toBe('thread:L9');
    expect(a.positions[x!.claimPosition!].stance).toBe('against');
    expect(a.positions[x!.replyPosition!].stance).toBe('for');
    expect(x?.claim.text).toBe(
      "Nevertheless, hyperstition seems like a weak argument that doesn't hold up once you look at how post-training works. It is also a convenient story for the labs.",
    );
  });

  it('quotes every passage verbatim', () => {
    const text = corpusText('hyperstition');
    const shown = [...a.positions.flatMap((p) => p.passages), ...a.exchanges.flatMap((x) => [x.claim, x.reply])];
    expect(shown.length).toBeGreaterThan(0);
    for (const h of shown) for (const piece of pieces(h.text)) expect(text).toContain(piece);
  });
});

describe('exchanges by quote line', () => {
  it('take the reply after lead-ins such as "Regarding:", never the lead-in itself', () => {
    const dir = mkdtempSync(join(cache, 'leadin-'));
    const lines = [
      'The post claims that writing about misaligned AI makes future models misaligned through their training data.',
      'Someone else thinks the worry about training data is overblown, and mostly a story the labs like to tell.',
      'writing about misaligned AI makes future models misaligned',
      'Regarding:',
      'Training data effects are real, but models learn their character mostly in post-training, not from stories.',
    ];
    writeFileSync(join(dir, 'thread.txt'), lines.join('\n') + '\n');
    const a = openEngine({ corpus: dir, cacheDir: cache }).ask('misaligned training data');
    expect(a.exchanges.find((x) => x.claim.id === 'thread:L1')?.reply.id).toBe('thread:L5');
    expect(a.exchanges.map((x) => x.reply.id)).not.toContain('thread:L4');
  });
});

describe('positions on agency by default', () => {
  it('separates those who doubt agency arises by default from those who find it intuitive', () => {
    const a = ask('agency', 'agency by default');
    const [doubt] = byStance(a, 'against');
    const [intuitive] = byStance(a, 'for');
    expect(ids(doubt)).toEqual(['thread:L2', 'thread:L3', 'thread:L4']);
    expect(ids(intuitive)).toEqual(['thread:L5', 'thread:L6', 'thread:L7']);
    expect(doubt.stanceCue).toBe("don't think anyone ever gave a good reason for agency");
    expect(['default is very intuitive', 'default seems obvious', 'default is plausible']).toContain(intuitive.stanceCue);
  });
});

describe('positions on short arguments about a motion', () => {
  const a = ask('fireworks', 'We should ban fireworks', 1);

  it('splits each side into the points its arguments make', () => {
    const groups = a.positions.map((p) => `${p.stance}: ${ids(p).join(' ')}`).sort();
    expect(groups).toEqual([
      'against: a11 a12 a13 a14 a15',
      'against: a16 a17 a18 a19 a20',
      'for: a1 a2 a3 a4 a5',
      'for: a10 a6 a7 a8 a9',
    ]);
  });

  it('swaps the sides when the motion is negated ("We should not ban fireworks")', () => {
    const swapped = ask('fireworks', 'We should not ban fireworks', 1).positions.map((p) => `${p.stance}: ${ids(p).join(' ')}`).sort();
    expect(swapped).toEqual(['against: a1 a2 a3 a4 a5', 'against: a10 a6 a7 a8 a9', 'for: a11 a12 a13 a14 a15', 'for: a16 a17 a18 a19 a20']);
  });

  it('finds both sides for a whole message about the motion, reading its topic from the words its passages share most', () => {
    const message = 'Honestly, fireworks are a menace. The noise terrifies pets every year, they start fires in dry summers, and the smoke is awful. I think we should ban them.';
    const a = ask('fireworks', message, 1);
    const side = (stance: string) => a.positions.filter((p) => p.stance === stance).flatMap((p) => ids(p)).sort();
    expect(side('for')).toEqual(['a1', 'a10', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9']);
    expect(side('against')).toEqual(['a11', 'a12', 'a13', 'a14', 'a15', 'a16', 'a17', 'a18', 'a19', 'a20']);
    expect(a.notices).toEqual(['1 of the 21 passages about “Honestly, fireworks are a menace. The noise terrifies pets …” fit no position (no clear side, or a point nobody else makes).']);
  });

  it('counts distinct authors where the corpus names them', () => {
    expect(a.positions.length).toBeGreaterThan(0);
    for (const p of a.positions) expect(p.weight.authors).toBe(5);
  });

  it('says which shared words put a passage in its group', () => {
    const fires = a.positions.find((p) => ids(p).includes('a6'))!;
    expect(fires.why?.a6).toBe('for: it says “ban”; in this group for the words “fires”, “burns”, “start”, “cause”');
    expect(fires.label).toBe('we should ban fireworks because they start fires and cause burns');
  });

  it('lists every member passage even when the answer shows only one passage', () => {
    expect(a.passages).toHaveLength(1);
    expect(a.positions.reduce((n, p) => n + p.passages.length, 0)).toBe(20);
  });

  it('keeps a passage that mentions the topic without taking a side out of every position', () => {
    expect(a.positions.flatMap((p) => ids(p))).not.toContain('a21');
  });
});

describe('positions when the corpus has a negated form of a topic word', () => {
  it('reads the topic from the words typed: "unexplored" found for "exploration" does not make the arguments off topic', () => {
    const a = ask('space', 'We should subsidize space exploration');
    expect(a.positions.map((p) => `${p.stance}: ${ids(p).join(' ')}`).sort()).toEqual(['against: s5 s6 s7 s8', 'for: s1 s2 s3 s4']);
  });
});

describe('positions on a question', () => {
  it('answers a yes/no question with the same sides, called yes and no', () => {
    const claim = ask('fireworks', 'We should ban fireworks', 1);
    const question = ask('fireworks', 'Should we ban fireworks?', 1);
    const sides = (a: Answer) => a.positions.map((p) => `${p.stance}: ${ids(p).join(' ')}`).sort();
    expect(sides(question)).toEqual(sides(claim).map((s) => s.replace(/^for:/, 'yes:').replace(/^against:/, 'no:')));
    expect(question.positions.find((p) => ids(p).includes('a6'))?.why?.a6).toMatch(/^yes: it says “ban”/);
  });

  it('asks whether the thing is real as a yes/no question about the thing, answered by what is said of its truth, not its worth', () => {
    const topic = ask('hyperstition', 'hyperstition');
    const question = ask('hyperstition', 'is hyperstition real');
    const sides = (a: Answer) => a.positions.map((p) => `${p.stance}: ${[...ids(p)].sort().join(' ')}`).sort();
    // "Hyperstition is irrelevant to aligning superhuman AI" is against the idea, but does not say it is unreal.
    const renamed = sides(topic).map((s) => s.replace(/^for:/, 'yes:').replace(/^against:/, 'no:').replace(' thread:L7', ''));
    expect(sides(question)).toEqual(renamed);
  });

  it('shows no for and against for an open question, and says what to ask instead, keeping the exchanges', () => {
    const a = ask('replies', 'why would anyone want a four-day week');
    expect(a.positions).toEqual([]);
    expect(a.notices).toContain(
      '“why would anyone want a four-day week” is an open question, and positions are the sides people take on a claim: ask about one answer (“… should …”, “… is …”) to see them.',
    );
    expect(a.exchanges.map((x) => `${x.claim.id}->${x.reply.id}`)).toContain('c1->c2');
  });
});

describe('exchanges from reply structure', () => {
  const a = ask('replies', 'four-day week');

  it('pairs each reply with the comment it answers, from the parent field', () => {
    const pairs = a.exchanges.map((x) => `${x.claim.id}->${x.reply.id} (${x.via})`);
    expect(pairs).toEqual(expect.arrayContaining(['c1->c2 (parent)', 'c1->c3 (parent)', 'c2->c4 (parent)']));
  });

  it('leaves out a reply chain neither side of which is about the topic, though the search matched a word', () => {
    expect(ask('replies', 'four-day week', 10).passages.map((p) => p.id)).toContain('c6');
    expect(a.exchanges.map((x) => x.claim.id)).not.toContain('c6');
  });

  it('ranks a reply from another position above one that agrees', () => {
    const across = a.exchanges.findIndex((x) => x.claim.id === 'c1' && x.reply.id === 'c2');
    const along = a.exchanges.findIndex((x) => x.claim.id === 'c1' && x.reply.id === 'c3');
    expect(across).toBeLessThan(along);
    const x = a.exchanges[across];
    expect(a.positions[x.claimPosition!].stance).toBe('for');
    expect(a.positions[x.replyPosition!].stance).toBe('against');
  });
});

describe('exchanges from blockquotes', () => {
  it('pairs a paragraph answering a > quote with the paragraph it quotes, which keeps its place in a position', () => {
    const a = ask('blockquotes', 'four-day week');
    const x = a.exchanges.find((e) => e.via === 'quote');
    expect(`${x?.claim.id}->${x?.reply.id}`).toBe('thread:L5->thread:L9');
    expect(a.positions[x!.claimPosition!].stance).toBe('for');
    expect(a.positions[x!.replyPosition!].stance).toBe('against');
  });
});

describe('too little text', () => {
  it('says how few passages are about the topic instead of inventing a split', () => {
    const a = ask('scarce', 'quokka');
    expect(a.positions).toEqual([]);
    expect(a.notices).toContain('Only 2 passages are about “quokka”: too few to tell positions apart.');
  });
});

describe('the JSON answer', () => {
  it('holds positions with all their passages, their weight and why, and the exchanges', () => {
    const r = spawnSync(process.execPath, [join(REPO, 'bin', 'crux.mjs'), '--corpus', join(FIXTURES, 'fireworks'), '--json', '--limit', '1', 'We should ban fireworks'], {
      encoding: 'utf8',
      env: { ...process.env, CRUX_CACHE_DIR: cache },
    });
    expect(r.status).toBe(0);
    const a = JSON.parse(r.stdout) as Answer;
    expect(a.passages).toHaveLength(1);
    expect(a.positions).toHaveLength(4);
    for (const p of a.positions) {
      expect(p.passages).toHaveLength(5);
      expect(p.weight.ofRelevant).toBe(21);
      expect(Object.keys(p.why ?? {})).toHaveLength(5);
      expect(['for', 'against']).toContain(p.stance);
    }
    expect(a.exchanges).toEqual([]);
  });
});
