// The reading rules of issue 12, one small fixture each: how a reply meets the claim it answers, the scope of a
// negation, contrast, questions, and abstaining when the words do not settle it.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { parseTopic, readStance } from '../../src/positions/stance.ts';
import { openingOf } from '../../src/positions/replies.ts';
import { openEngine } from '../../src/core/engine.ts';
import { REPO_ROOT } from '../../src/paths.ts';

/** The side a text takes on a query: +1 for (yes), -1 against (no), 0 none. */
function side(query: string, text: string): number {
  const topic = parseTopic(query);
  const r = readStance(text, topic);
  return Math.sign(r.score * topic.direction);
}

describe('how a reply meets what it answers', () => {
  it('hears agreement in "Yes,", "I agree", "Exactly" and disagreement in "I disagree", "No —", "Not really"', () => {
    for (const t of ['Yes, and more besides.', 'I agree.', 'Exactly, that is the point.', 'Agreed: it works.']) expect(openingOf(t)?.polarity).toBe(1);
    for (const t of ['I disagree with your summary.', 'No — that is wrong.', 'Not really.', "I don't think so."]) expect(openingOf(t)?.polarity).toBe(-1);
  });

  it('hears "Sure, but" and "I agree that …, but" as conceding, then objecting: the other side, less surely', () => {
    for (const t of ['Sure, but this seems fine to me.', 'Well, yes, but I think not.', 'I agree that it is real, but it is small.']) {
      expect(openingOf(t)).toMatchObject({ polarity: -1, weight: 0.5 });
    }
  });

  it('does not take a sentence that merely starts with "No" or "This" for an answer', () => {
    expect(openingOf('No hyperstitioning is necessary to bring this about.')).toBeNull();
    expect(openingOf("This shouldn't be any indicator of whether it is true.")).toBeNull();
    expect(openingOf("I don't think the cause is the internet.")).toBeNull();
  });
});

describe('sides through the reply graph', () => {
  const cache = mkdtempSync(join(tmpdir(), 'crux-openings-'));
  afterAll(() => rmSync(cache, { recursive: true, force: true }));
  const a = openEngine({ corpus: join(REPO_ROOT, 'test', 'fixtures', 'positions', 'openings'), cacheDir: cache }).ask('is the four-day week a good idea');
  const sideOf = (id: string) => a.positions.find((p) => p.passages.some((h) => h.id === id))?.stance ?? null;
  const why = (id: string) => a.positions.map((p) => p.why?.[id]).find(Boolean) ?? '';

  it('gives a reply that disagrees with a sided passage the other side, and one that agrees the same side', () => {
    expect(sideOf('r1')).toBe('yes');
    expect(sideOf('r2')).toBe('no');
    expect(sideOf('r3')).toBe('yes');
    expect(why('r2')).toContain('“I disagree”');
  });

  it('carries a side two hops: a "No —" to a reply that disagreed takes the first passage’s side', () => {
    expect(sideOf('r4')).toBe('yes');
  });

  it('leaves a passage that takes no side and answers nobody out of the sides', () => {
    expect(['unclear', null]).toContain(sideOf('r6'));
  });
});

describe('the scope of a negation', () => {
  it('reads a negation within its own clause: "doesn’t override" denies the claim', () => {
    expect(side('does post-training override pretraining priors', "In my experience post-training doesn't override the pretraining prior.")).toBe(-1);
    expect(side('does post-training override pretraining priors', 'Post-training overrides whatever prior the base model had.')).toBe(1);
  });

  it('does not read "I don’t think the cause of X is A" as denying that X has cause B', () => {
    const text = "I don't think the cause of language model sycophancy is that the LLM saw predictions of persuasive AIs. I think it's RL.";
    expect(side('is sycophancy caused by RLHF', text)).toBe(0);
  });

  it('ends a negation at the clause: "not only" and a later clause are not denied', () => {
    expect(side('is hyperstition real', "It isn't a big effect, but hyperstition is real.")).toBe(1);
  });
});

describe('a claim said in other words', () => {
  it('reads a verb of the same sense as the claim’s own ("overpowers" for "override", "drives" for "cause")', () => {
    const q = 'does post-training override pretraining priors';
    expect(side(q, 'In my experience post-training overpowers the pretraining prior.')).toBe(1);
    expect(side(q, 'The effect persists after further training, so post training is not overpowering a pretraining prior.')).toBe(-1);
    expect(side('does RL cause sycophancy', 'I am fairly sure RL drives sycophancy in these models.')).toBe(1);
  });

  it('does not take a verb of another sense for the claim', () => {
    expect(side('does post-training override pretraining priors', 'Post-training reshapes the pretraining prior a little.')).toBe(0);
  });
});

