// Writes the made-up fixtures under test/fixtures/formats (run: node test/corpus/make-fixtures.mjs). The real samples
// under test/fixtures/formats/real are copies (see NOTICE.md there).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
const ROOT = new URL('../fixtures/formats/', import.meta.url).pathname;
const w = (rel, v) => { const p = ROOT + rel; mkdirSync(dirname(p), { recursive: true }); writeFileSync(p, typeof v === 'string' ? v : JSON.stringify(v, null, 2) + '\n'); };

// ForumMagnum (LessWrong): a post and its comments in separate files of one folder.
const POST = 'Xq7nPz3kW9mTbR2sd';
const slug = 'is-nuclear-waste-really-the-hard-part';
w('corpus/forum/post.json', { data: { post: { result: {
  _id: POST, title: 'Is nuclear waste really the hard part?', slug,
  pageUrl: `https://www.lesswrong.com/posts/${POST}/${slug}`,
  postedAt: '2024-03-02T10:00:00.000Z', baseScore: 42, voteCount: 20, commentCount: 6,
  user: { _id: 'u1', username: 'marisol', slug: 'marisol', displayName: 'Marisol Vega' },
  contents: { markdown: '## Summary\n\nDeep geological repositories already solve spent fuel storage; the open question is politics, not engineering.\n\nFinland\'s Onkalo repository is the existence proof, see [Posiva](https://www.posiva.fi/en/) for the licence.\n\n```\nprint("not prose")\n```\n' },
} } } });
const c = (o) => ({ postId: POST, topLevelCommentId: null, parentCommentId: null, deleted: false, af: false, ...o });
w('corpus/forum/comments.json', { data: { comments: { results: [
  c({ _id: 'cmTheo0000000001', postedAt: '2024-03-02T12:00:00.000Z', baseScore: 12,
      pageUrl: `https://www.lesswrong.com/posts/${POST}/${slug}?commentId=cmTheo0000000001`,
      user: { _id: 'u2', username: 'theob', displayName: 'Theo Brandt' }, author: 'Theo Brandt',
      contents: { markdown: '> Deep geological repositories already solve spent fuel storage\n\nThey solve it for one country with unusually stable bedrock. Most sites have groundwater that nobody has modelled over 100,000 years.' } }),
  c({ _id: 'cmQuiet000000002', parentCommentId: 'cmTheo0000000001', topLevelCommentId: 'cmTheo0000000001', postedAt: '2024-03-02T13:30:00.000Z', baseScore: 7,
      user: null, author: 'quietfox',
      contents: { markdown: null, html: '<p>Groundwater models &amp; their error bars are the crux here &mdash; see <a href="https://example.org/sr-97">SR-97</a>.</p><script>alert("x")</script><blockquote><p>nobody has modelled over 100,000 years</p></blockquote><p>SKB modelled exactly that horizon in 1999 &lt;and published it&gt;.</p>' } }),
  c({ _id: 'cmGone0000000003', parentCommentId: 'cmTheo0000000001', topLevelCommentId: 'cmTheo0000000001', postedAt: '2024-03-03T08:00:00.000Z', baseScore: 0,
      deleted: true, deletedPublic: true, user: null, author: null, contents: null }),
  c({ _id: 'cmAfter000000004', parentCommentId: 'cmGone0000000003', topLevelCommentId: 'cmTheo0000000001', postedAt: '2024-03-03T09:00:00.000Z', baseScore: 3,
      user: { _id: 'u3', username: 'ines', displayName: 'Inès Okafor' },
      contents: { markdown: 'Whatever was said above, cost overruns at Olkiluoto matter more for new reactors than spent fuel does.' } }),
  c({ _id: 'cmOrphan00000005', parentCommentId: 'cmNotExported0099', topLevelCommentId: 'cmNotExported0099', postedAt: '2024-03-04T10:00:00.000Z', baseScore: -2,
      user: { _id: 'u4', username: 'kr', displayName: 'Kofi R.' },
      htmlBody: '<p>Replying to a comment that was not exported: the waste volume is tiny next to coal ash.</p>' }),
] } } });

