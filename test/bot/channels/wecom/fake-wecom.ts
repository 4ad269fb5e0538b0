// A local WebSocket server speaking the WeCom intelligent robot's long-connection frames, as
// @wecom/aibot-node-sdk 1.0.7 sends and expects them (dist/index.esm.js, WsConnectionManager): it answers
// aibot_subscribe and ping, pushes aibot_msg_callback / aibot_event_callback frames, and records (and acks) every
// aibot_respond_msg, aibot_respond_welcome_msg and aibot_send_msg — or refuses them with an errcode, as set up.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** A frame Hearth sent, as the fake took it. `chat`: the chatid of a push, or where the answered callback came from. */
export interface Taken {
  cmd: string;
  reqId: string;
  chat: string;
  body: Record<string, unknown>;
  /** The errcode the fake answered (0: accepted). */
  errcode: number;
}

/** How the fake behaves. */
export interface FakeWecomSetup {
  /** The bot id and secret it accepts; others are refused with errcode 40001 (invalid credential). */
  botId?: string;
  secret?: string;
  /** Chats whose pushes are always refused with this errcode (e.g. 40003, invalid userid). */
  refuse?: Record<string, { errcode: number; errmsg: string }>;
  /** Chats whose first N frames (answers or pushes) get errcode 45009 (over the frequency limit). */
  busyOnce?: Record<string, number>;
}

/** A running fake. */
export interface FakeWecom {
  url: string;
  /** Every aibot_subscribe body received. */
  subscribes: { bot_id: string; secret: string }[];
  /** How many pings were acked. */
  pings(): number;
  /** Every answer and push Hearth sent, in the order taken (refused ones too, with their errcode). */
  taken: Taken[];
  /** What people saw: the accepted answers and pushes. */
  accepted(): Taken[];
  /** Push a text message from `from` (in the group `group`, else their single chat); returns its req_id and msgid. */
  pushText(from: string, text: string, options?: { group?: string; msgid?: string; name?: string }): { reqId: string; msgid: string };
  /** Push an event (enter_chat, template_card_event) from `from`; returns its req_id. */
  pushEvent(from: string, event: Record<string, unknown>, options?: { group?: string }): { reqId: string; msgid: string };
  /** Drop the connection (as a network cut would); the SDK reconnects. */
  dropConnection(): void;
  /** Resolves once `probe` holds, or rejects after `ms`. */
  until(probe: () => boolean, what: string, ms?: number): Promise<void>;
  close(): Promise<void>;
}

/** Start the fake on a free port of 127.0.0.1. */
export async function startFakeWecom(setup: FakeWecomSetup = {}): Promise<FakeWecom> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const subscribes: { bot_id: string; secret: string }[] = [];
  const taken: Taken[] = [];
  const busy = new Map(Object.entries(setup.busyOnce ?? {}));
  // Where each pushed callback was said, so an answer to it is recorded against that chat.
  const callbackChat = new Map<string, string>();
  let pings = 0;
  let live: WebSocket | undefined;
  let seq = 0;

  const send = (ws: WebSocket, frame: unknown) => ws.send(JSON.stringify(frame));

  server.on('connection', (ws) => {
    live = ws;
    ws.on('message', (data) => {
      let frame: { cmd?: string; headers?: { req_id?: string }; body?: Record<string, unknown> };
      try {
        frame = JSON.parse(String(data)) as typeof frame;
      } catch {
        return;
      }
      const reqId = frame.headers?.req_id ?? '';
      const body = frame.body ?? {};
      if (frame.cmd === 'aibot_subscribe') {
        const creds = { bot_id: String(body.bot_id ?? ''), secret: String(body.secret ?? '') };
        subscribes.push(creds);
        const ok = (setup.botId === undefined || setup.botId === creds.bot_id) && (setup.secret === undefined || setup.secret === creds.secret);
        send(ws, { headers: { req_id: reqId }, errcode: ok ? 0 : 40001, errmsg: ok ? 'ok' : 'invalid credential' });
        return;
      }
      if (frame.cmd === 'ping') {
        pings++;
        send(ws, { headers: { req_id: reqId }, errcode: 0, errmsg: 'ok' });
        return;
      }
      if (frame.cmd === 'aibot_respond_msg' || frame.cmd === 'aibot_respond_welcome_msg' || frame.cmd === 'aibot_send_msg' || frame.cmd === 'aibot_respond_update_msg') {
        const chat = frame.cmd === 'aibot_send_msg' ? String(body.chatid ?? '') : (callbackChat.get(reqId) ?? '');
        let answer = { errcode: 0, errmsg: 'ok' };
        const left = busy.get(chat) ?? 0;
        if (left > 0) {
          busy.set(chat, left - 1);
          answer = { errcode: 45009, errmsg: 'api freq out of limit' };
        } else if (frame.cmd === 'aibot_send_msg' && setup.refuse?.[chat]) answer = setup.refuse[chat]!;
        taken.push({ cmd: frame.cmd, reqId, chat, body, errcode: answer.errcode });
        send(ws, { headers: { req_id: reqId }, ...answer });
      }
    });
  });

  function push(cmd: string, from: string, body: Record<string, unknown>, group?: string): { reqId: string; msgid: string } {
    if (!live) throw new Error('no connection to push to');
    const reqId = `req_${++seq}_${randomBytes(3).toString('hex')}`;
    const msgid = (body.msgid as string | undefined) ?? `msg_${seq}_${randomBytes(3).toString('hex')}`;
    callbackChat.set(reqId, group ?? from);
    send(live, {
      cmd,
      headers: { req_id: reqId },
      body: {
        aibotid: setup.botId ?? 'bot',
        ...(group ? { chatid: group, chattype: 'group' } : { chattype: 'single' }),
        from: { userid: from },
        create_time: Math.floor(Date.now() / 1000),
        ...body,
        msgid,
      },
    });
    return { reqId, msgid };
  }

  return {
    url: `ws://127.0.0.1:${port}`,
    subscribes,
    pings: () => pings,
    taken,
    accepted: () => taken.filter((t) => t.errcode === 0),
    pushText: (from, text, options = {}) =>
      push('aibot_msg_callback', from, { msgtype: 'text', text: { content: text }, ...(options.msgid ? { msgid: options.msgid } : {}) }, options.group),
    pushEvent: (from, event, options = {}) => push('aibot_event_callback', from, { msgtype: 'event', event }, options.group),
    dropConnection: () => live?.terminate(),
    async until(probe, what, ms = 20_000) {
      const end = Date.now() + ms;
      while (!probe()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      for (const c of server.clients) c.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The text a taken frame shows: a stream's content, a markdown push, a welcome text; a card's button labels apart. */
export function shown(t: Taken): { text?: string; card?: { title: string; buttons: string[] } } {
  const b = t.body as {
    msgtype?: string;
    stream?: { content?: string };
    markdown?: { content?: string };
    text?: { content?: string };
    template_card?: { main_title?: { title?: string }; button_list?: { text: string }[]; jump_list?: { title: string }[] };
  };
  const card = b.template_card ? { title: b.template_card.main_title?.title ?? '', buttons: [...(b.template_card.button_list ?? []).map((x) => x.text), ...(b.template_card.jump_list ?? []).map((x) => x.title)] } : undefined;
  const text = b.stream?.content ?? b.markdown?.content ?? b.text?.content;
  return { ...(text !== undefined ? { text } : {}), ...(card ? { card } : {}) };
}
