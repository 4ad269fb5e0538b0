// A local HTTP server playing WeCom for the intelligent robot's URL-callback mode: it signs and encrypts callbacks with
// @wecom/crypto as WeCom does (document/path/101033), POSTs them to Hearth's route, opens the sealed passive replies, and
// takes the answers Hearth POSTs to each message's response_url (document/path/101138: one call each) — or refuses them.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decrypt, encrypt, getSignature } from '@wecom/crypto';

/** An answer Hearth POSTed to a response_url, as the fake took it. */
export interface Taken {
  code: string;
  /** The chat the response_url was given in. */
  chat: string;
  body: Record<string, unknown>;
  /** The errcode the fake answered (0: accepted). */
  errcode: number;
}

/** What a callback POST came back with: the status, and the passive reply's plaintext JSON when there was one. */
export interface Sent {
  status: number;
  text: string;
  reply?: Record<string, unknown>;
}

/** How the fake behaves. */
export interface FakeWecomCallbackSetup {
  token: string;
  aesKey: string;
  /** Chats whose response_urls are refused (a dead url: WeCom documents no errcode for it; this one is assumed). */
  refuse?: Record<string, { errcode: number; errmsg: string }>;
  /** Chats whose first N answers get errcode 45009 (over the frequency limit). */
  busyOnce?: Record<string, number>;
}

/** A running fake. */
export interface FakeWecomCallback {
  url: string;
  /** Every answer POSTed to a response_url, in order (refused ones too). */
  taken: Taken[];
  accepted(): Taken[];
  /** A fresh response_url for a message in `chat`. */
  issue(chat: string): string;
  /** The message JSON of a text from `from` (in `group`, else their single chat), with a fresh response_url. */
  text(from: string, content: string, options?: { group?: string; msgid?: string }): Record<string, unknown>;
  /** The message JSON of an event (enter_chat, template_card_event); card events carry a response_url. */
  event(from: string, event: Record<string, unknown>, options?: { group?: string }): Record<string, unknown>;
  /** POST a message to Hearth's route, signed and encrypted (`forge`: with a wrong signature). */
  send(to: string, message: Record<string, unknown>, options?: { forge?: boolean }): Promise<Sent>;
  /** The URL check: GET with an encrypted echostr; resolves with the status, the body and the echo expected. */
  verify(to: string): Promise<{ status: number; text: string; expected: string }>;
  until(probe: () => boolean, what: string, ms?: number): Promise<void>;
  close(): Promise<void>;
}