// DiscordChatExporter: a channel and a thread of it.
const author = (id, name, nickname, isBot = false) => ({ id, name, discriminator: '0000', nickname, color: null, isBot, roles: [], avatarUrl: 'https://cdn.discordapp.com/embed/avatars/0.png' });
const rowan = author('700000000000000001', 'rowan.k', 'Rowan');
const priya = author('700000000000000002', 'priya_s', 'Priya');
const bot = author('700000000000000003', 'FeedBot', 'FeedBot', true);
const msg = (id, type, content, who, ts, extra = {}) => ({ id, type, timestamp: ts, timestampEdited: null, callEndedTimestamp: null, isPinned: false, content, author: who, attachments: [], embeds: [], stickers: [], reactions: [], mentions: [], ...extra });
const guild = { id: '810000000000000001', name: 'Energy Debates', iconUrl: 'https://cdn.discordapp.com/embed/avatars/0.png' };
w('corpus/discord/energy-debates-nuclear.json', {
  guild,
  channel: { id: '820000000000000001', type: 'GuildTextChat', categoryId: '830000000000000001', category: 'Debate', name: 'nuclear', topic: 'Fission, waste and costs' },
  dateRange: { after: null, before: null }, exportedAt: '2024-04-01T00:00:00+00:00',
  messages: [
    msg('900000000000000001', 'GuildMemberJoin', '', priya, '2024-03-05T09:00:00+00:00'),
    msg('900000000000000002', 'Default', 'Small modular reactors will beat wind on cost by 2035, because factory production drives the learning curve.', rowan, '2024-03-05T09:05:00+00:00'),
    msg('900000000000000003', 'Reply', '> factory production drives the learning curve\nOnly if orders arrive by the hundred; NuScale cancelled its first plant when the price reached $89/MWh.', priya, '2024-03-05T09:07:00+00:00',
      { reference: { type: 'Default', messageId: '900000000000000002', channelId: '820000000000000001', guildId: '810000000000000001' } }),
    msg('900000000000000004', 'Default', 'New video: spent fuel storage explained!', bot, '2024-03-05T09:10:00+00:00'),
    msg('900000000000000005', 'ChannelPinnedMessage', 'Pinned a message.', rowan, '2024-03-05T09:11:00+00:00'),
    msg('900000000000000006', 'Reply', 'Spent fuel storage in dry casks has been safe for decades; the politics are the hard part.\n\nEvery US plant keeps its casks on site because the Yucca Mountain repository stalled.', rowan, '2024-03-05T09:15:00+00:00',
      { reference: { type: 'Default', messageId: '899999999999999999', channelId: '820000000000000001', guildId: '810000000000000001' } }),
    msg('900000000000000007', 'Default', '```\nlcoe = capex / mwh\n```', priya, '2024-03-05T09:20:00+00:00'),
  ],
  messageCount: 7,
});
w('corpus/discord/energy-debates-smr-costs-thread.json', {
  guild,
  channel: { id: '840000000000000001', type: 'GuildPublicThread', categoryId: '820000000000000001', category: 'nuclear', name: 'SMR costs' },
  dateRange: { after: null, before: null }, exportedAt: '2024-04-01T00:00:00+00:00',
  messages: [
    msg('900000000000000010', 'ThreadStarterMessage', '', rowan, '2024-03-06T10:00:00+00:00'),
    msg('900000000000000011', 'Default', 'First-of-a-kind SMR costs are always high; the question is the tenth unit.', priya, '2024-03-06T10:01:00+00:00'),
  ],
  messageCount: 2,
});

