// Source ids from file paths: unique within a corpus, stable as other files come and go.

/**
 * A file's source id: its path relative to the corpus root, without the file ending, with "/" separators
 * ("002_63a2ad95298388d4" at the top level, "2024/index" below). Two files named alike in different folders
 * thus never share an id, and adding a file never changes another file's ids.
 */
export function fileId(rel: string): string {
  return rel.replace(/\\/g, '/').replace(/\.[^./]*$/, '');
}
