import { describe, expect, it } from 'vitest';
import { parseTopic, readStance } from '../../src/positions/stance.ts';

/** The side a text takes on a query: +1 for what the query proposes (or names), -1 against, 0 none. */
function side(query: string, text: string): number {
  const topic = parseTopic(query);
  const r = readStance(text, topic);
  return Math.sign(r.score * topic.direction);
}

/** The cue texts a reading is based on, as written in the passage. */
function cues(query: string, text: string): string[] {
  return readStance(text, parseTopic(query)).cues.map((c) => text.slice(c.start, c.end));
}

describe('reading a query', () => {
  it('reads "abandon the use of" as a proposal to remove the thing, about the words after it', () => {
    const t = parseTopic('We should abandon the use of school uniform');
    expect(t.direction).toBe(-1);
    expect(t.action).toBe('abandon the use');
    expect([...t.terms].sort()).toEqual(['school', 'uniform']);
  });

  it('reads "fight for the abolition of" as a proposal to remove the thing', () => {
    expect(parseTopic('We should fight for the abolition of nuclear weapons').direction).toBe(-1);
  });

  it('reads a bare topic as the thing itself, taken as real', () => {
    const t = parseTopic('agency by default');
    expect(t.direction).toBe(1);
    expect(t.action).toBeNull();
  });
  it('reads a negated proposal as proposing the opposite, and never takes the negator for a topic word', () => {
    for (const q of ['We should not ban fireworks', "we shouldn't ban fireworks", 'fireworks should not be banned']) expect(parseTopic(q).direction).toBe(1);
    expect(parseTopic('fireworks should be banned').direction).toBe(-1);
    const t = parseTopic('We should never abolish capital punishment');
    expect([t.direction, [...t.terms].sort()]).toEqual([1, ['capit', 'punish']]);
    expect(side('We should not ban fireworks', 'fireworks should be banned because they scare pets')).toBe(-1);
  });

  it('reads a judging word that ends a question or claim as what is said of the topic, not part of it', () => {
    const terms = (q: string) => [...parseTopic(q).terms];
    expect(terms('is hyperstition real')).toEqual(['hyperstit']);
    expect(terms('is hyperstition real or not')).toEqual(['hyperstit']);
    expect(parseTopic('is hyperstition real').direction).toBe(1);
    expect(parseTopic('hyperstition is not real').direction).toBe(-1);
    expect(parseTopic('is RLHF harmful').direction).toBe(-1);
    expect(side('is RLHF harmful', 'RLHF is harmful to honesty')).toBe(1);
  });

  it('keeps a judging word that names the thing (not after a linking verb), and reads "is X a real Y" as asking whether X is real', () => {
    expect([...parseTopic('emergent misalignment').terms]).toHaveLength(2);
    expect([...parseTopic('is hyperstition a real phenomenon').terms]).toEqual(['hyperstit']);
    expect(parseTopic('is hyperstition a real phenomenon').direction).toBe(1);
  });
});

describe('reading a side from a passage', () => {
  it('takes "we should not abolish" as against a motion to abolish', () => {
    expect(side('We should abolish capital punishment', 'we should not abolish capital punishment because it deters crime')).toBe(-1);
  });

  it('takes "should be banned" as for a motion to ban, wherever the topic sits in the sentence', () => {
    expect(side('Homeschooling should be banned', 'homeschooling is unregulated so in my view it should be banned')).toBe(1);
  });

  it('turns a judging word after a shifter: "reduces bullying" speaks well of uniforms', () => {
    expect(side('We should abandon the use of school uniform', 'school uniforms reduce bullying among pupils')).toBe(-1);
    expect(side('We should abandon the use of school uniform', 'school uniforms stifle creativity')).toBe(1);
  });

  it('judges the doing when a policy word is not proposed: "abolishing it would damage the economy"', () => {
    expect(side('We should abolish intellectual property rights', 'abolishing intellectual property rights would damage the economy')).toBe(-1);
  });

  it('hears "I don\'t think we should" as a negated proposal', () => {
    expect(side('We should abandon marriage', "i don't think we should abandon marriage, happy couples live longer")).toBe(-1);
  });

  it('tells a real, live mechanism from a weak or irrelevant argument', () => {
    expect(side('hyperstition', 'My sense is that hyperstition is a real phenomenon.')).toBe(1);
    expect(side('hyperstition', 'IMO hyperstition is much more of a live concern for current models.')).toBe(1);
    expect(side('hyperstition', "hyperstition seems like a weak argument that doesn't hold up.")).toBe(-1);
    expect(side('hyperstition', "The research doesn't seem to be related to hyperstition at all.")).toBe(-1);
  });

  it('tells those who doubt agency by default from those who find it intuitive', () => {
    expect(side('agency by default', 'This aligns with my view that agency is not the default.')).toBe(-1);
    expect(side('agency by default', "I don't think anyone ever gave a good reason for agency by default.")).toBe(-1);
    expect(side('agency by default', 'For a chess engine, agency by default is very intuitive.')).toBe(1);
  });

  it('ignores judging words said of something else in the sentence', () => {
    expect(side('hyperstition', 'The food was excellent and the room is great, and someone mentioned hyperstition.')).toBe(0);
  });

  it('gives its cues as the words of the passage', () => {
    expect(cues('We should abolish capital punishment', 'we should not abolish capital punishment')).toEqual(['not abolish']);
    expect(cues('hyperstition', 'hyperstition seems like a uniquely weak argument')).toEqual(['hyperstition seems like a uniquely weak']);
  });

  it('shows the negator that turns a verdict, even before the topic', () => {
    const text = 'No hyperstitioning is necessary to bring power-seeking into existence.';
    expect(cues('hyperstition', text)).toEqual(['No hyperstitioning is necessary']);
    expect(side('hyperstition', text)).toBe(-1);
  });
});
