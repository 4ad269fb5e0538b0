// The engine's promises: an event is recorded before it is acknowledged and finished after a crash, redelivery is
// dropped (also after a restart), own messages are ignored, one chat is handled in order while another chat is not
// blocked, and a throwing skill does not stop the next message.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../store/db';
import type { Hearth } from '../../bot/hearth';
import type { Skill } from '../../bot/core/skill';
import type { InboundMessage } from '../../bot/core/types';
import { dueMessages } from '../../store/outbox';
import { recordInbound } from '../../store/inbox';
import { inTransaction } from '../../store/db';
import { tempDb, testHearth } from '../harness';

const at = new Date('2026-03-01T01:00:00Z');

function build(path: string, skills: Skill[]): Hearth {
  return testHearth(openDatabase(path), at, { modules: [{ skills }] });
}

function message(id: string, chat: string, text: string, from = 'u1'): InboundMessage {
  return { id, channel: 'console', chat, chatType: chat === from ? 'private' : 'group', from: { id: from, name: from }, text, at };
}

const echo: Skill = { name: 'echo', middleware: (ctx) => ctx.reply(`echo ${ctx.msg.text}`) };

function pendingTexts(h: Hearth): string[] {
  return dueMessages(h.deps.db, new Date(at.getTime() + 1000)).map((r) => r.text);
}

