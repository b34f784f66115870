import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { REPO } from '../cli/helpers.ts';

type Manifest = {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
  engines?: { node?: string };
  bin?: string | Record<string, string>;
};
const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Manifest;
const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: unknown }>;
};

const CODE_FOLDERS = ['src', 'adapters', 'commands', 'bin', 'scripts', 'test'];
const code = CODE_FOLDERS.flatMap((folder) =>
  readdirSync(join(REPO, folder), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|mts|mjs|js)$/.test(f) && !f.includes('node_modules'))
    .map((f) => readFileSync(join(REPO, folder, f), 'utf8')),
)
  .concat(readFileSync(join(REPO, 'vitest.config.ts'), 'utf8'))
  .join('\n');

/**
 * The packages the project's code names in an import, dynamic import, require or resolve (a package whose data files
 * are read, such as a word list), the package part only.
 */
const imported = new Set(
  [...code.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*|\bresolve\s*\(\s*)['"]([^'"./][^'"]*)['"]/g)].map((m) => {
    const parts = m[1]!.split('/');
    return m[1]!.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  }),
);

/** The commands a package installs, to find it in the npm scripts (typescript installs tsc). */
function binsOf(name: string): string[] {
  const pkg = JSON.parse(readFileSync(join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as Manifest;
  if (typeof pkg.bin === 'string') return [name];
  return Object.keys(pkg.bin ?? {});
}

function isUsed(name: string): boolean {
  if (imported.has(name)) return true;
  const typed = /^@types\/(.+)$/.exec(name)?.[1];
  if (typed) return typed === 'node' || imported.has(typed.includes('__') ? '@' + typed.replace('__', '/') : typed);
  const scripts = Object.values(manifest.scripts ?? {}).join('\n');
  return [name, ...binsOf(name)].some((word) => new RegExp(`(^|[\\s=])${word}(\\s|$)`, 'm').test(scripts));
}

describe('the dependencies', () => {
  const declared = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });

  it('are each imported by project code, typing a package that is, or run by an npm script', () => {
    expect(declared.length).toBeGreaterThan(5);
    expect(declared.filter((name) => !isUsed(name))).toEqual([]);
  });

  it('count a package nothing imports as unused', () => {
    expect(imported.has('left-pad')).toBe(false);
    expect(isUsed('@types/left-pad')).toBe(false);
    expect(isUsed('discord.js')).toBe(true);
  });

  it('are locked at versions whose engines admit the oldest Node that package.json allows', () => {
    const oldest = semver.minVersion(manifest.engines!.node!)!.version;
    const refusing = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, entry]) => {
        const range = (entry.engines as { node?: unknown } | undefined)?.node;
        return typeof range === 'string' && !semver.satisfies(oldest, range) ? [`${path}@${entry.version}: node ${range}`] : [];
      });
    expect(oldest).toBe('20.19.0');
    expect(refusing).toEqual([]);
  });

  it('keep the undici that Slack Socket Mode takes as a peer on major 7, which supports Node 20 (8 needs Node 22)', () => {
    expect(manifest.dependencies).not.toHaveProperty('undici');
    expect(semver.major(lock.packages['node_modules/undici']!.version!)).toBe(7);
  });
});
