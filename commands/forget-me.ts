// /crux forget-me: removes everything live capture took from the member in this community, and keeps their later
// messages out. Anyone may use it, for themselves only.
import { defineCommand } from './types.ts';

export default defineCommand({
  name: 'crux-forget-me',
  description: 'Remove your messages Crux captured in this server or workspace, and stop capturing yours',
  kind: 'chat',
  options: [],
  examples: ['crux-forget-me'],
  async run(ctx) {
    if (!ctx.communityId || !ctx.userId) {
      return { kind: 'error', code: 'BAD_OPTION', message: 'Crux captures only in servers and workspaces, never in direct messages: there is nothing to forget here.', visibility: 'ephemeral' };
    }
    if (!ctx.capture) return { kind: 'notice', text: 'Crux does not capture messages here, so it holds none of yours.', visibility: 'ephemeral' };
    return { kind: 'notice', text: await ctx.capture.forget(ctx.userId), visibility: 'ephemeral' };
  },
});