describe('contrast is not denial', () => {
  it('does not read "A, not X" or "not X but A" as saying X is false', () => {
    expect(side('hyperstition', 'That is instrumental convergence, not hyperstition.')).toBe(0);
    expect(side('hyperstition', 'The cause is not hyperstition but plain reward hacking.')).toBe(0);
  });

  it('counts what follows "but" over what it concedes', () => {
    expect(side('is hyperstition real', 'Sure, the evidence is weak, but hyperstition is real.')).toBe(1);
  });

  it('takes no side from what is only conceded before "but", when what follows says nothing of the claim', () => {
    const q = 'does post-training override pretraining priors';
    expect(side(q, 'Post-training overrides the pretraining prior here, but that is little evidence about the cause.')).toBe(0);
    expect(side(q, 'That is little evidence about the cause, but post-training overrides the pretraining prior.')).toBe(1);
  });
});

describe('questions, hedges and sarcasm', () => {
  it('takes a question that asks for nothing but its answer ("Isn’t X obviously real?") as asserting it', () => {
    expect(side('is hyperstition real', "Isn't hyperstition obviously real?")).toBe(1);
  });

  it('reads a plain question as taking no side', () => {
    expect(side('is hyperstition real', 'Is hyperstition real?')).toBe(0);
    expect(side('is hyperstition real', 'Is hyperstition a weak argument?')).toBe(0);
  });

  it('keeps a hedged statement ("I’d bet X is somewhat real") but not one the writer says they are unsure of', () => {
    expect(side('is hyperstition real', "I'd bet hyperstition is somewhat real.")).toBe(1);
    expect(side('is hyperstition real', "It's unclear whether hyperstition is real.")).toBe(0);
  });

  it('reads no side in sarcasm the words show ("how dare …")', () => {
    expect(side('hyperstition', 'I know, I know, how dare anyone assume hyperstition is a real danger.')).toBe(0);
  });
});

describe('abstaining when the words do not settle it', () => {
  it('takes no side from a supposition, or from what someone else is reported to claim', () => {
    expect(side('is hyperstition real', 'If hyperstition is real, the labs should act.')).toBe(0);
    expect(side('is hyperstition real', 'They claim hyperstition is real.')).toBe(0);
    expect(side('is hyperstition real', 'I think hyperstition is real.')).toBe(1);
  });

  it('does not answer a question of truth with a judgement of worth', () => {
    expect(side('is hyperstition real', 'Hyperstition is harmful to the discourse.')).toBe(0);
    expect(side('is character training a good way to align AI', 'Character training seems like a bad strategy.')).toBe(-1);
  });

  it('answers a question about doing something only by what is said of the doing', () => {
    const q = 'should labs filter AI risk discussion out of pretraining data';
    expect(side(q, 'Labs should filter AI risk discussion out of the pretraining data.')).toBe(1);
    expect(side(q, 'People should stop talking about AI risk discussion in public.')).toBe(0);
  });
});

describe('quote lines whose source is not in the corpus', () => {
  const cache = mkdtempSync(join(tmpdir(), 'crux-unsourced-'));
  afterAll(() => rmSync(cache, { recursive: true, force: true }));
  const a = openEngine({ corpus: join(REPO_ROOT, 'test', 'fixtures', 'positions', 'unsourced'), cacheDir: cache }).ask('is tide theory correct');
  const placed = (start: string) => a.positions.filter((p) => p.passages.some((h) => h.text.startsWith(start)));

  it('does not place a line cut off without its full stop, answered by a disagreeing reply, as the replier’s side', () => {
    expect(placed('Tide theory is straightforwardly incorrect')).toEqual([]);
  });

  it('gives the reply the other side of what the quoted line says, and says why', () => {
    const [p] = placed('This doesn');
    expect(p?.stance).toBe('yes');
    const why = Object.values(p!.why ?? {}).find((w) => w.includes('in reply to the line it quotes'));
    expect(why).toContain('“This doesn\'t mean anything”');
  });

  it('hears "This doesn’t mean anything", "That doesn’t follow" and "That makes no sense" as disagreeing', () => {
    for (const t of ["This doesn't mean anything, it is semantics.", "That doesn't follow.", 'That makes no sense to me.']) expect(openingOf(t)?.polarity).toBe(-1);
  });
});

describe('judgements of truth', () => {
  it('reads "X is incomplete", "inaccurate", "invalid" as saying X is not a correct account', () => {
    for (const w of ['incomplete', 'inaccurate', 'invalid']) expect(side('is simulator theory a correct way to understand LLMs', `Simulator theory is ${w} as models are trained to predict people.`)).toBe(-1);
  });
});

describe('a lone clear voice', () => {
  const cache = mkdtempSync(join(tmpdir(), 'crux-lone-'));
  afterAll(() => rmSync(cache, { recursive: true, force: true }));

  it('makes a side of one passage whose own words take it, even without stating it outright', () => {
    const a = openEngine({ corpus: join(REPO_ROOT, 'test', 'fixtures', 'positions', 'lone'), cacheDir: cache }).ask('is tide theory correct');
    const yes = a.positions.find((p) => p.stance === 'yes');
    expect(yes?.passages.map((h) => h.text)).toEqual([expect.stringContaining('straightforwardly correct')]);
    expect(a.positions.some((p) => p.stance === 'no')).toBe(false);
  });
});