describe('engine', () => {
  it('drops a redelivered message, also after a restart on the same database file', async () => {
    const { path } = tempDb();
    const first = build(path, [echo]);
    await first.handleMessage(message('m1', 'g1', 'hello'));
    await first.handleMessage(message('m1', 'g1', 'hello'));
    expect(pendingTexts(first)).toEqual(['echo hello']);
    first.deps.db.$client.close();

    const second = build(path, [echo]);
    await second.handleMessage(message('m1', 'g1', 'hello'));
    await second.handleMessage(message('m2', 'g1', 'again'));
    expect(pendingTexts(second)).toEqual(['echo hello', 'echo again']);
    second.deps.db.$client.close();
  });

  it('lets only one of two workers handle the same message delivered to both at once', async () => {
    const { path } = tempDb();
    let runs = 0;
    const slowEcho: Skill = {
      name: 'slow-echo',
      async middleware(ctx) {
        runs++;
        await new Promise((r) => setTimeout(r, 20));
        ctx.reply(`echo ${ctx.msg.text}`);
      },
    };
    const a = build(path, [slowEcho]);
    const b = build(path, [slowEcho]);
    await Promise.all([a.handleMessage(message('m1', 'g1', 'hello')), b.handleMessage(message('m1', 'g1', 'hello'))]);
    expect(runs).toBe(1);
    expect(pendingTexts(a)).toEqual(['echo hello']);
    a.deps.db.$client.close();
    b.deps.db.$client.close();
  });

  it('finishes after a restart what was recorded (acknowledged) but not handled before a crash, in order per chat', async () => {
    const { path } = tempDb();
    const crashed = build(path, [echo]);
    const db = crashed.deps.db;
    // The process recorded three messages (the platform got its 200s) and died before handling them.
    inTransaction(db, () =>
      recordInbound(
        db,
        [message('m1', 'g1', 'first'), message('m2', 'g2', 'other chat'), message('m3', 'g1', 'second')].map((m) => ({
          channel: m.channel,
          messageId: m.id,
          chat: m.chat,
          kind: 'message' as const,
          payload: JSON.stringify(m),
          receivedAt: at.getTime(),
        })),
      ),
    );
    db.$client.close();

    const restarted = build(path, [echo]);
    expect(restarted.engine.resume()).toBe(3);
    await restarted.engine.idle();
    expect(pendingTexts(restarted)).toEqual(['echo first', 'echo other chat', 'echo second']);
    // A redelivery of one of them is recognised: nothing twice.
    await restarted.handleMessage(message('m3', 'g1', 'second'));
    expect(restarted.engine.resume()).toBe(0);
    expect(pendingTexts(restarted)).toEqual(['echo first', 'echo other chat', 'echo second']);
    restarted.deps.db.$client.close();
  });

  it('records a message that arrives long after it was sent and leaves it alone: no check-in for a day gone by, no answer', async () => {
    const { db } = tempDb();
    const h = testHearth(db, at);
    const sent = (minutesAgo: number, id: string, from: string) => ({ ...message(id, 'g1', '签到', from), at: new Date(at.getTime() - minutesAgo * 60_000) });
    await h.handleMessage(sent(11, 'm1', 'u1')); // the bot was offline; the platform caught up
    await h.handleMessage(sent(9, 'm2', 'u2'));
    const checkedIn = db.$client.prepare("SELECT i.platform_id FROM ledger_entries l JOIN identities i USING (member_id) WHERE l.reason = 'checkin'").pluck().all();
    expect(checkedIn).toEqual(['u2']);
    expect(dueMessages(db, new Date(at.getTime() + 1000)).map((r) => r.text).join('\n')).not.toMatch(/u1/);
    expect(db.$client.prepare("SELECT message_id, done_at IS NOT NULL AS done FROM inbox ORDER BY id").all()).toEqual([
      { message_id: 'm1', done: 1 },
      { message_id: 'm2', done: 1 },
    ]);
  });

  it('finishes after a restart a message received on time, however long the restart took', async () => {
    const { path } = tempDb();
    const crashed = build(path, [echo]);
    const db = crashed.deps.db;
    inTransaction(db, () =>
      recordInbound(db, [{ channel: 'console', messageId: 'm1', chat: 'g1', kind: 'message', payload: JSON.stringify(message('m1', 'g1', 'on time')), receivedAt: at.getTime() }]),
    );
    db.$client.close();
    const later = new Date(at.getTime() + 2 * 3600_000);
    const restarted = testHearth(openDatabase(path), later, { modules: [{ skills: [echo] }] });
    expect(restarted.engine.resume()).toBe(1);
    await restarted.engine.idle();
    expect(dueMessages(restarted.deps.db, new Date(later.getTime() + 1000)).map((r) => r.text)).toEqual(['echo on time']);
    restarted.deps.db.$client.close();
  });

  it('refuses to acknowledge what it could not record: receive rejects, and nothing is half-written', async () => {
    const { path } = tempDb();
    const h = build(path, [echo]);
    const sqlite = h.deps.db.$client;
    sqlite.exec('VACUUM'); // no free pages left to fill
    sqlite.pragma(`max_page_count = ${sqlite.pragma('page_count', { simple: true }) as number}`); // the disk is full
    const big = 'x'.repeat(11_000); // more than the free room of any page
    await expect(h.receive({ kind: 'message', msg: message('m1', 'g1', big) })).rejects.toMatchObject({ code: 'storage_failed' });
    expect(h.health.list().map((p) => p.part)).toContain('database');
    sqlite.pragma('max_page_count = 1073741823'); // space again: the platform's redelivery goes in
    await h.handleMessage(message('m1', 'g1', big));
    expect(pendingTexts(h)).toEqual([`echo ${big}`]);
    expect(h.health.healthy).toBe(true);
    sqlite.close();
  });

  it("ignores the bot's own messages and other bots", async () => {
    const { path } = tempDb();
    const h = build(path, [echo]);
    await h.handleMessage(message('m1', 'g1', 'I am the bot', 'hearth'));
    await h.handleMessage({ ...message('m2', 'g1', 'beep'), from: { id: 'other-bot', isBot: true } });
    expect(pendingTexts(h)).toEqual([]);
    h.deps.db.$client.close();
  });

  it("handles one chat's messages in order while another chat is not blocked", async () => {
    const { path } = tempDb();
    const order: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const slow: Skill = {
      name: 'slow',
      async middleware(ctx) {
        if (ctx.msg.text === 'slow') await gate;
        order.push(`${ctx.msg.chat}:${ctx.msg.text}`);
      },
    };
    const h = build(path, [slow]);
    const a1 = h.handleMessage(message('a1', 'g1', 'slow'));
    const a2 = h.handleMessage(message('a2', 'g1', 'after-slow'));
    const b1 = h.handleMessage(message('b1', 'g2', 'other-chat'));
    await b1;
    expect(order).toEqual(['g2:other-chat']); // g2 went ahead while g1 waited
    release();
    await Promise.all([a1, a2]);
    expect(order).toEqual(['g2:other-chat', 'g1:slow', 'g1:after-slow']);
    h.deps.db.$client.close();
  });

  it('contains a throwing skill: the member gets an apology and the next message is handled', async () => {
    const { path } = tempDb();
    const boom: Skill = {
      name: 'boom',
      middleware(ctx, next) {
        if (ctx.msg.text === 'explode') throw new Error('kaboom');
        return next();
      },
    };
    const h = build(path, [boom, echo]);
    await h.handleMessage(message('m1', 'u1', 'explode'));
    await h.handleMessage(message('m2', 'u1', 'fine'));
    const texts = pendingTexts(h);
    expect(texts[0]).toMatch(/something went wrong/);
    expect(texts[1]).toBe('echo fine');
    expect(h.engine.order).toEqual(['boom', 'echo']);
    h.deps.db.$client.close();
  });

  it('commits bookkeeping with the replies; a failing bookkeeping write is undone alone and the member still gets the answer', async () => {
    const { path } = tempDb();
    const bookkeeping: Skill = {
      name: 'bookkeeping',
      middleware(ctx) {
        const db = ctx.deps.db.$client;
        ctx.afterHandled(() => void db.prepare("INSERT INTO audit_log (action, details, at) VALUES ('kept', ?, 0)").run(JSON.stringify({ message: ctx.msg.id })));
        ctx.afterHandled(() => {
          db.prepare("INSERT INTO audit_log (action, details, at) VALUES ('undone', ?, 0)").run(JSON.stringify({ message: ctx.msg.id }));
          throw new Error('disk full');
        });
        ctx.reply(`noted ${ctx.msg.text}`);
      },
    };
    const h = build(path, [bookkeeping]);
    await h.handleMessage(message('m1', 'u1', 'hello'));
    expect(pendingTexts(h)).toEqual(['noted hello']);
    const actions = h.deps.db.$client.prepare('SELECT action FROM audit_log ORDER BY id').pluck().all();
    expect(actions).toEqual(['kept']);
    // Handled: a redelivery changes nothing.
    await h.handleMessage(message('m1', 'u1', 'hello'));
    expect(pendingTexts(h)).toEqual(['noted hello']);
    h.deps.db.$client.close();
  });

  it('installs the default skills in one visible order with the fallback last', () => {
    const { path } = tempDb();
    const db = openDatabase(path);
    const h = testHearth(db, at);
    expect(h.engine.order.at(-1)).toBe('fallback');
    expect(h.engine.order).toContain('help');
    db.$client.close();
  });
});
