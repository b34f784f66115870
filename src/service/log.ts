// Structured JSON logs (pino) for a running service: one request id on every line of one interaction, secrets scrubbed.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type pino from 'pino';

/** The logger every part of a running Crux gets. Message first, then structured fields (an `err` field is serialized). */
export interface Log {
  debug(msg: string, extra?: object): void;
  info(msg: string, extra?: object): void;
  warn(msg: string, extra?: object): void;
  error(msg: string, extra?: object): void;
  /** A logger whose lines all carry these fields. */
  child(bindings: object): Log;
  /** Writes out anything buffered (before exit). */
  flush(): void;
}

/** Where log lines go: anything with write(line). */
export interface LogSink {
  write(line: string): void;
}

export interface LogOptions {
  level?: string;
  /** Exact values that must never appear in a log line (tokens, signing secrets, passwords). */
  secrets?: Array<string | null | undefined>;
  /** Default: standard error, written synchronously so nothing is lost on exit. */
  sink?: LogSink;
  /** Fields on every line (e.g. { service: 'crux', pid }). */
  base?: object;
}

interface RequestScope {
  reqId: string;
  [field: string]: unknown;
}

const scope = new AsyncLocalStorage<RequestScope>();

/**
 * Runs one interaction: every log line written inside fn (and whatever it awaits) carries the same `reqId`,
 * plus the given fields (platform, community, user…). Nested calls keep the outer id.
 */
export function withRequest<T>(fields: object, fn: () => T): T {
  const outer = scope.getStore();
  const reqId = outer?.reqId ?? (('reqId' in fields && typeof fields.reqId === 'string' && fields.reqId) || newRequestId());
  return scope.run({ ...outer, ...fields, reqId }, fn);
}

/** The id of the interaction being handled, if any. */
export function currentRequestId(): string | undefined {
  return scope.getStore()?.reqId;
}

export function newRequestId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 16);
}

/** Field names whose values are always replaced, wherever they sit (one or two levels deep). */
const SECRET_KEYS = [
  'token',
  'botToken',
  'appToken',
  'accessToken',
  'signingSecret',
  'clientSecret',
  'secret',
  'password',
  'authorization',
  'Authorization',
  'cookie',
  'x-slack-signature',
];
const REDACT_PATHS = [
  ...SECRET_KEYS.flatMap((k) => [`["${k}"]`, `*["${k}"]`, `*.*["${k}"]`]),
  'headers.authorization',
  '*.headers.authorization',
  'req.headers.authorization',
];

const CENSOR = '[redacted]';

