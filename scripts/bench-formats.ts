// Ingestion rate of each export format: a generated export of 100k records (20k with --quick) per format, read by the
// real loader (format detection, parsing, HTML to text, quotes, ids) in a child process of its own, so the peak
// memory (max RSS) is that format's alone. Run by `npm run bench` (the `bench` export), or alone:
//   node --import tsx scripts/bench-formats.ts [--quick] [--records N]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { rng, type BenchContext, type BenchRow } from './bench.ts';

const SELF = fileURLToPath(import.meta.url);
const ROOT = resolve(dirname(SELF), '..');
/** Bump when the generator changes, so cached exports are regenerated. */
const GEN_VERSION = 1;
/** The whole run (generation included) stays under this; npm run bench stops an extension at 5 minutes. */
const DEADLINE_MS = 280_000;

/** Writes prose from the seed corpus's own words, so texts look like the real thing to the tokenizer. */
function prose(seedCorpus: string, seed: number) {
  const words = readdirSync(seedCorpus)
    .filter((f) => f.endsWith('.txt'))
    .flatMap((f) => readFileSync(join(seedCorpus, f), 'utf8').split(/\s+/))
    .filter((w) => /^[A-Za-z][a-z'-]{1,14}[.,;]?$/.test(w));
  const r = rng(seed);
  const pick = () => words[Math.floor(r() * words.length)];
  const sentence = () => {
    const n = 8 + Math.floor(r() * 18);
    const s = Array.from({ length: n }, pick).join(' ').replace(/[.,;]$/, '');
    return s[0].toUpperCase() + s.slice(1) + '.';
  };
  const paragraph = () => Array.from({ length: 1 + Math.floor(r() * 3) }, sentence).join(' ');
  return { r, sentence, paragraph, body: () => Array.from({ length: 1 + Math.floor(r() * 2) }, paragraph).join('\n\n') };
}

type Gen = ReturnType<typeof prose>;
const iso = (i: number) => new Date(Date.UTC(2023, 0, 1) + i * 60_000).toISOString();
const json = (path: string, v: unknown) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(v, null, 1));
};

/** ForumMagnum: 20 posts in one file, comments in files of 5,000; half markdown, half HTML bodies. */
function genForum(dir: string, n: number, g: Gen) {
  const posts = Array.from({ length: 20 }, (_, i) => ({
    _id: `post${String(i).padStart(13, '0')}`,
    title: g.sentence(),
    slug: `post-${i}`,
    pageUrl: `https://www.lesswrong.com/posts/post${String(i).padStart(13, '0')}/post-${i}`,
    postedAt: iso(i),
    baseScore: Math.floor(g.r() * 200),
    user: { displayName: `Author ${i}` },
    contents: { markdown: g.body() },
  }));
  json(join(dir, 'posts.json'), { data: { posts: { results: posts } } });
  const per = 5000;
  for (let f = 0; f * per < n; f++) {
    const results = [];
    for (let i = f * per; i < Math.min(n, (f + 1) * per); i++) {
      const post = posts[i % posts.length]._id;
      const parent = i >= 40 && g.r() < 0.7 ? `cmt${String(i - 20 * (1 + Math.floor(g.r() * 2))).padStart(13, '0')}` : null;
      const body = g.body();
      results.push({
        _id: `cmt${String(i).padStart(13, '0')}`,
        postId: post,
        parentCommentId: parent,
        postedAt: iso(i),
        baseScore: Math.floor(g.r() * 50) - 5,
        user: { displayName: `user${Math.floor(g.r() * 3000)}` },
        contents:
          i % 2
            ? { markdown: body }
            : { html: body.split('\n\n').map((p) => `<p>${p.replace(/ (\w+) /, ' <a href="https://example.org/$1">$1</a> ')}</p>`).join('') },
      });
    }
    json(join(dir, `comments-${String(f).padStart(3, '0')}.json`), { data: { comments: { results } } });
  }
}

