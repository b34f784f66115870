// The Slack platform adapter for npm start: Socket Mode when SLACK_APP_TOKEN is set, else HTTP with the signing secret.
import type { AdapterContext, PlatformAdapter, RunningAdapter } from '../index.ts';
import { ConfigError } from '../../src/config.ts';

export const slackAdapter: PlatformAdapter = {
  name: 'Slack',
  configured: (config) => config.slack != null,
  async start(ctx: AdapterContext): Promise<RunningAdapter> {
    const cfg = ctx.config.slack;
    if (cfg == null) throw new ConfigError('Slack', ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN or SLACK_SIGNING_SECRET']);
    if (cfg instanceof ConfigError) throw cfg;
    if (cfg.appToken && cfg.signingSecret) ctx.log.info('Slack: both SLACK_APP_TOKEN and SLACK_SIGNING_SECRET are set; using Socket Mode.');
    // Loaded on demand, so the CLI and the terminal prompt never load Bolt.
    const { startSlack } = await import('./app.ts');
    return startSlack({
      engine: ctx.engine,
      engines: ctx.engines,
      store: ctx.store,
      log: ctx.log,
      botToken: cfg.botToken,
      apiUrl: cfg.apiUrl,
      configUsers: ctx.config.slackConfigUsers,
      capture: ctx.capture,
      captureBackfill: ctx.config.capture,
      transport: cfg.appToken
        ? { mode: 'socket', appToken: cfg.appToken }
        : { mode: 'http', signingSecret: cfg.signingSecret!, port: cfg.port, host: cfg.host ?? undefined },
    });
  },
};
