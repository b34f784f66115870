// What may be echoed back to a screen or a program; apart from text.ts so the command line's messages (--help, usage
// errors) load nothing heavy (docs/development.md, start-up).

/**
 * Text safe to echo back to a screen or a program (a query in a heading, a notice or JSON): terminal escape sequences
 * (OSC such as a window title, CSI such as a colour), other control characters but tab and newline, bidi overrides
 * and lone surrogates are removed; everything else, spacing and case included, is kept.
 */
export function printable(s: string): string {
  return s
    .replace(/\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g, '')
    .replace(/(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]/g, '')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '');
}