/** DiscordChatExporter: 10 channel files; 30% replies, 2% system messages. */
function genDiscord(dir: string, n: number, g: Gen) {
  const per = Math.ceil(n / 10);
  for (let c = 0; c < 10; c++) {
    const messages = [];
    for (let i = c * per; i < Math.min(n, (c + 1) * per); i++) {
      const id = String(900000000000000000n + BigInt(i));
      const system = g.r() < 0.02;
      const reply = !system && i > c * per + 5 && g.r() < 0.3;
      messages.push({
        id,
        type: system ? 'GuildMemberJoin' : reply ? 'Reply' : 'Default',
        timestamp: iso(i),
        content: system ? '' : g.body(),
        author: { id: String(700000000000000000n + BigInt(i % 500)), name: `member${i % 500}`, nickname: `Member ${i % 500}`, isBot: false },
        attachments: [],
        embeds: [],
        reactions: [],
        mentions: [],
        ...(reply ? { reference: { messageId: String(900000000000000000n + BigInt(i - 1 - Math.floor(g.r() * 5))) } } : {}),
      });
    }
    json(join(dir, `guild-channel-${c}.json`), {
      guild: { id: '810000000000000001', name: 'Bench Guild' },
      channel: { id: String(820000000000000000n + BigInt(c)), type: 'GuildTextChat', name: `channel-${c}` },
      dateRange: { after: null, before: null },
      messages,
      messageCount: messages.length,
    });
  }
}

/** Slack export: 10 channels, 100 messages a day; 30% thread replies, mentions and links; 2% joins. */
function genSlack(dir: string, n: number, g: Gen) {
  const users = Array.from({ length: 300 }, (_, i) => ({ id: `U${String(i).padStart(8, '0')}`, name: `user${i}`, real_name: `User ${i}`, profile: { display_name: `user${i}` } }));
  json(join(dir, 'users.json'), users);
  json(join(dir, 'channels.json'), Array.from({ length: 10 }, (_, c) => ({ id: `C${String(c).padStart(8, '0')}`, name: `channel-${c}`, members: [] })));
  const perChannel = Math.ceil(n / 10);
  for (let c = 0; c < 10; c++) {
    let day: unknown[] = [];
    let roots: string[] = [];
    const flush = (d: number) => {
      if (day.length) json(join(dir, `channel-${c}`, `${new Date(Date.UTC(2023, 0, 1) + d * 86_400_000).toISOString().slice(0, 10)}.json`), day);
      day = [];
    };
    for (let k = 0; k < perChannel && c * perChannel + k < n; k++) {
      if (k && k % 100 === 0) flush(k / 100 - 1);
      const ts = `${1672531200 + k * 600}.${String(c).padStart(6, '0')}`;
      const user = users[Math.floor(g.r() * users.length)].id;
      if (g.r() < 0.02) {
        day.push({ type: 'message', subtype: 'channel_join', user, text: `<@${user}> has joined the channel`, ts });
        continue;
      }
      const reply = roots.length > 0 && g.r() < 0.3;
      const text = `<@${users[Math.floor(g.r() * users.length)].id}> ${g.body()} <https://example.org/${k}|source>`;
      const m: Record<string, unknown> = { type: 'message', user, text, ts };
      if (reply) m.thread_ts = roots[Math.floor(g.r() * roots.length)];
      else if (g.r() < 0.2) {
        m.thread_ts = ts;
        roots = [...roots.slice(-20), ts];
      }
      day.push(m);
    }
    flush(Math.ceil(perChannel / 100));
  }
}

/** Reddit: Pushshift-style comments, one per line; a tenth quote their parent. */
function genReddit(file: string, n: number, g: Gen) {
  const lines: string[] = [];
  const bodies: string[] = [];
  for (let i = 0; i < n; i++) {
    const parent = i > 10 && g.r() < 0.8 ? i - 1 - Math.floor(g.r() * 10) : -1;
    let body = g.body();
    if (parent >= 0 && g.r() < 0.1) body = `&gt; ${bodies[parent].split('\n')[0].slice(0, 80)}\n\n${body}`;
    bodies.push(body);
    lines.push(
      JSON.stringify({
        id: `c${i.toString(36)}`,
        parent_id: parent >= 0 ? `t1_c${parent.toString(36)}` : `t3_p${(i % 50).toString(36)}`,
        link_id: `t3_p${(i % 50).toString(36)}`,
        subreddit: 'changemyview',
        author: `redditor${i % 4000}`,
        body,
        score: Math.floor(g.r() * 100) - 10,
        created_utc: 1600000000 + i * 60,
      }),
    );
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, lines.join('\n') + '\n');
}

