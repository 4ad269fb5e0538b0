// Fuzzing the engine with what members and impostors can send (hostile, huge and random text, every command with bad
// arguments, stray buttons, forged roles): no crash, no leak, nothing over a channel's limit, no points moved by it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import pino from 'pino';
import { program, tempDb } from '../harness';
import { createHearth, skillModules, type Hearth } from '../../bot/hearth';
import type { SkillModule } from '../../bot/core/skill';
import { localDeployment } from '../../bot/deployment';
import { TELEGRAM_CAPABILITIES } from '../../bot/channels/telegram';
import { VirtualClock } from '../../bot/core/clock';
import { MAX_OUTBOUND_TEXT } from '../../bot/outbox';
import { MAX_TEXT, renderMessage } from '../../bot/channels/telegram/render';
import type { InboundMessage } from '../../bot/core/types';
import type { Db } from '../../store/db';
import { communityGroups, inbox, ledgerEntries, memberBadges, memberPoints, nudgeRules, outbox, redemptions, tickets, ugcSubmissions } from '../../store/schema';
import { findMemberByPlatformId, isGroupChat } from '../../store/members';

const T0 = Date.parse('2026-03-02T02:00:00Z'); // 10:00 in Shanghai
/** Sized for CI (well under a minute); set HEARTH_FUZZ_RUNS for a longer hunt. */
const RUNS = Number(process.env.HEARTH_FUZZ_RUNS ?? 60);
const TIMEOUT = Math.max(60_000, RUNS * 1_000);
const PROGRAM = program((p) => {
  p.managers = ['console:boss'];
  p.staff = ['sam'];
  p.groups = ['console:g1'];
});

// ——— unhandled rejections: any at all fails the file ———
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);
beforeEach(() => {
  rejections.length = 0;
  process.on('unhandledRejection', onRejection);
});
afterEach(() => {
  process.off('unhandledRejection', onRejection);
  expect(rejections).toEqual([]);
});

// ——— a Hearth whose error log we can read (a skill that throws is contained, and logged: that is a bug too) ———
interface Rig {
  h: Hearth;
  db: Db;
  errors: string[];
}

/**
 * `live`: deployed as on a live platform (only g1 listed; gx and the Telegram group are not), with `u4` an admin of gx
 * and everyone an admin of the Telegram group — admins of groups nobody listed. Otherwise as the console runs.
 */
async function rig(live: boolean, modules?: SkillModule[]): Promise<Rig> {
  const { db } = tempDb();
  const errors: string[] = [];
  const h = createHearth({
    db,
    program: PROGRAM,
    clock: new VirtualClock(new Date(T0)),
    log: pino({ level: 'error' }, { write: (line: string) => void errors.push(line) }),
    deployment: {
      ...localDeployment(['console']),
      channels: { ...localDeployment(['console']).channels, telegram: { botId: '999', capabilities: TELEGRAM_CAPABILITIES } },
      everyGroupListed: !live,
    },
    modules,
    isGroupAdmin: live ? async (channel, chat, id) => (chat === 'gx' && id === 'u4') || (channel === 'telegram' && chat === '-100123') : undefined,
  });
  // Members with points to spend (a shop's purchases), Carol handed to staff (her words are bridged to Sam).
  await h.handleOrder({ kind: 'purchase', member: 'u1', orderId: 'o1', amount: 1200, at: new Date(T0) });
  await h.handleOrder({ kind: 'purchase', member: 'u2', orderId: 'o2', amount: 300, at: new Date(T0) });
  const seed = (id: string, from: string, text: string) =>
    h.handleMessage({ id, channel: 'console', chat: from, chatType: 'private', from: { id: from, name: from }, text, at: new Date(T0) });
  await seed('s1', 'sam', '/start');
  await seed('s2', 'u3', '/human');
  await seed('s3', 'sam', '/take');
  await h.engine.idle();
  return { h, db, errors };
}

