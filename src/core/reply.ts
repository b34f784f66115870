// What a command returns: plain data that each adapter renders in its platform's idiom.
import type { Answer } from './types.ts';

export type Visibility = 'ephemeral' | 'public';

export interface HelpEntry {
  /** How to invoke it on this front end is up to the adapter; this is the neutral name ("crux"). */
  name: string;
  description: string;
  options: Array<{ name: string; description: string; required: boolean }>;
  examples: string[];
}

export type Reply =
  | { kind: 'answer'; answer: Answer; visibility?: Visibility }
  | { kind: 'help'; entries: HelpEntry[]; visibility?: Visibility }
  | { kind: 'notice'; text: string; visibility?: Visibility }
  /** A mistake the user made (empty query, unknown source): a friendly message, with a short code. */
  | { kind: 'error'; code: string; message: string; visibility?: Visibility };
