// Runs fixtures/store-client.ts as a child process: a store opened by another process, driven from a test.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const CLIENT = join(ROOT, 'test', 'service', 'fixtures', 'store-client.ts');

export class StoreProcess {
  private next = 0;
  private readonly waiting = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();
  private constructor(
    private readonly proc: ChildProcess,
    readonly pid: number,
  ) {}

  /** Starts a process with its own store on `url` (keys under `prefix`) and waits until it is open. */
  static start(url: string, prefix: string): Promise<StoreProcess> {
    const proc = spawn(process.execPath, ['--import', 'tsx', CLIENT], {
      cwd: ROOT,
      env: { ...process.env, STORE_URL: url, STORE_PREFIX: prefix },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    proc.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    return new Promise((ok, fail) => {
      let self: StoreProcess | null = null;
      proc.once('exit', (code) => {
        const why = new Error(`store process exited (${code}): ${stderr.trim()}`);
        if (!self) fail(why);
        else for (const w of self.waiting.values()) w.fail(why);
      });
      createInterface({ input: proc.stdout! }).on('line', (line) => {
        const msg = JSON.parse(line) as { ready?: boolean; pid?: number; id?: number; result?: unknown; error?: string };
        if (msg.ready) ok((self = new StoreProcess(proc, msg.pid!)));
        else if (self && msg.id !== undefined) {
          const w = self.waiting.get(msg.id);
          self.waiting.delete(msg.id);
          if (msg.error !== undefined) w?.fail(new Error(msg.error));
          else w?.ok(msg.result);
        }
      });
    });
  }

  /** Calls a store method in that process (or claimMany/hitMany: [key, ttlMs, n] calls at once). */
  call<T>(op: string, ...args: unknown[]): Promise<T> {
    const id = this.next++;
    return new Promise<T>((ok, fail) => {
      this.waiting.set(id, { ok: ok as (v: unknown) => void, fail });
      this.proc.stdin!.write(JSON.stringify({ id, op, args }) + '\n');
    });
  }

  /** Closes its store and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.proc.stdin!.end();
    await exited;
  }
}
