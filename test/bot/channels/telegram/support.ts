// Helpers for the Telegram end-to-end tests: a real local Bot API server (telegram-test-api on a fixed port), people
// who send it messages and press buttons over HTTP, and Hearth on the Telegram channel polling it with telegraf.
import TelegramServer from 'telegram-test-api';
import pino, { type Logger } from 'pino';
import type { Hearth } from '../../../../bot/hearth';
import { createTelegramChannel, type TelegramChannel, type TelegramConfig } from '../../../../bot/channels/telegram';
import type { Program } from '../../../../community/program';
import { hearthOn, tempDb } from '../../../harness';

/** A stored bot message on the test server: the sendMessage parameters and the id the server gave it. */
export interface BotMessage {
  messageId: number;
  message: {
    chat_id: number | string;
    text: string;
    parse_mode?: string;
    reply_parameters?: { message_id: number };
    reply_markup?: { inline_keyboard: { text: string; callback_data?: string; url?: string }[][] };
    message_thread_id?: number;
  };
}

interface StoredUser {
  messageId: number;
  message?: { text?: string; from?: { id: number }; chat?: { id: number } };
}

/** A person on Telegram. */
export interface Person {
  id: number;
  first_name: string;
  username?: string;
  language_code?: string;
}

/** A chat: a group (negative id) or a person's private chat with the bot. */
export interface Chat {
  id: number;
  type: 'private' | 'supergroup';
  title?: string;
}

/** Poll until `probe` returns something; fail with what the bot said so far. */
export async function until<T>(probe: () => T | undefined, what: string, said: () => unknown, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const found = probe();
    if (found !== undefined && found !== false) return found;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the bot said: ${JSON.stringify(said(), null, 1)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A running telegram-test-api server. */
export async function startTestServer(port: number): Promise<TelegramServer> {
  const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 600 });
  await server.start();
  return server;
}

/** Mention entities for `@name` words and a command entity for a leading `/word`, as Telegram clients send them. */
function entitiesOf(text: string): { type: string; offset: number; length: number }[] {
  const out: { type: string; offset: number; length: number }[] = [];
  const command = /^\/\w+(@\w+)?/.exec(text);
  if (command) out.push({ type: 'bot_command', offset: 0, length: command[0].length });
  for (const m of text.matchAll(/@\w{3,}/g)) if (m.index !== 0 || !command) out.push({ type: 'mention', offset: m.index!, length: m[0].length });
  return out;
}

/** Hearth on the Telegram channel against the test server, with helpers to talk to it. */
export async function startBot(
  server: TelegramServer,
  options: { token: string; program: Program; staffChat?: string; webhook?: Pick<TelegramConfig, 'TELEGRAM_WEBHOOK_URL' | 'TELEGRAM_WEBHOOK_SECRET'>; log?: Logger },
) {
  const { db } = tempDb();
  const log = options.log ?? pino({ level: 'silent' });
  const config: TelegramConfig = {
    TELEGRAM_BOT_TOKEN: options.token,
    TELEGRAM_API_ROOT: server.config.apiURL,
    ...options.webhook,
  };
  const botUser = { id: Number(options.token.split(':')[0]), username: 'hearth_e2e_bot', first_name: 'Hearth' };
  const channel: TelegramChannel = createTelegramChannel(config, { log, botInfo: botUser });
  const hearth: Hearth = await hearthOn([channel], { db, program: options.program, log, staffRoom: { channel: 'telegram', chat: options.staffChat ?? '' } });
  const storage = server.storage as unknown as { botMessages: (BotMessage & { botToken: string })[]; userMessages: (StoredUser & { botToken: string })[] };
  const botMessages = () => storage.botMessages.filter((m) => m.botToken === options.token);
  const api = (route: string, body: unknown) =>
    fetch(`${server.config.apiURL}/${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());

  return {
    db,
    hearth,
    channel,
    bot: botUser,
    botMessages,
    /** Start receiving (long polling). */
    start: () => channel.start(hearth),
    /** `person` writes `text` in `chat` (optionally replying to a message); resolves with the message id the server gave it. */
    async say(person: Person, chat: Chat, text: string, extra: { replyTo?: { messageId: number; from: Person | typeof botUser } } = {}): Promise<number> {
      const message = {
        botToken: options.token,
        date: Math.floor(Date.now() / 1000),
        from: { is_bot: false, ...person },
        chat: chat.type === 'private' ? { id: chat.id, type: 'private', first_name: person.first_name } : { id: chat.id, type: chat.type, title: chat.title },
        text,
        entities: entitiesOf(text),
        ...(extra.replyTo
          ? { reply_to_message: { message_id: extra.replyTo.messageId, from: extra.replyTo.from, chat: { id: chat.id, type: chat.type }, date: Math.floor(Date.now() / 1000), text: '…' } }
          : {}),
      };
      await api('sendMessage', message);
      const stored = storage.userMessages.filter((u) => u.botToken === options.token && u.message?.text === text && u.message?.from?.id === person.id);
      return stored[stored.length - 1]!.messageId;
    },
    /** Send a raw message update (service messages such as new_chat_members). */
    async raw(message: Record<string, unknown>): Promise<void> {
      await api('sendMessage', { botToken: options.token, date: Math.floor(Date.now() / 1000), ...message });
    },
    /** `person` presses a button under the bot's message `under` in `chat`. */
    async press(person: Person, chat: Chat, under: BotMessage, data: string): Promise<void> {
      await api('sendCallback', {
        botToken: options.token,
        date: Math.floor(Date.now() / 1000),
        from: { is_bot: false, ...person },
        message: { message_id: under.messageId, from: { ...botUser, is_bot: true }, chat: { id: chat.id, type: chat.type, title: chat.title }, date: Math.floor(Date.now() / 1000), text: under.message.text },
        data,
      });
    },
    /** Wait for the bot to send a message to `chat` matching `test` (text or predicate). */
    said(chat: Chat, test: RegExp | ((m: BotMessage) => boolean), what = String(test)): Promise<BotMessage> {
      const ok = typeof test === 'function' ? test : (m: BotMessage) => test.test(m.message.text);
      return until(() => botMessages().find((m) => String(m.message.chat_id) === String(chat.id) && ok(m)), `${what} in chat ${chat.id}`, () => botMessages().map((m) => [m.message.chat_id, m.message.text]));
    },
  };
}
