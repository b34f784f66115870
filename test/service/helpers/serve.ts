// Runs `crux serve` (with the fake platform of fixtures/serve-with-fake-platform.ts) as a real child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const FIXTURE = join(ROOT, 'test', 'service', 'fixtures', 'serve-with-fake-platform.ts');

/** No real platform starts, whatever the developer's .env holds (an empty variable wins over .env). */
/** One saved index for every serve process of a test run (built by the first), removed with the run's shared folder. */
const indexCache = () => join(process.env.CRUX_TEST_SHARED_DIR ?? tmpdir(), `crux-serve-index-${process.ppid}`);

const NO_PLATFORMS = {
  DISCORD_TOKEN: '',
  DISCORD_APPLICATION_ID: '',
  SLACK_BOT_TOKEN: '',
  SLACK_APP_TOKEN: '',
  SLACK_SIGNING_SECRET: '',
};

export class ServeProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  private waiters: Array<() => void> = [];
  private constructor(
    readonly proc: ChildProcess,
    /** The embedded store's file (unless the test set CRUX_STORE_URL). */
    readonly storeFile: string,
  ) {
    let buf = '';
    proc.stderr!.on('data', (b: Buffer) => {
      buf += b.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        this.lines.push(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
      for (const w of this.waiters.splice(0)) w();
    });
    proc.stdout!.on('data', (b: Buffer) => this.lines.push(...b.toString().split('\n').filter(Boolean)));
    this.exited = new Promise((ok) => proc.on('exit', (code) => ok(code)));
  }

  /** Starts it and waits until the fake platform listens. env adds to (or overrides) a clean environment. */
  static async start(env: Record<string, string> = {}, args: string[] = []): Promise<ServeProcess> {
    const cache = mkdtempSync(join(tmpdir(), 'crux-serve-'));
    const proc = spawn(process.execPath, ['--import', 'tsx', FIXTURE, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...NO_PLATFORMS, CRUX_CACHE_DIR: indexCache(), CRUX_STORE_URL: `file:${join(cache, 'state.json')}`, FAKE_PLATFORM: '1', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const s = new ServeProcess(proc, join(cache, 'state.json'));
    await s.ready((r) => r.msg === 'fake: listening', 120_000);
    return s;
  }

  /** Starts `crux serve` itself (bin/crux.mjs, no fake platform) and waits until a log line matches `ready`. */
  static async startCli(env: Record<string, string>, ready: (r: Record<string, unknown>) => boolean, ms = 180_000): Promise<ServeProcess> {
    const cache = mkdtempSync(join(tmpdir(), 'crux-serve-'));
    const proc = spawn(process.execPath, [join(ROOT, 'bin', 'crux.mjs'), 'serve'], {
      cwd: ROOT,
      env: { ...process.env, ...NO_PLATFORMS, CRUX_CACHE_DIR: indexCache(), CRUX_STORE_URL: `file:${join(cache, 'state.json')}`, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const s = new ServeProcess(proc, join(cache, 'state.json'));
    await s.ready(ready, ms);
    return s;
  }

  /** Waits for the line that says it is ready; if it never comes, stops it (and cleans up) before failing. */
  private async ready(match: (r: Record<string, unknown>) => boolean, ms: number): Promise<void> {
    try {
      await this.waitFor(match, ms);
    } catch (e) {
      await this.stop('SIGKILL');
      throw e;
    }
  }

  /** Log lines parsed as JSON (lines that are not JSON are skipped). */
  records(): Array<Record<string, unknown>> {
    return this.lines.flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  get fakePort(): number {
    return Number(this.records().find((r) => r.msg === 'fake: listening')?.port);
  }

  get opsPort(): number {
    return Number(this.records().find((r) => String(r.msg).startsWith('Health and metrics on'))?.port);
  }

  async waitFor(match: (r: Record<string, unknown>) => boolean, ms = 20_000): Promise<Record<string, unknown>> {
    const end = Date.now() + ms;
    for (;;) {
      const found = this.records().find(match);
      if (found) return found;
      if (this.proc.exitCode !== null) throw new Error(`crux serve exited (${this.proc.exitCode}):\n${this.lines.join('\n')}`);
      if (Date.now() > end) throw new Error(`timed out; log so far:\n${this.lines.join('\n')}`);
      await Promise.race([new Promise<void>((r) => this.waiters.push(r)), new Promise((r) => setTimeout(r, 200))]);
    }
  }

  /** Asks through the fake platform; with hold, the answer waits in flight until release(id). */
  ask(q: string, o: { delay?: number; hold?: boolean; id?: string; user?: string; channel?: string } = {}): Promise<Response> {
    const u = new URL(`http://127.0.0.1:${this.fakePort}/ask`);
    u.searchParams.set('q', q);
    if (o.delay) u.searchParams.set('delay', String(o.delay));
    if (o.hold) u.searchParams.set('hold', '1');
    if (o.id) u.searchParams.set('id', o.id);
    if (o.user) u.searchParams.set('user', o.user);
    if (o.channel) u.searchParams.set('channel', o.channel);
    return fetch(u);
  }

  /** Lets a held answer go on; false when no answer with that id was held. */
  async release(id: string): Promise<boolean> {
    return (await fetch(`http://127.0.0.1:${this.fakePort}/release?id=${encodeURIComponent(id)}`)).status === 200;
  }

  ops(path: string): Promise<Response> {
    return fetch(`http://127.0.0.1:${this.opsPort}${path}`);
  }

  /** Stops it (unless it has stopped) and, once it has exited, removes its store's folder. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(signal);
    const code = await this.exited;
    rmSync(dirname(this.storeFile), { recursive: true, force: true });
    return code;
  }
}
