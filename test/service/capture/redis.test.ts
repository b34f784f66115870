// Capture shared through Redis: the log is a stream every process replays and follows. Two `crux serve` processes
// (Slack over HTTP, as behind a load balancer) capture each message once, and each answers with what the other captured.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../adapters/slack/fake-slack.ts';
import { messageEvents, SIGNING_SECRET, SlackSender } from '../../adapters/slack/requests.ts';
import { quotes } from '../../adapters/slack/helpers.ts';
import { ServeProcess } from '../helpers/serve.ts';
import { freePort, NO_REDIS_MESSAGE, streamTexts, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { memoryStore } from '../../../src/service/store.ts';
import { silentLog } from '../../../src/service/log.ts';
import { redisCaptureLog } from '../../../src/service/capture/redis-log.ts';
import { captureService, type CaptureService } from '../../../src/service/capture/service.ts';
import { setSetting } from '../../../src/service/settings.ts';
import { baseEngine, message, quoted, testCorpora, until } from './helpers.ts';

const DEBATES = 'C0DEBATES';

describe.skipIf(!TEST_REDIS_URL)(`capture through a Redis stream${TEST_REDIS_URL ? '' : ` (${NO_REDIS_MESSAGE})`}`, () => {
  const services: CaptureService[] = [];
  afterEach(async () => {
    for (const s of services.splice(0)) await s.close();
  });

  async function service(prefix: string): Promise<CaptureService> {
    const log = await redisCaptureLog(TEST_REDIS_URL, { prefix });
    const s = captureService({ log, store: sharedStore, corpora: testCorpora(), logger: silentLog(), settingsTtlMs: 0 });
    await s.start();
    services.push(s);
    return s;
  }
  const sharedStore = memoryStore();

  it('replays for a service that starts later, follows what another writes, and erases forgotten text from the stream', async () => {
    const prefix = uniquePrefix('capture');
    const base = baseEngine();
    await setSetting(sharedStore, base, { platform: 'slack', communityId: 'T1' }, 'capture', DEBATES);
    const a = await service(prefix);
    await a.message('slack', 'T1', message({ channel: DEBATES, text: 'Written before the second service started.' }));
    const b = await service(prefix);
    expect(quoted(b.engineFor('slack', 'T1', base), 'second service')).toEqual(['Written before the second service started.']);

    await a.message('slack', 'T1', message({ channel: DEBATES, text: 'Bob writes while both run.', authorId: 'UBOB' }));
    await until(() => b.state.count('slack:T1') === 2, 'the second service to follow');
    expect(await b.forget('slack', 'T1', 'UBOB')).toBe(1);
    await until(() => a.state.count('slack:T1') === 1, 'the first service to learn of the forget-me');
    expect(await streamTexts(prefix)).toEqual(['Written before the second service started.']);
  });
});

describe.skipIf(!TEST_REDIS_URL)(`two Slack processes capturing through Redis${TEST_REDIS_URL ? '' : ` (${NO_REDIS_MESSAGE})`}`, { timeout: 300_000 }, () => {
  let fake: FakeSlack;
  const procs: ServeProcess[] = [];
  const senders: SlackSender[] = [];
  const prefix = uniquePrefix('capture-slack');
  beforeAll(async () => {
    fake = await new FakeSlack().start();
    fake.channel(DEBATES, 'debates');
    fake.admins.add('U0ALICE');
    for (let n = 0; n < 2; n++) {
      const port = await freePort();
      const p = await ServeProcess.startCli(
        {
          SLACK_BOT_TOKEN: fake.botToken,
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_API_URL: fake.apiUrl,
          PORT: String(port),
          SLACK_HOST: '127.0.0.1',
          CRUX_STORE_URL: TEST_REDIS_URL,
          CRUX_STORE_PREFIX: prefix,
        },
        (r) => r.msg === 'Slack connected.',
      );
      procs.push(p);
      senders.push(new SlackSender(`http://127.0.0.1:${port}/slack/events`));
    }
  }, 300_000);
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    await fake?.close();
  });

  async function slash(n: number, text: string, user = 'U0ALICE'): Promise<any> {
    const url = fake.responseUrl();
    await senders[n].command(text, { responseUrl: url, user });
    const [call] = await fake.callsUntil((c) => c.path === new URL(url).pathname, 1, 20_000);
    return call.body;
  }

  it('captures a message once whichever process gets it, and the other process answers with it within seconds', async () => {
    expect(JSON.stringify(await slash(0, 'config capture #debates'))).toMatch(/Capturing #debates/);
    const m = messageEvents.posted(DEBATES, { user: 'U0BOB', text: 'Zeugmatic capture crosses processes.', ts: fake.ts() });
    // Slack's first delivery and its retry reach different processes.
    await Promise.all([senders[0].event(m, { eventId: 'EvCross' }), senders[1].event(m, { eventId: 'EvCross', retryNum: 1 })]);
    for (const n of [0, 1]) {
      await until(async () => quotes((await slash(n, 'zeugmatic')).blocks ?? []).includes('Zeugmatic capture crosses processes.'), `process ${n} to answer with it`);
    }
    expect((await streamTexts(prefix)).filter((t) => t.startsWith('Zeugmatic'))).toEqual(['Zeugmatic capture crosses processes.']);
  });
});
