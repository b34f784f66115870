// The operations endpoint (CRUX_HTTP_PORT): /healthz for load balancers and supervisors, /metrics for Prometheus.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServedEngine } from '../core/engine.ts';
import type { Store } from './store.ts';
import type { Log } from './log.ts';
import { metricsText } from './metrics.ts';

export interface HealthSources {
  engine(): ServedEngine | null;
  store: Store;
  adapters(): Array<{ name: string; connected: boolean }>;
  /** True once shutdown has begun: health turns 503 so a load balancer stops sending work. */
  stopping(): boolean;
  reloading?(): boolean;
}

export interface Health {
  /** ok: everything up. degraded: answering, but Redis is down (in-process state) or a reload failed. down: not answering. */
  status: 'ok' | 'degraded' | 'down';
  stopping: boolean;
  adapters: Record<string, boolean>;
  store: { backend: string; reachable: boolean; fallback: boolean };
  corpus: { loaded: boolean; passages: number; files: number; builtAt: string | null; indexAgeSeconds: number | null; reloading: boolean };
  uptimeSeconds: number;
}

/** Works out health now. 503 (down) when shutting down, no corpus is loaded, or an adapter is not connected. */
export async function health(src: HealthSources): Promise<Health> {
  const e = src.engine();
  const st = src.store.status?.() ?? { backend: 'custom', reachable: true, fallback: false };
  const reachable = st.backend === 'redis' ? st.reachable : ((await src.store.ping?.().catch(() => false)) ?? true);
  const adapters = Object.fromEntries(src.adapters().map((a) => [a.name, a.connected]));
  const builtAt = e?.stats.builtAt ?? null;
  const stopping = src.stopping();
  const down = stopping || !e || Object.values(adapters).some((c) => !c);
  return {
    status: down ? 'down' : !reachable || st.fallback ? 'degraded' : 'ok',
    stopping,
    adapters,
    store: { backend: st.backend, reachable, fallback: st.fallback },
    corpus: {
      loaded: !!e,
      passages: e?.stats.passages ?? 0,
      files: e?.stats.files ?? 0,
      builtAt,
      indexAgeSeconds: builtAt ? Math.round((Date.now() - Date.parse(builtAt)) / 1000) : null,
      reloading: src.reloading?.() ?? false,
    },
    uptimeSeconds: Math.round(process.uptime()),
  };
}

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

/** Serves /healthz and /metrics on the port (0 picks a free one), on host (default 127.0.0.1). */
export function startOpsServer(port: number, src: HealthSources, log: Pick<Log, 'info' | 'error'>, host = '127.0.0.1'): Promise<OpsServer> {
  const server: Server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
      } else if (path === '/healthz') {
        const h = await health(src);
        res.writeHead(h.status === 'down' ? 503 : 200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify(h));
      } else if (path === '/metrics') {
        const m = await metricsText();
        res.writeHead(200, { 'content-type': m.contentType });
        res.end(m.body);
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Crux serves /healthz and /metrics here.\n');
      }
    } catch (e) {
      log.error('The operations endpoint failed to answer.', { err: e as Error, path });
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  });
  server.keepAliveTimeout = 5_000;
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      const actual = (server.address() as AddressInfo).port;
      log.info(`Health and metrics on http://${host}:${actual}/healthz and /metrics.`, { port: actual });
      ok({
        port: actual,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections?.();
          }),
      });
    });
  });
}
