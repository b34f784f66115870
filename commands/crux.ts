// /crux <topic>: the best passages, the positions taken, and the exchanges where they meet.
import { DEFAULT_LIMIT, MAX_LIMIT } from '../src/core/engine.ts';
import { isUserError } from '../src/errors.ts';
import { optionFilters } from '../src/core/filters.ts';
import { engineForCommunity } from '../src/service/engines.ts';
import { sourcesFor } from '../src/service/settings.ts';
import { defineCommand } from './types.ts';

export const MAX_TOPIC_LENGTH = 500;

export default defineCommand({
  name: 'crux',
  description: 'Find the crux of a topic: verbatim passages, positions and exchanges',
  kind: 'chat',
  prompt: 'TOPIC',
  options: [
    { name: 'topic', description: 'What to look up, e.g. hyperstition', type: 'string', required: true, autocomplete: true, maxLength: MAX_TOPIC_LENGTH },
    { name: 'limit', description: `How many passages to show (1-${MAX_LIMIT}, default ${DEFAULT_LIMIT})`, type: 'integer', min: 1, max: MAX_LIMIT, prompt: ':limit N' },
    { name: 'source', description: 'Only passages from sources whose title contains this', type: 'string', autocomplete: true, prompt: 'source:TEXT' },
    { name: 'author', description: 'Only passages by this author (part of the name is enough)', type: 'string', maxLength: 100, inTopic: true, prompt: 'author:NAME' },
    { name: 'since', description: 'Only passages from this date on (YYYY-MM-DD, YYYY-MM or YYYY)', type: 'string', maxLength: 10, inTopic: true, prompt: 'since:DATE' },
    { name: 'until', description: 'Only passages up to this date (YYYY-MM-DD, YYYY-MM or YYYY)', type: 'string', maxLength: 10, inTopic: true, prompt: 'until:DATE' },
    { name: 'min-score', description: 'Only passages with at least this score (karma, votes)', type: 'integer', inTopic: true, prompt: 'min-score:N' },
    { name: 'public', description: 'Show the answer to everyone in the channel', type: 'boolean' },
  ],
  examples: ['crux hyperstition', 'crux agency by default', 'crux sycophancy limit:3'],
  async run(ctx, args) {
    const topic = typeof args.topic === 'string' ? args.topic : '';
    try {
      // The corpora this community chose (/crux-config corpora), else the process's own.
      const engine = engineForCommunity(ctx.engine, ctx.engines, ctx.settings, ctx.capture);
      const answer = await engine.ask(topic, {
        limit: typeof args.limit === 'number' ? args.limit : undefined,
        // The community's enabled sources (settings) narrow what is searched; a source the user names must be one of them.
        sources: sourcesFor(engine, ctx.settings, typeof args.source === 'string' ? args.source : undefined),
        // author/since/until/min-score as options (Discord, Slack name:value), added to those typed in the topic.
        filters: optionFilters({ author: args.author, since: args.since, until: args.until, minScore: args['min-score'] }),
        // Sides this community corrected under earlier answers.
        corrections: ctx.corrections,
      });
      return { kind: 'answer', answer, visibility: args.public === true ? 'public' : (ctx.settings?.visibility ?? undefined) };
    } catch (e) {
      if (isUserError(e)) return { kind: 'error', code: e.code, message: e.message };
      throw e;
    }
  },
});
