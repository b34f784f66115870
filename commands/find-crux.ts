// "Find the crux" on a message: the message's own text is the query.
import { isUserError } from '../src/errors.ts';
import { sourcesFor } from '../src/service/settings.ts';
import { engineForCommunity } from '../src/service/engines.ts';
import { defineCommand } from './types.ts';

export default defineCommand({
  name: 'find-crux',
  label: 'Find the crux',
  description: 'Find the passages and positions that bear on this message',
  kind: 'message',
  options: [{ name: 'text', description: 'The message text', type: 'string', required: true }],
  examples: ['(on any message) Apps > Find the crux'],
  async run(ctx, args) {
    const text = typeof args.text === 'string' ? args.text : '';
    if (!text.trim()) return { kind: 'error', code: 'EMPTY_QUERY', message: 'That message has no text to look up.' };
    try {
      const engine = engineForCommunity(ctx.engine, ctx.engines, ctx.settings, ctx.capture);
      const answer = await engine.ask(text, { sources: sourcesFor(engine, ctx.settings, undefined) });
      return { kind: 'answer', answer, visibility: ctx.settings?.visibility ?? undefined };
    } catch (e) {
      if (isUserError(e)) return { kind: 'error', code: e.code, message: e.message };
      throw e;
    }
  },
});