// Slack export (unpacked): channels, users, day files, with a thread, mentions, links and system messages.
w('corpus/slack/channels.json', [
  { id: 'C0ENERGY01', name: 'energy', created: '1709600000', creator: 'U0AAAAAA1', is_archived: false, is_general: false, members: ['U0AAAAAA1', 'U0AAAAAA2'], topic: { value: '', creator: '', last_set: '0' }, purpose: { value: '', creator: '', last_set: '0' } },
]);
w('corpus/slack/users.json', [
  { id: 'U0AAAAAA1', team_id: 'T0CRUXDEMO', name: 'lena', deleted: false, real_name: 'Lena Fischer', is_bot: false, profile: { real_name: 'Lena Fischer', display_name: 'lena.f' } },
  { id: 'U0AAAAAA2', team_id: 'T0CRUXDEMO', name: 'omar', deleted: false, real_name: 'Omar Haddad', is_bot: false, profile: { real_name: 'Omar Haddad', display_name: '' } },
  { id: 'U0BOTBOT01', team_id: 'T0CRUXDEMO', name: 'newsbot', deleted: false, real_name: 'News', is_bot: true, profile: { real_name: 'News', display_name: 'newsbot' } },
]);
w('corpus/slack/sources.json', { sources: [{ file: '.', title: 'Crux demo Slack', site: 'Slack', url: 'https://crux-demo.slack.com' }] });
w('corpus/slack/energy/2024-03-05.json', [
  { type: 'message', subtype: 'channel_join', user: 'U0AAAAAA2', text: '<@U0AAAAAA2> has joined the channel', ts: '1709629200.000100' },
  { type: 'message', user: 'U0AAAAAA1', text: 'Spent fuel storage is cheap next to construction: <https://www.nrc.gov/waste/spent-fuel-storage.html|the NRC overview> puts dry casks at a few million dollars each.', ts: '1709629300.000200', thread_ts: '1709629300.000200', reply_count: 2, reply_users: ['U0AAAAAA2'], user_profile: { real_name: 'Lena Fischer', display_name: 'lena.f' } },
  { type: 'message', user: 'U0AAAAAA2', text: '<@U0AAAAAA1> cheap, maybe, but &gt;40 years of on-site storage was never the plan &amp; the casks outlive their licences.', ts: '1709629400.000300', thread_ts: '1709629300.000200', parent_user_id: 'U0AAAAAA1' },
  { type: 'message', subtype: 'thread_broadcast', user: 'U0AAAAAA1', text: '&gt; the casks outlive their licences\nLicences get renewed; see <#C0ENERGY01|energy> history and <https://example.org/renewals>.', ts: '1709629500.000400', thread_ts: '1709629300.000200', root: { text: 'Spent fuel storage…', user: 'U0AAAAAA1', ts: '1709629300.000200', thread_ts: '1709629300.000200' } },
  { type: 'message', subtype: 'bot_message', bot_id: 'B0NEWS0001', username: 'newsbot', text: 'Daily digest: spent fuel storage headlines', ts: '1709629600.000500' },
  { type: 'message', user: 'U0BOTBOT01', text: 'Reminder: spent fuel storage webinar at 3pm', ts: '1709629650.000550' },
]);
w('corpus/slack/energy/2024-03-06.json', [
  { type: 'message', user: 'U0AAAAAA2', text: 'Anyone have numbers on reprocessing? <!here>', ts: '1709715600.000100' },
]);

