// Bodies of posts and messages: HTML to text (links kept), and paragraphs of the author's own words (quotes apart).
import { htmlToTextLib } from './lazy.ts';
import { blocks } from '../paragraphs.ts';
import { withoutQuotes, type OwnParagraph } from '../quotes.ts';

const skip = (selector: string) => ({ selector, format: 'skip' });

let convert: ((html: string) => string) | null = null;

/** HTML to plain text with html-to-text: entities decoded, scripts and styles dropped, links kept as "label [url]". */
export function htmlToText(html: string): string {
  convert ??= compileConverter();
  return convert(html);
}

const compileConverter = () => htmlToTextLib().compile({
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true, ignoreHref: false } },
    skip('img'),
    skip('script'),
    skip('style'),
    skip('noscript'),
    skip('iframe'),
    skip('svg'),
    // Headings and code are not anyone's argument (as in .md files).
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre'].map(skip),
  ],
});

/** Paragraphs (blank-line blocks) of a body, without its blockquotes (`line` counts from the body's first line). */
export function ownParagraphs(text: string): OwnParagraph[] {
  // Lone markdown headings are not anyone's argument (as in .md files).
  return withoutQuotes(blocks(text.split(/\r?\n/)).filter((p) => !/^#{1,6}\s/.test(p.text) || p.text.includes('\n')));
}

/** Markdown code fences blanked out (they are not prose), keeping everything else as written. */
export function withoutFences(text: string): string {
  if (!text.includes('```') && !text.includes('~~~')) return text;
  let inFence = false;
  return text
    .split('\n')
    .map((l) => {
      if (/^\s*(```|~~~)/.test(l)) {
        inFence = !inFence;
        return '';
      }
      return inFence ? '' : l;
    })
    .join('\n');
}
