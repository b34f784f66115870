import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, tempDir } from '../cli/helpers.ts';
import { anchors, brokenLinks, relativeLinks } from './links.ts';

const README = join(REPO, 'README.md');
const DOCS = join(REPO, 'docs');
const pages = readdirSync(DOCS).filter((f) => f.endsWith('.md')).map((f) => join(DOCS, f));

describe('the README and docs/', () => {
  it('keep the README to at most 250 lines', () => {
    expect(readFileSync(README, 'utf8').split('\n').length).toBeLessThanOrEqual(250);
  });

  it('link every page in docs/ from the README', () => {
    const linked = new Set(relativeLinks(readFileSync(README, 'utf8')).map((l) => l.split('#')[0]));
    expect(pages.length).toBeGreaterThan(0);
    for (const page of pages) expect(linked, page).toContain(`docs/${page.slice(DOCS.length + 1)}`);
  });

  it.each([README, ...pages].map((p) => [p.slice(REPO.length + 1), p]))(
    'have no relative link in %s that misses its file or heading',
    (_name, path) => {
      expect(brokenLinks(path)).toEqual([]);
    },
  );
});

describe('the link check', () => {
  const dir = tempDir('crux-docs-');
  const page = join(dir, 'page.md');
  writeFileSync(join(dir, 'other.md'), '# Other page\n\n## JSON schema (`--json`)\n\n## Notes\n\n## Notes\n');
  writeFileSync(
    page,
    [
      '# Page',
      '[fine](other.md) [fine](other.md#json-schema---json) [fine](other.md#notes-1) [fine](#page)',
      '[web](https://example.org/x.md) `[in code](missing.md)`',
      '```md',
      '[in a fence](missing.md)',
      '```',
      '[gone](missing.md) [no heading](other.md#nowhere) [no heading here](#nowhere)',
    ].join('\n'),
  );

  it('names a missing file, a missing heading in another page and a missing heading in its own page', () => {
    const broken = brokenLinks(page);
    expect(broken).toHaveLength(3);
    expect(broken[0]).toMatch(/^missing\.md: no file/);
    expect(broken[1]).toMatch(/^other\.md#nowhere: no heading/);
    expect(broken[2]).toMatch(/^#nowhere: no heading/);
  });

  it('reads headings as GitHub anchors them, numbering repeats', () => {
    expect([...anchors(readFileSync(join(dir, 'other.md'), 'utf8'))]).toEqual([
      'other-page',
      'json-schema---json',
      'notes',
      'notes-1',
    ]);
  });
});