// Reddit: an API thread listing (post, nested replies, a deleted comment, "more").
const t1 = (id, parent, who, body, score, ts, replies = '') => ({ kind: 't1', data: { id, name: `t1_${id}`, parent_id: parent, link_id: 't3_1bq2xyz', subreddit: 'changemyview', author: who, body, score, created_utc: ts, permalink: `/r/changemyview/comments/1bq2xyz/cmv_nuclear_power/${id}/`, replies } });
const listing = (children) => ({ kind: 'Listing', data: { after: null, before: null, children } });
w('corpus/reddit/cmv-nuclear.json', [
  listing([{ kind: 't3', data: { id: '1bq2xyz', name: 't3_1bq2xyz', subreddit: 'changemyview', title: 'CMV: Nuclear power is the fastest way to decarbonise a grid', author: 'grid_nerd', selftext: 'France decarbonised its grid in about fifteen years with a reactor build-out.\n\nNo renewable rollout has matched that pace per capita.', score: 250, created_utc: 1711000000, permalink: '/r/changemyview/comments/1bq2xyz/cmv_nuclear_power/' } }]),
  listing([
    t1('kx1aaaa', 't3_1bq2xyz', 'solar_sam', '&gt; No renewable rollout has matched that pace per capita.\n\nSouth Australia went from 1% to 70% wind and solar in fifteen years, and spent fuel storage never entered the R&amp;D budget.', 120, 1711000500,
      listing([
        t1('kx2bbbb', 't1_kx1aaaa', '[deleted]', '[deleted]', 3, 1711000900,
          listing([t1('kx3cccc', 't1_kx2bbbb', 'grid_nerd', 'Fair point on South Australia; grid storage costs are the remaining question.', 40, 1711001200)])),
        { kind: 'more', data: { count: 5, name: 't1_kx9zzzz', id: 'kx9zzzz', parent_id: 't1_kx1aaaa', children: ['kx9zzzz'] } },
      ])),
  ]),
]);

w('corpus/notes.md', '---\ntitle: Reading notes on spent fuel\nauthor: Crux team\ndate: 2024-03-10\n---\n\n# Notes\n\nSpent fuel storage costs are small next to the cost of building the reactor itself.\n');

// Malformed inputs.
const comments = JSON.stringify({ data: { comments: { results: [
  c({ _id: 'cmTrunc000000001', postedAt: '2024-05-01T10:00:00.000Z', baseScore: 5, user: { displayName: 'Ana' }, contents: { markdown: 'The first comment survives the cut.' } }),
  c({ _id: 'cmTrunc000000002', postedAt: '2024-05-01T11:00:00.000Z', baseScore: 4, user: { displayName: 'Ben' }, contents: { markdown: 'So does the second one.' } }),
  c({ _id: 'cmTrunc000000003', postedAt: '2024-05-01T12:00:00.000Z', baseScore: 3, user: { displayName: 'Cy' }, contents: { markdown: 'The third one is cut in the middle of its text and must not appear.' } }),
] } } }, null, 2);
w('malformed/forum-truncated.json', comments.slice(0, comments.indexOf('cut in the middle')));
const dce = JSON.stringify({ guild, channel: { id: '820000000000000009', type: 'GuildTextChat', name: 'cut' }, dateRange: { after: null, before: null },
  messages: [msg('910000000000000001', 'Default', 'A complete message before the cut.', rowan, '2024-03-05T09:05:00+00:00'), msg('910000000000000002', 'Default', 'A message cut off halfway through', priya, '2024-03-05T09:06:00+00:00')] }, null, 2);
w('malformed/discord-truncated.json', dce.slice(0, dce.indexOf('halfway')));
w('malformed/slack-no-users/channels.json', [{ id: 'C0LONELY01', name: 'general', created: '1709600000', creator: 'U0AAAAAA1', is_archived: false, is_general: true, members: [] }]);
w('malformed/slack-no-users/general/2024-03-05.json', [
  { type: 'message', user: 'U0AAAAAA1', text: 'Without users.json my name comes from the profile saved with the message.', ts: '1709629300.000200', user_profile: { real_name: 'Lena Fischer', display_name: 'lena.f' } },
  { type: 'message', user: 'U0AAAAAA2', text: '<@U0AAAAAA1> and mine falls back to my user id.', ts: '1709629400.000300' },
]);
w('malformed/reddit-truncated.jsonl',
  JSON.stringify({ id: 'aa1', name: 't1_aa1', parent_id: 't3_zz9', link_id: 't3_zz9', author: 'one', body: 'A whole comment on its own line.', score: 2, created_utc: 1600000000 }) + '\n' +
  JSON.stringify({ id: 'aa2', name: 't1_aa2', parent_id: 't1_aa1', link_id: 't3_zz9', author: 'two', body: 'A reply whose line was cut', score: 1, created_utc: 1600000100 }).slice(0, 60) + '\n');
