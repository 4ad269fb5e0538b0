// `hearth start` with TELEGRAM_BOT_TOKEN set: Hearth on Telegram until SIGINT/SIGTERM, by long polling, or by webhook
// on the HTTP server that also serves the order endpoint (bot/http.ts).
import type { Config } from '../../config';
import { createLogger } from '../../log';
import { loadProgram } from '../../program-file';
import { createHttpApp, listen, startOrdersEndpoint, type HttpServer } from '../../http';
import { startLiveHearth } from '../../live';
import { createTelegramChannel } from './index';

/** Run Hearth on Telegram until the process is told to stop; resolves to the exit code. */
export async function runTelegram(config: Config): Promise<number> {
  const log = createLogger(config.HEARTH_LOG_LEVEL);
  const program = loadProgram(config.HEARTH_PROGRAM);
  let stopped: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => (stopped = resolve));
  const telegram = createTelegramChannel(config, {
    log,
    onStopped: (err) => {
      process.stderr.write(`hearth: Telegram polling stopped: ${err instanceof Error ? err.message : String(err)}\n`);
      stopped(1);
    },
  });
  const me = await telegram.connect();
  const live = await startLiveHearth({ config, log, program, deployment: telegram.deployment(), isGroupAdmin: telegram.isGroupAdmin });
  const hearth = live.hearth;
  let http: HttpServer | undefined;
  let code = 0;
  try {
    if (telegram.webhook) {
      const app = createHttpApp({ hearth, secret: config.HEARTH_ORDERS_SECRET });
      telegram.webhook.mount(app);
      http = await listen(app, { port: config.HEARTH_HTTP_PORT });
    } else {
      http = await startOrdersEndpoint(hearth, config);
    }
    await telegram.start(hearth);
    process.stderr.write(
      `hearth: on Telegram as @${me.username} (${telegram.webhook ? `webhook ${telegram.webhook.path} on port ${http!.port}` : 'long polling'}); Ctrl-C stops\n`,
    );
    process.once('SIGINT', () => stopped(0));
    process.once('SIGTERM', () => stopped(0));
    code = await finished;
  } finally {
    await telegram.stop();
    await http?.close();
    await live.stop();
  }
  return code;
}