// ——— what people send ———
const controls = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i));
const oddities = ['\u200e', '\u200f', '\u202e', '\u2066', '\u200b', '\u200d', '\ufeff', '\u00ad', '\ud800', '\udfff', '😀', '👨‍👩‍👧', '🇨🇳', 'é', '签', '＃', '／'];
const unit = fc.constantFrom(...controls, ...oddities, 'a', 'Z', '1', ' ', '\n', '#', '@', '/', '&', '<', '>', '"', "'", '%', '\\');

const memberCommands = [
  '/checkin', '/points', '/tier', '/badges', '/top', '/rewards', '/redeem', '/mycodes', '/share', '/invite', '/human', '/help', '/mute', '/unmute', '/makeup', '/cancel', '/start',
  '签到', '打卡', '积分', '等级', '我的勋章', '排行榜', '积分商城', '兑换', '我的券', '#分享', '#share', '邀请', '转人工', '帮助', '免打扰', '取消免打扰', '补签', '取消', 'check in',
];
const managerCommands = [
  '/grant', '调整积分', '发积分', '/badge', '颁发勋章', '/unbadge', '收回勋章', '/approve', '/reject', '/review', '通过', '驳回', '待审核',
  '/stats', '/nudges', '提醒规则', '/group', '开通本群', '关闭本群', '/grant@hearth', '/badge@otherbot',
];
const staffCommands = ['/take', '/done', '/transfer', '/queue'];
const hostile = [
  '-100', '-1', '0', '1e309', '-1e309', 'NaN', 'Infinity', '9007199254740993', '99999999999999999999999', '1,000,000', '0x10', '1.5',
  '@', '@@@', '@ @', "'; DROP TABLE ledger_entries; --", '" OR 1=1 --', '%s%s%n%d', '${7*7}', '{"points":1e9}', '[]', 'null', '__proto__', 'constructor',
  '@u2 100 prize', '@u2 -100 penalty', '@boss 100000 me', '@u1 +5 x', '@u2 1e3 x', 'u2 100 x', '@hearth 100 x', 'helper', 'koc', '@u2 koc', '@u2 helper',
  'free-shipping', 'voucher-10', 'voucher-50', 'makeup-card', '包邮券', '补签卡', '#1', '1', '#999999999', '1 spam', 'on', 'off', 'ON', 'on please',
  'pause dormant-30', 'resume dormant-60', 'preview expiring', 'preview ../../etc/passwd', 'pause', 'sam', 'telegram:sam', 'sam 1', '@sam 99999', '7d', '999d', '-3d',
];
const command = fc.tuple(fc.constantFrom(...memberCommands, ...managerCommands, ...staffCommands), fc.oneof(fc.constantFrom(...hostile), fc.string({ unit, maxLength: 20 }), fc.constant(''))).map(([c, a]) => (a === '' ? c : `${c} ${a}`));
const huge = fc
  .tuple(fc.constantFrom('', '/share ', '#分享 ', '/grant @u2 100 ', '/redeem ', '签到 ', '/human '), fc.constantFrom('a', '签', '😀', '\u0000', '&<>"', ' ', '\n', 'ab cd\n', '\u202e'), fc.integer({ min: 50_000, max: 200_000 }))
  .map(([prefix, piece, n]) => prefix + piece.repeat(Math.ceil(n / piece.length)).slice(0, n));
