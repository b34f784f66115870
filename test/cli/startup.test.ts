// Start-up as a user meets it: `npm install` builds dist/ (its prepare step), `crux` runs that build with no
// TypeScript loader, rebuilds it when a source changed, falls back to the sources when it cannot build, and each
// command loads only the libraries it uses (docs/development.md, "Start-up"). Each check runs in a copy of the
// checkout (its node_modules linked to this one's) so that no build, index or .env of this checkout takes part.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO, tempDir, type Run } from './helpers.ts';

/** What a clone holds that running Crux needs (tests, docs and the lockfile aside). */
const CHECKOUT = ['package.json', 'tsconfig.json', 'bin', 'scripts', 'src', 'commands', 'adapters', 'data/corpus'];
const RECORDER = pathToFileURL(join(REPO, 'test', 'fixtures', 'startup', 'record-loads.mjs')).href;
const VERSION = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version;

/** A copy of the checkout with no dist/, whose node_modules links every installed package but those `missing`. */
function checkout(missing: string[] = []): string {
  const dir = tempDir('crux-checkout-');
  for (const p of CHECKOUT) cpSync(join(REPO, p), join(dir, p), { recursive: true });
  mkdirSync(join(dir, 'node_modules'));
  for (const name of readdirSync(join(REPO, 'node_modules'))) {
    if (name.startsWith('.') || missing.includes(name)) continue;
    symlinkSync(join(REPO, 'node_modules', name), join(dir, 'node_modules', name));
  }
  return dir;
}

/** This environment without anything that would point Crux (or a nested npm) elsewhere. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(npm_|CRUX_|DISCORD_|SLACK_)/i.test(k)) env[k] = v;
  return { ...env, NO_COLOR: '1', ...extra };
}

/** `node [nodeArgs] bin/crux.mjs …args` in the copy `dir`, its index cache inside the copy. */
function cruxIn(dir: string, args: string[], o: { input?: string; nodeArgs?: string[]; env?: Record<string, string> } = {}): Run {
  const r = spawnSync(process.execPath, [...(o.nodeArgs ?? []), join(dir, 'bin', 'crux.mjs'), ...args], {
    cwd: dir,
    env: cleanEnv({ CRUX_CACHE_DIR: join(dir, 'cache'), ...o.env }),
    input: o.input ?? '',
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Whether the copy holds a build: its record, and the entry the record names. */
function built(dir: string): boolean {
  const record = join(dir, 'dist', 'build.json');
  return existsSync(record) && existsSync(join(dir, 'dist', JSON.parse(readFileSync(record, 'utf8')).entry));
}

function answerOf(r: Run): { passages: Array<{ text: string }> } {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe('Installing and running', () => {
  it('builds dist/ in npm install (its prepare step), after which crux answers with no TypeScript loader installed', () => {
    const dir = checkout(['tsx']);
    const npm = spawnSync('npm', ['run', '--silent', 'prepare'], { cwd: dir, env: cleanEnv(), encoding: 'utf8', timeout: 120_000 });
    expect(npm.status, npm.stderr).toBe(0);
    expect(built(dir)).toBe(true);
    const version = cruxIn(dir, ['--version']);
    expect(version.stdout.trim(), version.stderr).toBe(VERSION);
    expect(answerOf(cruxIn(dir, ['--json', 'hyperstition'])).passages.length).toBeGreaterThan(0);
  });

  it('builds on first use when npm install did not, and again whenever a source changed since', () => {
    const dir = checkout(['tsx']);
    expect(answerOf(cruxIn(dir, ['--json', 'hyperstition'])).passages).toHaveLength(5);
    expect(built(dir)).toBe(true);
    const defaults = join(dir, 'src', 'core', 'defaults.ts');
    const source = readFileSync(defaults, 'utf8');
    expect(source).toMatch(/export const DEFAULT_LIMIT = 5;/);
    writeFileSync(defaults, source.replace(/export const DEFAULT_LIMIT = 5;/, 'export const DEFAULT_LIMIT = 2;'));
    expect(answerOf(cruxIn(dir, ['--json', 'hyperstition'])).passages).toHaveLength(2);
    expect(cruxIn(dir, ['--help']).stdout).toContain('default 2');
  });

  it('runs the TypeScript sources when dist/ cannot be written', () => {
    const dir = checkout();
    writeFileSync(join(dir, 'dist'), 'not a folder');
    const version = cruxIn(dir, ['--version']);
    expect(version.stdout.trim(), version.stderr).toBe(VERSION);
    expect(answerOf(cruxIn(dir, ['--json', 'hyperstition'])).passages.length).toBeGreaterThan(0);
  });
});

describe('What each command loads', () => {
  /** Libraries no command needs unless it uses them: platform SDKs, logging, metrics, stores, parsers, compilers. */
  const HEAVY = ['discord.js', '@discordjs', '@slack', 'pino', 'prom-client', 'keyv', 'keyv-file', '@keyv', '@redis', 'fuse.js', 'yaml', 'html-to-text', 'fflate', 'cli-progress', 'undici', 'ws', 'tsx', 'esbuild'];
  let dir: string;
  /** The packages (names under node_modules) that `crux …args` loaded, and the compiled files. */
  const loads = (args: string[], input?: string) => {
    const log = join(dir, `loads-${Math.random().toString(36).slice(2)}.txt`);
    writeFileSync(log, '');
    const r = cruxIn(dir, args, { input, nodeArgs: ['--import', RECORDER], env: { CRUX_LOADS: log } });
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(log, 'utf8').split('\n');
    const packages = new Set(lines.flatMap((l) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(l)?.[1] ?? []));
    return { packages: [...packages], compiled: lines.some((l) => /\/dist\/main-\w+\.js$/.test(l)) };
  };
  const heavyIn = (packages: string[]) => packages.filter((p) => HEAVY.some((h) => p === h || p.startsWith(`${h}/`)));

  beforeAll(() => {
    dir = checkout();
    answerOf(cruxIn(dir, ['--json', 'hyperstition'])); // builds dist/ and the saved index
  });

  it('--version and --help load no library at all, and run the compiled build', () => {
    for (const flag of ['--version', '--help']) {
      const l = loads([flag]);
      expect(l.compiled).toBe(true);
      expect(l.packages).toEqual([]);
    }
  });

  it('an answer from the saved index loads no platform SDK, logger, metrics, store, format parser or compiler', () => {
    expect(heavyIn(loads(['hyperstition']).packages)).toEqual([]);
  });

  it('the prompt, alone or as npm start with no platform configured, loads none of them either', () => {
    expect(heavyIn(loads([], ':quit\n').packages)).toEqual([]);
    expect(heavyIn(loads(['serve'], ':quit\n').packages)).toEqual([]);
  });

  it('while reading a Markdown file with front matter loads yaml, the library that parses it', () => {
    const notes = join(dir, 'notes');
    mkdirSync(notes);
    writeFileSync(join(notes, 'harbours.md'), '---\ntitle: Harbours\nauthor: Ada\n---\n\nHarbours should stay open to small boats all winter.\n');
    expect(loads(['--corpus', notes, '--json', 'harbours']).packages).toContain('yaml');
  });
});