/** Token shapes that are secrets whatever field or message they turn up in. */
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  // Slack bot, user, app-level and config tokens.
  [/\bxox[a-z]-[A-Za-z0-9-]{6,}/g, CENSOR],
  [/\bxapp-[A-Za-z0-9-]{6,}/g, CENSOR],
  // Discord bot tokens: three base64url parts separated by dots.
  [/\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}/g, CENSOR],
  // Authorization header values.
  [/\b(Bot|Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${CENSOR}`],
  // Credentials inside URLs (redis://user:password@host).
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/"'\\]*:)[^\s@/"'\\]+@/gi, `$1${CENSOR}@`],
  // Discord interaction and webhook tokens in paths.
  [/(\/(?:interactions|webhooks)\/\d+\/)[A-Za-z0-9_.-]{20,}/g, `$1${CENSOR}`],
  // Slack response_url and incoming-webhook secrets.
  [/(hooks\.slack\.com\/(?:commands|actions|services|workflows)\/)[A-Za-z0-9/_-]+/g, `$1${CENSOR}`],
];

/** Removes known secret values and token-shaped strings from one line of text. */
export function scrubSecrets(line: string, secrets: readonly string[] = []): string {
  let out = line;
  for (const s of secrets) {
    if (out.includes(s)) out = out.split(s).join(CENSOR);
  }
  for (const [re, to] of SECRET_PATTERNS) out = out.replace(re, to);
  return out;
}

/** The forms a secret can take inside a JSON line: as is, and JSON-escaped. Short values are ignored (too common). */
function secretForms(values: LogOptions['secrets']): string[] {
  const forms = new Set<string>();
  for (const v of values ?? []) {
    if (!v || v.length < 6) continue;
    forms.add(v);
    forms.add(JSON.stringify(v).slice(1, -1));
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

/** pino, loaded with the first JSON logger: the terminal's plain log (textLog) never needs it. */
const loadPino = (): typeof pino => createRequire(import.meta.url)('pino');

/** Standard error, written synchronously (a log line is never lost when the process exits right after). */
export function stderrSink(): LogSink {
  return loadPino().destination({ dest: 2, sync: true });
}

/** A pino logger writing JSON lines, with request ids from withRequest and secrets scrubbed from every line. */
export function createLogger(o: LogOptions = {}): Log {
  const secrets = secretForms(o.secrets);
  const sink = o.sink ?? stderrSink();
  const scrubbing = { write: (line: string) => sink.write(scrubSecrets(line, secrets)) };
  const pino = loadPino();
  const root = pino(
    {
      level: o.level ?? 'info',
      base: { service: 'crux', pid: process.pid, ...o.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      messageKey: 'msg',
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      mixin: () => scope.getStore() ?? {},
    },
    scrubbing,
  );
  const flush = () => {
    const f = (sink as { flushSync?: () => void }).flushSync;
    if (typeof f === 'function') {
      try {
        f.call(sink);
      } catch {
        // Nothing buffered, or the stream is already closed.
      }
    }
  };
  return wrap(root, flush);
}

function wrap(p: pino.Logger, flush: () => void): Log {
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (msg: string, extra?: object) => {
    if (extra instanceof Error) p[level]({ err: extra }, msg);
    else if (extra) p[level](extra, msg);
    else p[level](msg);
  };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (bindings) => wrap(p.child(bindings), flush),
    flush,
  };
}

/** A logger that drops everything (tests that do not look at logs). */
export function silentLog(): Log {
  const noop = () => {};
  const l: Log = { debug: noop, info: noop, warn: noop, error: noop, child: () => l, flush: noop };
  return l;
}

/** Collects parsed log lines in memory (tests, and the log-safety checks). */
export function memorySink(): LogSink & { lines: string[]; records(): Array<Record<string, unknown>> } {
  const lines: string[] = [];
  return {
    lines,
    write: (line: string) => {
      for (const l of line.split('\n')) if (l.trim()) lines.push(l);
    },
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** Plain "warning: …" lines for the terminal (npm start with no platform configured), same interface. */
export function textLog(write: (line: string) => void, level = 'info'): Log {
  const order = ['debug', 'info', 'warn', 'error'];
  const min = Math.max(0, order.indexOf(level));
  const at = (lvl: string, prefix: string) => (msg: string) => {
    if (order.indexOf(lvl) >= min) write(scrubSecrets(`${prefix}${msg}`));
  };
  const l: Log = {
    debug: at('debug', 'debug: '),
    info: at('info', ''),
    warn: at('warn', 'warning: '),
    error: at('error', 'error: '),
    child: () => l,
    flush: () => {},
  };
  return l;
}

/** Every secret value in a configuration (platform tokens, signing secrets, the store password), for createLogger. */
export function configSecrets(config: object): string[] {
  const out: string[] = [];
  const visit = (v: unknown, key: string, depth: number) => {
    if (depth > 3 || v == null) return;
    if (typeof v === 'string') {
      if (/token|secret|password/i.test(key)) out.push(v);
      if (/url$/i.test(key)) {
        const m = /^[a-z][a-z0-9+.-]*:\/\/[^:@/]*:([^@/]+)@/i.exec(v);
        if (m) out.push(decodeURIComponentSafe(m[1]), m[1]);
      }
    } else if (typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) visit(x, k, depth + 1);
    }
  };
  visit(config, '', 0);
  return [...new Set(out.filter((s) => s.length >= 6))];
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