/** What a plain member may really do that moves points: check in, redeem (Alice and Bob have points from purchases). */
const valid = fc.constantFrom('签到', '/checkin', '打卡', 'check in', '/redeem free-shipping', '兑换 包邮券', '/redeem makeup-card', '/makeup', '补签', '/points', '/rewards', '/mycodes');
const text = fc.oneof(
  { weight: 4, arbitrary: valid },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 80 }) },
  { weight: 2, arbitrary: fc.string({ unit, maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 6, arbitrary: command },
  { weight: 1, arbitrary: huge },
  { weight: 1, arbitrary: fc.constant('') },
);

type Sender = { channel: string; id: string; name?: string; isBot?: boolean; username?: string };
const plain: Sender[] = ['u1', 'u2', 'u3', 'u4', 'u5'].map((id) => ({ channel: 'console', id, name: id }));
const forged: Sender[] = [
  { channel: 'console', id: 'impostor', name: 'boss' }, // the manager's name
  { channel: 'console', id: 'impostor2', name: 'Boss', username: 'boss' },
  { channel: 'telegram', id: 'boss', name: 'boss', username: 'boss' }, // the manager's id, on another channel
  { channel: 'console', id: 'boss', name: 'boss', isBot: true }, // a bot claiming the manager's id: ignored
  { channel: 'console', id: 'hearth', name: 'hearth' }, // the bot's own id: ignored
];

interface Step {
  sender: Sender;
  where: 'private' | 'g1' | 'gx' | 'tg-group';
  text: string;
  mentions?: string[];
  replyTo?: string;
  action?: string;
  /** Minutes after the previous message. */
  gap: number;
  /** Send again an earlier message id (a platform redelivering it). */
  redeliver: boolean;
}

const step: fc.Arbitrary<Step> = fc.record(
  {
    sender: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...plain) }, { weight: 1, arbitrary: fc.constantFrom(...forged) }),
    where: fc.constantFrom('private', 'g1', 'g1', 'gx', 'tg-group'),
    text,
    mentions: fc.option(fc.subarray(['u1', 'u2', 'u3', 'boss', 'sam', 'hearth', '999', 'ghost', ''], { maxLength: 3 }), { nil: undefined }),
    replyTo: fc.option(fc.oneof(fc.integer({ min: 0, max: 30 }).map((i) => `m${i}`), fc.constantFrom('s2', 'nope', '')), { nil: undefined }),
    action: fc.option(fc.oneof(fc.constantFrom('take:1', 'take:99999', 'take:-1', 'rate:1:5', 'rate:1:9', 'rate:99:1', 'rate:1:5:extra', ''), fc.string({ unit, maxLength: 30 })), { nil: undefined }),
    gap: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constant(24 * 60), fc.integer({ min: 0, max: 3 * 24 * 60 })),
    redeliver: fc.boolean(),
  },
  { requiredKeys: ['sender', 'where', 'text', 'gap', 'redeliver'] },
);

function toMessage(s: Step, i: number, at: Date): InboundMessage {
  const chat = s.where === 'private' ? s.sender.id : s.where === 'tg-group' ? '-100123' : s.where;
  const channel = s.where === 'tg-group' ? 'telegram' : s.sender.channel;
  return {
    id: s.redeliver && i > 0 ? `m${i - 1}` : `m${i}`,
    channel,
    chat,
    chatType: s.where === 'private' ? 'private' : 'group',
    from: { id: s.sender.id, name: s.sender.name, isBot: s.sender.isBot, username: s.sender.username },
    text: s.text,
    mentions: s.mentions,
    replyTo: s.replyTo,
    action: s.action,
    at,
  };
}

async function run(r: Rig, steps: Step[]): Promise<void> {
  let at = T0 + 60_000;
  for (const [i, s] of steps.entries()) {
    at += s.gap * 60_000;
    await r.h.handleMessage(toMessage(s, i, new Date(at)));
  }
  await r.h.engine.idle();
}

// ——— what must hold after any sequence ———
const ALLOWED = new Set(['checkin', 'checkin-bonus', 'redeem', 'referral', 'tier-gift']);

