// A tiny Bot API server for the rate bench and the channel tests, in its own thread so its clock readings are not
// delayed by the bot's work: it enforces Telegram's three sending limits and answers 429 with retry_after when one
// is broken, reads parse_mode HTML as Telegram does (refusing bad markup and texts over 4096 after parsing), records
// every accepted message as a person sees it, can be told to refuse chats (403/400) or rate-limit them once, and
// serves long polling as Telegram does: an update stays until a getUpdates asks for a later offset.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

/** What the worker is started with. */
export interface FakeBotApiSetup {
  limits: { perChatGapMs: number; groupMax: number; groupWindowMs: number; globalMax: number; globalWindowMs: number };
  admins: Record<string, string[]>;
  /** Chat id → the error every sendMessage to it gets. */
  failures: Record<string, { code: number; description: string }>;
  /** Chat id → how many sendMessage calls to answer with 429 before accepting. */
  force429: Record<string, number>;
}

/** A message entity as the Bot API returns it (offsets and lengths in UTF-16 code units of `text`). */
export interface MessageEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  user?: { id: number; is_bot: boolean; first_name: string };
}

/**
 * One accepted sendMessage: when it arrived (ms since epoch, fractional), its parameters, and the message as Telegram
 * shows it (the text after parse_mode, its entities) — what a person in the chat sees.
 */
export interface Accepted {
  at: number;
  chat: string;
  payload: Record<string, unknown>;
  message: { text: string; entities: MessageEntity[] };
}

/** What the main thread can ask for. */
export interface FakeSnapshot {
  accepted: Accepted[];
  tooManyRequests: number;
  /** Each 429: when, for which chat, and which limit was broken ('forced' when told to). */
  rejections: { at: number; chat: string; limit: string }[];
  refused: number;
  calls: Record<string, number>;
  commands: Record<string, unknown>[];
  /** The offset of every getUpdates call, in order. */
  offsets: number[];
  /** Updates not confirmed yet (a later offset confirms them). */
  unconfirmed: number;
}

const setup = workerData as FakeBotApiSetup;
const { limits } = setup;
const force429 = { ...setup.force429 };
const accepted: Accepted[] = [];
const rejections: FakeSnapshot['rejections'] = [];
const calls: Record<string, number> = {};
const commands: Record<string, unknown>[] = [];
const offsets: number[] = [];
let updates: { update_id: number }[] = [];
const pollers = new Set<() => void>();
const lastByChat = new Map<string, number>();
const groupTimes = new Map<string, number[]>();
const globalTimes: number[] = [];
let tooManyRequests = 0;
let refused = 0;
let messageId = 1000;

const clock = () => performance.timeOrigin + performance.now();

function countSince(times: number[], since: number): number {
  let n = 0;
  for (let i = times.length - 1; i >= 0 && times[i]! > since; i--) n++;
  return n;
}

/** Which limit, if any, a message to `chat` arriving at `t` breaks, and how long until it would not. */
function broken(chat: string, t: number): { limit: string; waitMs: number } | undefined {
  const last = lastByChat.get(chat);
  if (last !== undefined && t - last < limits.perChatGapMs) return { limit: 'chat', waitMs: last + limits.perChatGapMs - t };
  if (chat.startsWith('-')) {
    const times = groupTimes.get(chat) ?? [];
    if (countSince(times, t - limits.groupWindowMs) >= limits.groupMax) {
      return { limit: 'group', waitMs: times[times.length - limits.groupMax]! + limits.groupWindowMs - t };
    }
  }
  if (countSince(globalTimes, t - limits.globalWindowMs) >= limits.globalMax) {
    return { limit: 'global', waitMs: globalTimes[globalTimes.length - limits.globalMax]! + limits.globalWindowMs - t };
  }
  return undefined;
}

/** Telegram's limit on a message's text after entity parsing. */
const MAX_TEXT = 4096;
const HTML_TAGS: Record<string, string> = {
  b: 'bold', strong: 'bold', i: 'italic', em: 'italic', u: 'underline', ins: 'underline', s: 'strikethrough', strike: 'strikethrough',
  del: 'strikethrough', 'tg-spoiler': 'spoiler', span: 'spoiler', code: 'code', pre: 'pre', blockquote: 'blockquote', a: 'text_link',
};

