import { describe, expect, it } from 'vitest';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO, tempDir } from './helpers.ts';

// `npm link` (or `npm install -g .`) installs the crux command as a symlink to the package's bin entry, run from
// wherever the user is. The npm package called "crux" is someone else's, so no instruction may send users to it.
const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string> };

describe('the crux command', () => {
  it('is declared in package.json as an executable script that Node runs', () => {
    const bin = join(REPO, manifest.bin.crux!);
    expect(() => accessSync(bin, constants.X_OK)).not.toThrow();
    expect(readFileSync(bin, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  it('installs with npm install -g . and answers from another folder over the bundled corpus', () => {
    // A private prefix instead of the machine's global one; npm links the folder, as `npm link` does.
    const prefix = tempDir('crux-prefix-');
    const install = spawnSync('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', REPO], { encoding: 'utf8' });
    expect(install.status, install.stderr).toBe(0);
    const env: Record<string, string | undefined> = { ...process.env, CRUX_CACHE_DIR: tempDir('crux-cache-') };
    delete env.CRUX_CORPUS;
    const r = spawnSync(join(prefix, 'bin', 'crux'), ['--json', 'agency by default'], { cwd: tempDir('crux-elsewhere-'), env, encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    const sources = readdirSync(join(REPO, 'data', 'corpus')).map((f) => f.replace(/\.\w+$/, ''));
    const answer = JSON.parse(r.stdout);
    expect(answer.passages.length).toBeGreaterThan(0);
    for (const p of answer.passages) expect(sources).toContain(p.source.id);
  });
});

describe('the documentation', () => {
  const pages = ['README.md', ...readdirSync(join(REPO, 'docs')).map((f) => join('docs', f))];
  const read = (p: string) => readFileSync(join(REPO, p), 'utf8');

  it('shows how to install the command to run it from anywhere', () => {
    expect(read('README.md')).toMatch(/`npm link`/);
    expect(read('docs/terminal.md')).toMatch(/^npm link\b/m);
  });

  it('never gives npx crux as a command to run (outside the clone it runs an unrelated package)', () => {
    for (const page of pages) {
      const code = [...read(page).matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1]).join('\n');
      expect(code, page).not.toMatch(/\bnpx\s+crux\b/);
    }
  });
});
