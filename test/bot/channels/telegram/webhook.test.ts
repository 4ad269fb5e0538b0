// The Telegram webhook over real HTTP: requests without Telegram's secret-token header are refused and change nothing,
// genuine ones are handled once even when Telegram redelivers; and the bot token never reaches a log line or an error.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type TelegramServer from 'telegram-test-api';
import { createHttpApp, listen } from '../../../../bot/http';
import { createTelegramChannel, SECRET_HEADER } from '../../../../bot/channels/telegram';
import { HearthError } from '../../../../bot/core/errors';
import { findMemberByPlatformId } from '../../../../store/members';
import { hearthOn, program, tempDb } from '../../../harness';
import { startBot, startTestServer } from './support';

const PORT = 9312;
const TOKEN = '7100000001:WEBHOOK-token-do-not-log';
const SECRET = 'a-long-webhook-secret_123';
let server: TelegramServer;
beforeAll(async () => {
  server = await startTestServer(PORT);
});
afterAll(async () => {
  await server.stop();
});

function capturingLog() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

const update = (id: number, text: string) => ({
  update_id: id,
  message: {
    message_id: id,
    date: Math.floor(Date.now() / 1000),
    chat: { id: -100888, type: 'supergroup', title: 'Tea Lovers' },
    from: { id: 121, is_bot: false, first_name: 'Alice', language_code: 'en' },
    text,
  },
});

describe('telegram webhook', () => {
  it('refuses requests without the secret token and handles genuine ones once', async () => {
    const { log, lines } = capturingLog();
    const b = await startBot(server, {
      token: TOKEN,
      program: program((p) => void (p.groups = ['telegram:-100888'])),
      log,
      webhook: { TELEGRAM_WEBHOOK_URL: 'https://hearth.example.com/telegram/hook', TELEGRAM_WEBHOOK_SECRET: SECRET },
    });
    const app = createHttpApp({ hearth: b.hearth });
    b.channel.webhook!.mount(app);
    const http = await listen(app, { port: 0, hostname: '127.0.0.1' });
    try {
      await b.start(); // setWebhook, no polling
      const post = (body: unknown, headers: Record<string, string> = {}) =>
        fetch(`${http.url}/telegram/hook`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

      const forged = await post(update(1, '/checkin'));
      expect(forged.status).toBe(401);
      const wrong = await post(update(1, '/checkin'), { [SECRET_HEADER]: 'a-long-webhook-secret_124' });
      expect(wrong.status).toBe(401);
      expect(findMemberByPlatformId(b.db, 'telegram', '121')).toBeUndefined();

      const genuine = await post(update(2, '/checkin'), { [SECRET_HEADER]: SECRET });
      expect(genuine.status).toBe(200);
      const again = await post(update(2, '/checkin'), { [SECRET_HEADER]: SECRET }); // Telegram redelivers
      expect(again.status).toBe(200);
      await b.said({ id: -100888, type: 'supergroup' }, /\+5/, 'the check-in answer');
      await post(update(3, '/help'), { [SECRET_HEADER]: SECRET });
      await b.said({ id: -100888, type: 'supergroup' }, /Here is what I can do/, 'the help answer');
      expect(b.botMessages().filter((m) => /\+5/.test(m.message.text))).toHaveLength(1);

      expect(lines.some((l) => l.includes('refused'))).toBe(true);
      expect(lines.join('')).not.toContain('WEBHOOK-token-do-not-log');
    } finally {
      await http.close();
      await b.channel.stop();
    }
  });

  it('will not start a webhook without a proper secret', () => {
    const make = (secret?: string) => () =>
      createTelegramChannel(
        { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_URL: 'https://hearth.example.com/hook', TELEGRAM_WEBHOOK_SECRET: secret },
        { log: pino({ level: 'silent' }) },
      );
    expect(make(undefined)).toThrow(HearthError);
    expect(make('short')).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
    expect(make('has spaces in it, not allowed')).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
    expect(make(SECRET)).not.toThrow();
  });

  it('keeps the token out of errors and logs when Telegram cannot be reached', async () => {
    const { log, lines } = capturingLog();
    const unreachable = { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: 'http://127.0.0.1:9' };
    const channel = createTelegramChannel(unreachable, { log });
    const error = await channel.connect().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(HearthError);
    expect(String((error as Error).message)).not.toContain('WEBHOOK-token-do-not-log');

    // A delivery that fails on the network is logged by the outbox, still without the token.
    const { db } = tempDb();
    const offline = createTelegramChannel(unreachable, { log, botInfo: { id: 7100000001, username: 'hearth_e2e_bot' } });
    const hearth = await hearthOn([offline], { db, log, modules: [] });
    hearth.deps.queue('k1', { channel: 'telegram', chat: '-100888', text: 'hello', kind: 'reply' }, new Date());
    await hearth.dispatcher.flush(new Date());
    expect(lines.some((l) => l.includes('delivery not done'))).toBe(true);
    expect(lines.join('')).not.toContain('WEBHOOK-token-do-not-log');
  });
});