/** parse_mode HTML as Telegram reads it: the text shown and its entities; a string describing the mistake when it cannot. */
function parseHtml(html: string): { text: string; entities: MessageEntity[] } | string {
  let text = '';
  const entities: MessageEntity[] = [];
  const open: { tag: string; offset: number; href?: string }[] = [];
  const token = /<(\/?)([a-z][a-z0-9-]*)((?:\s+[a-z-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*>|&(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);|</gi;
  let last = 0;
  for (let m = token.exec(html); m; m = token.exec(html)) {
    text += html.slice(last, m.index);
    last = token.lastIndex;
    if (m[0] === '<') return `Unsupported start tag at byte offset ${Buffer.byteLength(html.slice(0, m.index))}`;
    if (m[4] !== undefined) {
      const e = m[4].toLowerCase();
      text += e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'amp' ? '&' : e === 'quot' ? '"' : String.fromCodePoint(e.startsWith('#x') ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
      continue;
    }
    const tag = m[2]!.toLowerCase();
    if (!(tag in HTML_TAGS)) return `Unsupported start tag "${tag}" at byte offset ${Buffer.byteLength(html.slice(0, m.index))}`;
    if (m[1] === '') {
      const href = /href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))/i.exec(m[3] ?? '');
      const url = href ? (href[1] ?? href[2] ?? href[3] ?? '').replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>') : undefined;
      open.push({ tag, offset: text.length, ...(url !== undefined ? { href: url } : {}) });
      continue;
    }
    const start = open.pop();
    if (!start || start.tag !== tag) return `Unmatched end tag at byte offset ${Buffer.byteLength(html.slice(0, m.index))}, expected "</${start?.tag ?? ''}>", found "</${tag}>"`;
    const length = text.length - start.offset;
    if (length === 0) continue;
    if (tag !== 'a') entities.push({ type: HTML_TAGS[tag]!, offset: start.offset, length });
    else {
      const user = /^tg:\/\/user\?id=(\d+)$/.exec(start.href ?? '');
      if (user) entities.push({ type: 'text_mention', offset: start.offset, length, user: { id: Number(user[1]), is_bot: false, first_name: text.slice(start.offset) } });
      else if (start.href) entities.push({ type: 'text_link', offset: start.offset, length, url: start.href });
    }
  }
  text += html.slice(last);
  if (open.length > 0) return `Can't find end tag corresponding to start tag "${open[open.length - 1]!.tag}"`;
  return { text, entities: entities.sort((a, b) => a.offset - b.offset) };
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sendMessage(payload: Record<string, unknown>, t: number, res: ServerResponse): void {
  const chat = String(payload.chat_id);
  const failure = setup.failures[chat];
  if (failure) {
    refused++;
    return answer(res, failure.code, { ok: false, error_code: failure.code, description: failure.description });
  }
  const html = payload.parse_mode === 'HTML';
  const shown = html ? parseHtml(String(payload.text ?? '')) : { text: String(payload.text ?? ''), entities: (payload.entities as MessageEntity[] | undefined) ?? [] };
  if (typeof shown === 'string') return answer(res, 400, { ok: false, error_code: 400, description: `Bad Request: can't parse entities: ${shown}` });
  if (shown.text.trim() === '') return answer(res, 400, { ok: false, error_code: 400, description: 'Bad Request: message text is empty' });
  if (shown.text.length > MAX_TEXT) return answer(res, 400, { ok: false, error_code: 400, description: 'Bad Request: message is too long' });
  const over = broken(chat, t);
  if (over !== undefined || (force429[chat] ?? 0) > 0) {
    if ((force429[chat] ?? 0) > 0) force429[chat]!--;
    tooManyRequests++;
    rejections.push({ at: t, chat, limit: over?.limit ?? 'forced' });
    const retryAfter = Math.max(1, Math.ceil((over?.waitMs ?? 0) / 1000));
    return answer(res, 429, { ok: false, error_code: 429, description: `Too Many Requests: retry after ${retryAfter}`, parameters: { retry_after: retryAfter } });
  }
  lastByChat.set(chat, t);
  if (chat.startsWith('-')) {
    const times = groupTimes.get(chat) ?? [];
    times.push(t);
    if (times.length > limits.groupMax * 2) times.splice(0, times.length - limits.groupMax);
    groupTimes.set(chat, times);
  }
  globalTimes.push(t);
  if (globalTimes.length > limits.globalMax * 4) globalTimes.splice(0, globalTimes.length - limits.globalMax);
  accepted.push({ at: t, chat, payload, message: shown });
  answer(res, 200, {
    ok: true,
    result: {
      message_id: ++messageId,
      date: Math.floor(t / 1000),
      chat: { id: Number(chat), type: chat.startsWith('-') ? 'supergroup' : 'private' },
      text: shown.text,
      ...(shown.entities.length > 0 ? { entities: shown.entities } : {}),
    },
  });
}

function handle(req: IncomingMessage, res: ServerResponse, body: string, t: number): void {
  const m = /^\/bot[^/]+\/(\w+)$/.exec(req.url ?? '');
  if (!m) return answer(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
  const method = m[1]!;
  calls[method] = (calls[method] ?? 0) + 1;
  let payload: Record<string, unknown> = {};
  try {
    payload = body ? (JSON.parse(body) as Record<string, unknown>) : {};
  } catch {
    return answer(res, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid JSON' });
  }
  switch (method) {
    case 'sendMessage':
      return sendMessage(payload, t, res);
    case 'getMe':
      return answer(res, 200, { ok: true, result: { id: 6000000001, is_bot: true, first_name: 'Hearth', username: 'hearth_test_bot' } });
    case 'getChatAdministrators':
      return answer(res, 200, {
        ok: true,
        result: (setup.admins[String(payload.chat_id)] ?? []).map((id) => ({ status: 'administrator', user: { id: Number(id), is_bot: false, first_name: id } })),
      });
    case 'setMyCommands':
      commands.push(payload);
      return answer(res, 200, { ok: true, result: true });
    case 'getUpdates': {
      // An offset confirms every update before it; the rest are delivered (again) until confirmed.
      const offset = Number(payload.offset ?? 0);
      offsets.push(offset);
      if (offset > 0) updates = updates.filter((u) => u.update_id >= offset);
      const deliver = () => answer(res, 200, { ok: true, result: updates.slice(0, 100) });
      if (updates.length > 0) return deliver();
      // Nothing yet: hold the request a little, like Telegram does; an update arriving meanwhile is delivered at once.
      const wake = () => {
        clearTimeout(timer);
        pollers.delete(wake);
        deliver();
      };
      const timer = setTimeout(wake, Math.min(Number(payload.timeout ?? 0), 1) * 1000);
      pollers.add(wake);
      res.on('close', () => {
        clearTimeout(timer);
        pollers.delete(wake);
      });
      return;
    }
    default:
      return answer(res, 200, { ok: true, result: true });
  }
}

const server = createServer((req, res) => {
  const t = clock(); // arrival time, before the body is read
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (body += chunk));
  req.on('end', () => handle(req, res, body, t));
});
server.keepAliveTimeout = 30_000;

parentPort!.on('message', (msg: { type: 'snapshot' } | { type: 'close' } | { type: 'enqueue'; updates: { update_id: number }[] }) => {
  if (msg.type === 'snapshot') {
    const snapshot: FakeSnapshot = { accepted, tooManyRequests, rejections, refused, calls, commands, offsets, unconfirmed: updates.length };
    parentPort!.postMessage({ type: 'snapshot', snapshot });
  } else if (msg.type === 'enqueue') {
    updates.push(...msg.updates);
    for (const wake of [...pollers]) wake();
  } else {
    server.closeAllConnections();
    server.close(() => parentPort!.postMessage({ type: 'closed' }));
  }
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  parentPort!.postMessage({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
});