function zipDir(dir: string, out: string) {
  const files: Record<string, Uint8Array> = {};
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${rel}${e.name}/`);
      else files[`${rel}${e.name}`] = readFileSync(join(d, e.name));
    }
  };
  walk(dir, 'export/');
  writeFileSync(out, zipSync(files, { level: 6 }));
}

interface Target {
  name: string;
  path: string;
}

/** Generates (or reuses) the exports for n records under dir. */
function ensureExports(dir: string, n: number, seedCorpus: string): Target[] {
  const base = join(dir, `formats-v${GEN_VERSION}-${n}`);
  const t: Target[] = [
    { name: 'forum (½ HTML)', path: join(base, 'forum') },
    { name: 'discord', path: join(base, 'discord') },
    { name: 'slack folder', path: join(base, 'slack') },
    { name: 'slack .zip', path: join(base, 'zip', 'slack-export.zip') },
    { name: 'reddit .jsonl', path: join(base, 'reddit', 'comments.jsonl') },
  ];
  if (existsSync(join(base, 'done'))) return t;
  rmSync(base, { recursive: true, force: true });
  genForum(t[0].path, n, prose(seedCorpus, 1));
  genDiscord(t[1].path, n, prose(seedCorpus, 2));
  genSlack(t[2].path, n, prose(seedCorpus, 3));
  mkdirSync(dirname(t[3].path), { recursive: true });
  zipDir(t[2].path, t[3].path);
  genReddit(t[4].path, n, prose(seedCorpus, 4));
  writeFileSync(join(base, 'done'), '');
  return t;
}

interface Measured {
  ms: number;
  /** CPU time (user + system) of the load: on a busy machine, wall time overstates the work. */
  cpuMs: number;
  records: number;
  passages: number;
  problems: number;
  rssBeforeMb: number;
  peakRssMb: number;
}

/** In the child: load one export with the real loader and report time, counts and peak memory. */
async function measure(path: string): Promise<Measured> {
  const { loadCorpus } = await import('../src/corpus/load.ts');
  const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const c = loadCorpus(path);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const records = new Set(c.passages.map((p) => p.record ?? p.id)).size;
  return { ms, cpuMs, records, passages: c.passages.length, problems: c.problems.length, rssBeforeMb, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

export async function bench(ctx: BenchContext, records?: number): Promise<BenchRow[]> {
  const n = records ?? (ctx.quick ? 20_000 : 100_000);
  const t0 = performance.now();
  const targets = ensureExports(ctx.dir, n, ctx.seedCorpus);
  process.stderr.write(`formats: ${n.toLocaleString('en-US')}-record exports ready in ${((performance.now() - t0) / 1000).toFixed(1)} s (${join(ctx.dir, `formats-v${GEN_VERSION}-${n}`)})\n`);
  const rows: BenchRow[] = [];
  for (const t of targets) {
    // npm run bench gives an extension 5 minutes in all: leave the rest out rather than lose every row.
    const left = DEADLINE_MS - (performance.now() - t0);
    if (left < 20_000) {
      rows.push({ format: t.name, records: null, 'read s': null, 'records/s': null, passages: null, 'peak RSS MB': null, note: 'skipped: out of time' });
      continue;
    }
    const r = spawnSync(process.execPath, ['--import', 'tsx', SELF, '--measure', t.path], { cwd: ROOT, encoding: 'utf8', timeout: Math.floor(Math.min(150_000, left - 5_000)), maxBuffer: 1 << 20 });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    let m: Measured | null = null;
    try {
      m = JSON.parse(line) as Measured;
    } catch {
      rows.push({ format: t.name, records: null, 'read s': null, 'records/s': null, passages: null, 'peak RSS MB': null, note: `failed: ${(r.stderr || r.error?.message || 'no output').trim().split('\n').pop()}` });
      continue;
    }
    rows.push({
      format: t.name,
      records: m.records,
      'read s': Math.round(m.ms / 10) / 100,
      'records/s': Math.round(m.records / (m.ms / 1000)),
      'cpu s': Math.round(m.cpuMs / 10) / 100,
      'records/cpu s': Math.round(m.records / (m.cpuMs / 1000)),
      passages: m.passages,
      'peak RSS MB': Math.round(m.peakRssMb),
      'RSS before MB': Math.round(m.rssBeforeMb),
      problems: m.problems,
    });
  }
  return rows;
}

if (process.argv[1] && resolve(process.argv[1]) === SELF) {
  const args = process.argv.slice(2);
  if (args[0] === '--measure') {
    measure(args[1]).then((m) => console.log(JSON.stringify(m)));
  } else {
    const quick = args.includes('--quick');
    const at = args.indexOf('--records');
    const dir = join(tmpdir(), 'crux-bench');
    const ctx: BenchContext = { quick, sizes: [], dir, seedCorpus: join(ROOT, 'data', 'corpus'), root: ROOT };
    bench(ctx, at >= 0 ? Number(args[at + 1]) : undefined).then((rows) => {
      for (const r of rows) console.log(JSON.stringify(r));
    });
  }
}
