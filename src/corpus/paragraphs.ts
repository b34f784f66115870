// Splits a text into paragraphs with their starting line, keeping each paragraph's exact text.

export interface Paragraph {
  text: string;
  line: number;
}

/**
 * One paragraph per line, unless the text is hard-wrapped (short lines in multi-line blocks),
 * in which case blank lines separate paragraphs. Whitespace-only lines never make a paragraph.
 */
export function splitParagraphs(text: string, firstLine = 1): Paragraph[] {
  const lines = text.split(/\r?\n/);
  if (isHardWrapped(lines)) return blocks(lines, firstLine);
  const out: Paragraph[] = [];
  lines.forEach((l, i) => {
    const t = l.trim();
    if (t) out.push({ text: t, line: firstLine + i });
  });
  return out;
}

/** A line that ends a sentence (or a quote, or a bracket) rather than breaking off mid-sentence. */
const ENDS_SENTENCE = /[.!?:;…"'”’)\]]$/;

/**
 * Hard-wrapped text has short lines that run on into the next one mid-sentence. Short lines that each end a
 * sentence are one paragraph per line (a list of remarks), even when no blank line separates them.
 */
function isHardWrapped(lines: string[]): boolean {
  const lengths = lines.map((l) => l.trim().length).filter((n) => n > 0);
  if (lengths.length < 2) return false;
  let joined = 0;
  let runOn = 0;
  for (let i = 1; i < lines.length; i++) {
    const prev = lines[i - 1].trim();
    if (!lines[i].trim() || !prev) continue;
    joined++;
    if (!ENDS_SENTENCE.test(prev)) runOn++;
  }
  if (joined === 0 || runOn * 2 <= joined) return false;
  const sorted = [...lengths].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] <= 100;
}

/** Paragraphs separated by blank lines; the text between is kept as written (inner newlines too). */
export function blocks(lines: string[], firstLine = 1): Paragraph[] {
  const out: Paragraph[] = [];
  let start = -1;
  const flush = (end: number) => {
    if (start < 0) return;
    const text = lines.slice(start, end).join('\n').trim();
    if (text) out.push({ text, line: firstLine + start });
    start = -1;
  };
  lines.forEach((l, i) => {
    if (l.trim()) {
      if (start < 0) start = i;
    } else flush(i);
  });
  flush(lines.length);
  return out;
}
