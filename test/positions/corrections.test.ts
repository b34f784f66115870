// A community's corrections applied to positions (src/positions/corrections.ts): after Crux's own reading, marked.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openEngine } from '../../src/core/engine.ts';
import { REPO_ROOT } from '../../src/paths.ts';
import { topicKeyOf, type Correction } from '../../src/positions/corrections.ts';
import type { Answer } from '../../src/core/types.ts';

const cache = mkdtempSync(join(tmpdir(), 'crux-corrections-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));
const engine = openEngine({ corpus: join(REPO_ROOT, 'test', 'fixtures', 'positions', 'hyperstition'), cacheDir: cache });
const sideOf = (a: Answer, id: string) => a.positions.find((p) => p.passages.some((h) => h.id === id))?.stance ?? null;
const correction = (query: string, passage: string, toward: number): Correction => ({ topic: topicKeyOf(query), passage, toward, query, was: 'yes', by: 'U1', at: '2026-01-01T00:00:00Z' });

describe('corrections of sides', () => {
  it('moves a passage to the side a member gave it, and marks it in why, in corrected and in a notice', () => {
    expect(sideOf(engine.ask('is hyperstition real'), 'thread:L2')).toBe('yes');
    const a = engine.ask('is hyperstition real', { corrections: [correction('is hyperstition real', 'thread:L2', -1)] });
    expect(sideOf(a, 'thread:L2')).toBe('no');
    const p = a.positions.find((x) => x.corrected?.includes('thread:L2'))!;
    expect(p.why?.['thread:L2']).toBe('no: corrected by a member of this community (Crux had it as yes)');
    expect(a.notices.join(' ')).toMatch(/1 passage is placed as members of this community corrected it/);
  });

  it('takes a passage marked as on no side out of every sided position', () => {
    const a = engine.ask('is hyperstition real', { corrections: [correction('is hyperstition real', 'thread:L2', 0)] });
    expect(['unclear', null]).toContain(sideOf(a, 'thread:L2'));
  });

  it('holds for every wording of the same claim, and for no other topic', () => {
    const c = [correction('is hyperstition real', 'thread:L2', -1)];
    expect(sideOf(engine.ask('is hyperstition not real', { corrections: c }), 'thread:L2')).toBe('yes');
    expect(sideOf(engine.ask('is hyperstition a plausible mechanism', { corrections: c }), 'thread:L2')).toBe('no');
    expect(engine.ask('positive stories', { corrections: c }).notices.join(' ')).not.toMatch(/corrected/);
  });
});