/** A callback message's response_url answer as a person sees it: markdown text, or a card's text and button labels. */
export function shownAnswer(body: Record<string, unknown>): { text: string; buttons?: string[] } {
  const b = body as {
    msgtype?: string;
    markdown?: { content?: string };
    stream?: { content?: string };
    text?: { content?: string };
    template_card?: { main_title?: { title?: string }; sub_title_text?: string; button_list?: { text: string }[]; jump_list?: { title: string }[] };
  };
  const card = b.template_card;
  const buttons = card ? [...(card.button_list ?? []).map((x) => x.text), ...(card.jump_list ?? []).map((x) => x.title)] : undefined;
  // A card alone carries the whole text in its body (the title repeats its first line), or only the title when short.
  const text = b.markdown?.content ?? b.stream?.content ?? b.text?.content ?? card?.sub_title_text ?? card?.main_title?.title ?? '';
  return { text, ...(buttons ? { buttons } : {}) };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Start the fake on a free port of 127.0.0.1. */
export async function startFakeWecomCallback(setup: FakeWecomCallbackSetup): Promise<FakeWecomCallback> {
  const taken: Taken[] = [];
  const chatOf = new Map<string, string>();
  const used = new Set<string>();
  const busy = new Map(Object.entries(setup.busyOnce ?? {}));
  let seq = 0;

  const server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const code = url.searchParams.get('response_code') ?? '';
      const answer = (errcode: number, errmsg: string) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ errcode, errmsg }));
      };
      if (req.method !== 'POST' || url.pathname !== '/cgi-bin/aibot/response' || !chatOf.has(code)) {
        res.writeHead(404).end();
        return;
      }
      const chat = chatOf.get(code)!;
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        // recorded as sent: an empty body
      }
      let result = { errcode: 0, errmsg: 'ok' };
      const left = busy.get(chat) ?? 0;
      if (left > 0) {
        busy.set(chat, left - 1);
        result = { errcode: 45009, errmsg: 'api freq out of limit' };
      } else if (setup.refuse?.[chat]) result = setup.refuse[chat]!;
      else if (used.has(code)) result = { errcode: 40029, errmsg: 'response_code used' };
      if (result.errcode === 0) used.add(code);
      taken.push({ code, chat, body, errcode: result.errcode });
      answer(result.errcode, result.errmsg);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function issue(chat: string): string {
    const code = `rc_${++seq}_${randomBytes(4).toString('hex')}`;
    chatOf.set(code, chat);
    return `${base}/cgi-bin/aibot/response?response_code=${code}`;
  }

  function message(from: string, group: string | undefined, rest: Record<string, unknown>): Record<string, unknown> {
    return {
      msgid: `msg_${++seq}_${randomBytes(3).toString('hex')}`,
      aibotid: 'aibCallbackTest',
      ...(group ? { chatid: group, chattype: 'group' } : { chattype: 'single' }),
      from: { userid: from },
      create_time: Math.floor(Date.now() / 1000),
      ...rest,
    };
  }

  function signed(encrypted: string, forge = false) {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = String(100000 + Math.floor(Math.random() * 900000));
    const signature = forge ? getSignature('not-the-token', timestamp, nonce, encrypted) : getSignature(setup.token, timestamp, nonce, encrypted);
    return new URLSearchParams({ msg_signature: signature, timestamp, nonce });
  }

  return {
    url: base,
    taken,
    accepted: () => taken.filter((t) => t.errcode === 0),
    issue,
    text: (from, content, options = {}) =>
      message(from, options.group, { response_url: issue(options.group ?? from), msgtype: 'text', text: { content }, ...(options.msgid ? { msgid: options.msgid } : {}) }),
    event: (from, event, options = {}) =>
      message(from, options.group, { msgtype: 'event', event, ...(event.eventtype === 'template_card_event' ? { response_url: issue(options.group ?? from) } : {}) }),
    async send(to, msg, options = {}) {
      const encrypted = encrypt(setup.aesKey, JSON.stringify(msg), '');
      const query = signed(encrypted, options.forge);
      const res = await fetch(`${to}?${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ encrypt: encrypted }) });
      const text = await res.text();
      if (res.status !== 200 || text === '') return { status: res.status, text };
      // A passive reply: WeCom checks its signature (over the request's nonce) before it opens it.
      const envelope = JSON.parse(text) as { encrypt: string; msgsignature: string; timestamp: number; nonce: string };
      if (envelope.nonce !== query.get('nonce')) throw new Error('the passive reply is not sealed with the request nonce');
      if (getSignature(setup.token, envelope.timestamp, envelope.nonce, envelope.encrypt) !== envelope.msgsignature) throw new Error('the passive reply signature does not match');
      return { status: res.status, text, reply: JSON.parse(decrypt(setup.aesKey, envelope.encrypt).message) as Record<string, unknown> };
    },
    async verify(to) {
      const expected = String(Date.now()) + String(Math.floor(Math.random() * 1e6));
      const echostr = encrypt(setup.aesKey, expected, '');
      const query = signed(echostr);
      query.set('echostr', echostr);
      const res = await fetch(`${to}?${query}`);
      return { status: res.status, text: await res.text(), expected };
    },
    async until(probe, what, ms = 10_000) {
      const end = Date.now() + ms;
      while (!probe()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