function checkInvariants(r: Rig, seededEntries: number): void {
  const { db } = r;
  expect(r.errors, 'error-level log lines (a contained crash)').toEqual([]);
  const unfinished = db.select().from(inbox).all().filter((row) => row.doneAt === null || row.lastError !== null);
  expect(unfinished.map((row) => [row.messageId, row.lastError]), 'messages not handled cleanly').toEqual([]);
  const sent = db.select().from(outbox).all();
  for (const o of sent) {
    expect(o.text.length, `outbox row ${o.id} to ${o.chat}`).toBeLessThanOrEqual(MAX_OUTBOUND_TEXT);
    expect(o.text).not.toMatch(/something went wrong|出了点问题/);
  }
  // Codes actually issued never appear in a group (a member's own echo of random text could look like one; these cannot).
  const codes = db.select({ code: redemptions.code }).from(redemptions).all().map((x) => x.code);
  for (const o of sent.filter((row) => isGroupChat(db, row.channel, row.chat) || row.chat === 'staff')) {
    expect(o.text, `a code to the group ${o.chat}`).not.toMatch(/HX-[A-Z0-9]{4}-[A-Z0-9]{4}/);
    for (const code of codes) expect(o.text, `code to the group ${o.chat}`).not.toContain(code);
  }
  // At most the program's redemptions a member a day (Shanghai days), each spending a catalog price.
  const perDay = new Map<string, number>();
  for (const x of db.select().from(redemptions).all()) {
    const key = `${x.memberId}:${new Date(x.at + 8 * 3_600_000).toISOString().slice(0, 10)}`;
    perDay.set(key, (perDay.get(key) ?? 0) + 1);
  }
  for (const [key, count] of perDay) expect(count, `redemptions of ${key}`).toBeLessThanOrEqual(PROGRAM.redemption.maxPerDay);
  // Points: only a plain member's own check-ins and redemptions (and what they trigger) moved them.
  const entries = db.select().from(ledgerEntries).all();
  const costs = new Set(PROGRAM.rewards.map((x) => -x.cost));
  for (const e of entries.slice(seededEntries)) {
    expect(e.kind, `entry ${e.key}`).not.toBe('adjust');
    expect(ALLOWED.has(e.reason), `entry ${e.key} (${e.reason})`).toBe(true);
    if (e.reason === 'checkin') expect(e.points).toBe(PROGRAM.checkin.points);
    if (e.reason === 'checkin-bonus') expect(e.points).toBe(PROGRAM.checkin.bonusPoints);
    if (e.reason === 'redeem') expect(costs.has(e.points), `redeem of ${e.points}`).toBe(true);
  }
  const sums = new Map<number, number>();
  for (const e of entries) sums.set(e.memberId, (sums.get(e.memberId) ?? 0) + e.points);
  const balances = db.select().from(memberPoints).all();
  for (const b of balances) {
    expect(b.balance, `member ${b.memberId}'s balance`).toBe(sums.get(b.memberId) ?? 0);
    expect(b.balance).toBeGreaterThanOrEqual(0);
  }
  for (const id of sums.keys()) expect(balances.some((b) => b.memberId === id), `member ${id} has entries but no balance row`).toBe(true);
  // Nor was any other authority exercised: no badge given, no post reviewed, no rule or group switched, no ticket moved.
  expect(db.select().from(memberBadges).all()).toEqual([]);
  expect(db.select().from(ugcSubmissions).all().filter((x) => x.status !== 'pending')).toEqual([]);
  expect(db.select().from(nudgeRules).all().filter((x) => !x.enabled)).toEqual([]);
  expect(db.select().from(communityGroups).all()).toEqual([]);
  const sam = findMemberByPlatformId(db, 'console', 'sam')!.id;
  const all = db.select().from(tickets).all();
  expect(all[0]).toMatchObject({ state: 'staff', staffMemberId: sam }); // Carol's, with Sam
  for (const t of all.slice(1)) expect([t.state, t.staffMemberId], `ticket ${t.id}`).toEqual([t.state === 'closed' ? 'closed' : 'waiting', null]);
}

/** Telegram counts a message's length after entity parsing: tags gone, entities one character. */
function telegramLength(html: string): number {
  return html.replace(/<[^>]*>/g, '').replace(/&(amp|lt|gt|quot);/g, '_').length;
}

function checkTelegramPieces(db: Db): void {
  for (const o of db.select().from(outbox).all()) {
    const pieces = renderMessage({ chatId: o.chat, text: o.text, buttons: o.buttons, ...(o.mention ? { mention: { userId: o.mention, name: 'A member with a long display name 😀' } } : {}) });
    expect(pieces.length).toBeGreaterThan(0);
    for (const p of pieces) {
      expect(telegramLength(p.text), `a piece of outbox row ${o.id}`).toBeLessThanOrEqual(MAX_TEXT);
      expect(p.text.trim(), `an empty piece of outbox row ${o.id} (Telegram refuses empty text)`).not.toBe('');
    }
  }
}

