// Relative links in markdown: which ones there are, and which do not resolve to a file or a heading.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The text outside fenced code blocks and inline code, so examples are not read as links or headings. */
function prose(markdown: string): string {
  return markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '')
    .replace(/`[^`\n]*`/g, (code) => (code.includes('](') ? '' : code));
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered -1, -2. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, text] of prose(markdown).matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const slug = text!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

/** The targets of the markdown links and images that point inside the repository (not http:, mailto: …). */
export function relativeLinks(markdown: string): string[] {
  const targets = [...prose(markdown).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

/** Each relative link of the file at `path` that names a missing file or heading, with the reason. */
export function brokenLinks(path: string): string[] {
  const broken: string[] = [];
  for (const link of relativeLinks(readFileSync(path, 'utf8'))) {
    const [file, anchor] = link.split('#', 2) as [string, string | undefined];
    const target = file === '' ? path : resolve(dirname(path), decodeURIComponent(file));
    if (!existsSync(target)) {
      broken.push(`${link}: no file ${target}`);
      continue;
    }
    if (anchor === undefined) continue;
    if (statSync(target).isDirectory() || !target.endsWith('.md')) {
      broken.push(`${link}: #${anchor} in a file that has no headings`);
    } else if (!anchors(readFileSync(target, 'utf8')).has(decodeURIComponent(anchor).toLowerCase())) {
      broken.push(`${link}: no heading for #${anchor} in ${target}`);
    }
  }
  return broken;
}
