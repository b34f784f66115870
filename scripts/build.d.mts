// Types of scripts/build.mjs (plain JavaScript, since it runs before anything compiles TypeScript).
/** The compiled entry's file URL when dist/ matches the sources, else null. */
export function freshEntry(): string | null;
/** The compiled entry, building first if a source changed; null when it cannot be built. */
export function ensureBuilt(): Promise<string | null>;
/** Builds dist/ now and returns the entry's file URL. */
export function build(): Promise<string>;