describe('fuzzing the engine', () => {
  it('random, hostile and huge messages from plain members and impostors: no crash, no leak, no points moved', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(step, { minLength: 1, maxLength: 12 }), async (live, steps) => {
        const r = await rig(live);
        const seeded = r.db.select().from(ledgerEntries).all().length;
        await run(r, steps);
        checkInvariants(r, seeded);
        checkTelegramPieces(r.db);
        expect(rejections).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it('the Telegram sender path: long and markup-heavy replies render in pieces Telegram accepts', async () => {
    // Words that come back at length: a bridged member (Carol, whose ticket Sam holds), rejected posts, unknown items.
    const longWords = fc
      .tuple(fc.constantFrom('&', '<b>', '"', 'a', '签', '😀', 'word ', 'line\n', '&amp;'), fc.integer({ min: 1_000, max: 30_000 }))
      .map(([piece, n]) => piece.repeat(Math.ceil(n / piece.length)));
    const said = fc.tuple(fc.constantFrom('', '/redeem ', '#share ', '/points ', '/share '), longWords).map(([a, b]) => a + b);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom('u1', 'u2', 'u3'), fc.constantFrom('private', 'g1'), said), { minLength: 1, maxLength: 4 }), async (msgs) => {
        const r = await rig(false);
        const seeded = r.db.select().from(ledgerEntries).all().length;
        const steps: Step[] = msgs.map(([id, where, words]) => ({ sender: { channel: 'console', id, name: id }, where: where as Step['where'], text: words, gap: 1, redeliver: false }));
        await run(r, steps);
        checkInvariants(r, seeded);
        checkTelegramPieces(r.db);
      }),
      { numRuns: Math.max(5, Math.round(RUNS / 4)) },
    );
  }, TIMEOUT);
});

describe('the fuzz checks themselves', () => {
  it('catch points moved by a manager and a skill that crashed (so a green fuzz means something)', async () => {
    const r = await rig(false);
    const seeded = r.db.select().from(ledgerEntries).all().length;
    await r.h.handleMessage({ id: 'x1', channel: 'console', chat: 'g1', chatType: 'group', from: { id: 'boss', name: 'boss' }, text: '/grant @u2 100 prize', mentions: ['u2'], at: new Date(T0 + 60_000) });
    await r.h.engine.idle();
    expect(() => checkInvariants(r, seeded)).toThrow(/grant/);
    const boom: SkillModule = { skills: [{ name: 'boom', middleware: (ctx, next) => (ctx.msg.text === 'boom' ? Promise.reject(new Error('boom')) : next()) }] };
    const r2 = await rig(false, [boom, ...skillModules()]);
    const seeded2 = r2.db.select().from(ledgerEntries).all().length;
    await r2.h.handleMessage({ id: 'x2', channel: 'console', chat: 'u1', chatType: 'private', from: { id: 'u1', name: 'u1' }, text: 'boom', at: new Date(T0 + 60_000) });
    await r2.h.engine.idle();
    expect(() => checkInvariants(r2, seeded2)).toThrow(/error-level log/);
  });
});

describe('the outbox cap, found by the fuzz', () => {
  // A member Sam is bridged to sends "!" and 20,000 emoji: the bridge row is cut to the cap, and the cut must not split an
  // emoji's surrogate pair (the lone half is stored as three U+FFFD, so the row ends up 12,002 characters long).
  it('cuts a long bridged message to at most MAX_OUTBOUND_TEXT characters without breaking a character', async () => {
    const r = await rig(false);
    await r.h.handleMessage({ id: 'e1', channel: 'console', chat: 'u3', chatType: 'private', from: { id: 'u3', name: 'u3' }, text: `!${'😀'.repeat(20_000)}`, at: new Date(T0 + 60_000) });
    await r.h.engine.idle();
    const bridged = r.db.select().from(outbox).all().find((o) => o.kind === 'bridge')!;
    expect(bridged.chat).toBe('sam');
    expect(bridged.text.length).toBeLessThanOrEqual(MAX_OUTBOUND_TEXT);
    expect(bridged.text).not.toContain('\uFFFD');
    expect(bridged.text).toMatch(/😀…$/);
  });
});
