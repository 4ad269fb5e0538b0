// Manager and staff results never reach a members' group: every manager, moderator and staff command in the command
// list (and each of its Chinese words) is sent in the members' group g1 by a manager, by staff and by the group's admin,
// through the real engine, and whatever the bot then says to a members' group must be one of the few things meant for
// a group — "📩 sent to you privately", a badge earned, an approved post cheered (no balance), the bot turned on or
// off — never a balance, a list, a reason, a ticket or another member's data. Run with private chats open (results go
// to the person's private chat) and as on Telegram with none opened (results go to the staff room).
import { describe, expect, it } from 'vitest';
import { gt } from 'drizzle-orm';
import { program, tempDb, testHearth } from '../harness';
import { COMMANDS } from '../../skills/commands';
import type { Db } from '../../store/db';
import { auditLog, outbox, tickets, ugcSubmissions } from '../../store/schema';

const T0 = Date.parse('2026-03-02T02:00:00Z'); // 10:00 in Shanghai: outside quiet hours
type Row = typeof outbox.$inferSelect;

const names: Record<string, string> = { boss: 'Boss', sam: 'Sam', g1a: 'Gina', u1: 'Alice', u2: 'Bob', u3: 'Carol' };
/** The members' groups: g1 (listed), and gz (not listed, where a manager may turn the bot on). */
const GROUPS = ['g1', 'gz'];

/** What a members' group may hear after a manager's or staff member's command. */
const ALLOWED: RegExp[] = [
  /^📩 /, // the answer went privately, or to the staff room
  /^🔒 (管理操作的结果只私信告诉你|I send the results of manager commands privately)/, // a moderator the bot cannot write to yet
  /^🎉 恭喜 \S+ 获得勋章 .+！|^🎉 \S+ earned the .+ badge — .+!$/, // a badge earned
  /^(🎉|✅) (\S+，你的分享 #\d+ 已通过审核|\S+, your post #\d+ was approved)/, // a post approved (no balance: checked below)
  /^✅ (已开通！|I'm on!)|^(好的，我不再在这个群服务了|OK, I've stopped serving this group)/, // the bot turned on or off here
  /^(抱歉，)?只有社群管理员|^(Sorry, )?[Oo]nly community managers/, // a staff member refused a manager's command
  // A rejected post's author the bot cannot write to privately: told it was not approved, never why.
  /^\S+，你的分享 #\d+ 这次未通过审核。想了解原因，可以私聊管理员。$|^\S+, your post #\d+ wasn't approved this time\. If you'd like to know why, ask a manager privately\.$/,
];
/** Private data that no group line may carry, whatever its shape. */
const PRIVATE = /balance|余额|当前积分|Points:|积分：|Reason|原因|Waiting for review|待审核的分享|Nudge rules|提醒规则（|Preview|预览|Ticket #|工单 #|#\d+ (Alice|Bob|Carol)|member no\.|会员号|Handoff, last|人工服务（|console:|chargeback|spam links|广告/;

interface Probe {
  label: string;
  text: string | ((c: Community) => string);
  mentions?: string[];
  replyTo?: (c: Community) => string;
  action?: (c: Community) => string;
}

/** Ways to call each command: its arguments, aimed at Bob (u2), his and Alice's posts, Carol's ticket. */
type Variant = Omit<Probe, 'label' | 'text'> & { args: string | ((c: Community) => string) };
const VARIANTS: Record<string, Variant[]> = {
  badge: [{ args: '@Bob koc', mentions: ['u2'] }, { args: 'helper', replyTo: (c) => c.post.u2a.messageId }, { args: '' }, { args: '@Bob nosuchbadge', mentions: ['u2'] }],
  unbadge: [{ args: '@Bob helper', mentions: ['u2'] }, { args: '@Bob helper', mentions: ['u2'] }, { args: '' }],
  approve: [{ args: '', replyTo: (c) => c.post.u1a.messageId }, { args: (c) => String(c.post.u1a.id) }, { args: '999' }, { args: '' }],
  reject: [{ args: (c) => `${c.post.u2a.id} spam links` }, { args: 'spam links', replyTo: (c) => c.post.u2b.messageId }, { args: '' }],
  review: [{ args: '' }],
  grant: [
    { args: '@Bob 100 event prize', mentions: ['u2'] },
    { args: '-30 typo', replyTo: (c) => c.post.u2a.messageId },
    { args: '@Bob -5000 chargeback', mentions: ['u2'] },
    { args: (c) => `confirm ${c.lastAsked()}` },
    { args: '' },
    { args: '@Bob 0 nothing', mentions: ['u2'] },
  ],
  stats: [{ args: '' }, { args: '7d' }, { args: 'soon' }],
  nudges: [{ args: '' }, { args: 'pause dormant-30' }, { args: 'resume dormant-30' }, { args: 'preview dormant-30' }, { args: 'preview' }, { args: 'bogus' }],
  group: [{ args: 'on' }, { args: 'off' }, { args: 'maybe' }],
  member: [{ args: '@Bob', mentions: ['u2'] }, { args: '', replyTo: (c) => c.post.u2a.messageId }, { args: (c) => `#${c.memberNo('u2')}` }, { args: 'u2' }, { args: '' }, { args: 'nobody' }],
  queue: [{ args: '' }],
  take: [{ args: (c) => String(c.ticket()) }, { args: '' }, { args: '999' }],
  done: [{ args: '' }, { args: '999' }],
  transfer: [{ args: 'boss' }, { args: '' }],
  dm: [{ args: (c) => String(c.ticket()) }, { args: '' }],
};

/** Lookups through the members' commands: `/points @bob`, `/tier @bob`, by manager and staff. */
const LOOKUPS: Probe[] = [
  { label: '/points @Bob', text: '/points @Bob', mentions: ['u2'] },
  { label: '/tier @Bob', text: '/tier @Bob', mentions: ['u2'] },
  { label: '积分 @Bob', text: '积分 @Bob', mentions: ['u2'] },
  { label: '/points as a reply', text: '/points', replyTo: (c) => c.post.u2a.messageId },
];

/** Every non-member command in the list, each way to call it, with the slash and with each of its words. */
function probesFor(audiences: string[]): Probe[] {
  const probes: Probe[] = [];
  for (const spec of COMMANDS.filter((s) => audiences.includes(s.audience))) {
    // A command added to the list without variants here is still probed, bare.
    const variants: Variant[] = VARIANTS[spec.name] ?? [{ args: '' }];
    for (const [i, v] of variants.entries()) {
      const args = v.args;
      const withArgs = (head: string) => (c: Community) => `${head} ${typeof args === 'function' ? args(c) : args}`.trim();
      probes.push({ ...v, label: `/${spec.name} #${i + 1}`, text: withArgs(`/${spec.name}`) });
      if (i === 0) for (const word of spec.words.zh) probes.push({ ...v, label: `${word} #${i + 1}`, text: withArgs(word) });
    }
  }
  return probes;
}

interface Community {
  db: Db;
  say(from: string, text: string, opts?: { chat?: string; mentions?: string[]; replyTo?: string; action?: string }): Promise<Row[]>;
  post: Record<'u1a' | 'u1b' | 'u2a' | 'u2b', { id: number; messageId: string }>;
  /** Carol's latest ticket. */
  ticket(): number;
  /** The latest below-zero deduction waiting for confirmation. */
  lastAsked(): number;
  memberNo(platformId: string): number;
}

/** g1 with members who checked in and shared posts, a badge held, Carol's ticket waiting; `optIn`: no private chat opened. */
async function community(optIn: boolean): Promise<Community> {
  const { db } = tempDb();
  const h = testHearth(db, new Date(T0), {
    program: program((p) => {
      p.managers = ['boss'];
      p.staff = ['sam'];
      p.groups = ['console:g1'];
    }),
    isGroupAdmin: async (_channel, chat, id) => chat === 'g1' && id === 'g1a',
    everyGroupListed: false,
    privateChatOptIn: optIn ? ['console'] : [],
  });
  let n = 0;
  let seen = 0;
  const say: Community['say'] = async (from, text, opts = {}) => {
    n++;
    const chat = opts.chat ?? 'g1';
    await h.handleMessage({
      id: `m${n}`,
      channel: 'console',
      chat,
      chatType: chat === from ? 'private' : 'group',
      from: { id: from, name: names[from] ?? from },
      text,
      mentions: opts.mentions,
      replyTo: opts.replyTo,
      action: opts.action,
      at: new Date(T0 + n * 1000),
    });
    await h.engine.idle();
    const rows = db.select().from(outbox).where(gt(outbox.id, seen)).all();
    seen = rows.at(-1)?.id ?? seen;
    return rows;
  };
  const postOf = async (from: string, words: string) => {
    await say(from, `#share ${words}`);
    const row = db.select().from(ugcSubmissions).all().at(-1)!;
    return { id: row.id, messageId: `m${n}` };
  };
  for (const who of ['boss', 'sam', 'g1a']) await say(who, 'hello everyone');
  for (const u of ['u1', 'u2', 'u3']) await say(u, '签到');
  const post = {
    u1a: await postOf('u1', 'The travel kit fits every single bottle I own'),
    u1b: await postOf('u1', 'The sunscreen leaves no white cast at all on me'),
    u2a: await postOf('u2', 'This lip balm lasts the whole day, even through lunch'),
    u2b: await postOf('u2', 'The hand cream smells lovely and is not greasy'),
  };
  await say('u3', '/human', { chat: 'u3' });
  expect(db.select().from(tickets).all().map((t) => t.state)).toEqual(['waiting']);
  return {
    db,
    say,
    post,
    ticket: () => db.select().from(tickets).all().at(-1)!.id,
    lastAsked: () => db.select().from(auditLog).all().filter((a) => a.action === 'grant.asked').at(-1)?.id ?? 0,
    memberNo: (id) => db.$client.prepare("SELECT member_id FROM identities WHERE channel = 'console' AND platform_id = ?").pluck().get(id) as number,
  };
}

/** Send each probe in g1 from `from`; every line to a members' group must be allowed. Returns what each probe caused. */
async function sweep(c: Community, from: string, probes: Probe[]): Promise<{ label: string; out: Row[] }[]> {
  const results: { label: string; out: Row[] }[] = [];
  for (const p of probes) {
    // An understood command first, so no "misunderstood" run carries over into a probe (in the group: a private
    // message would open the private chat, and the staff-room case would never be met).
    await c.say(from, '/help');
    const text = typeof p.text === 'function' ? p.text(c) : p.text;
    const out = await c.say(from, text, { mentions: p.mentions, replyTo: p.replyTo?.(c), action: p.action?.(c) });
    const where = `${from}: ${text}`;
    expect.soft(out.length, `${where} was not answered at all`).toBeGreaterThan(0);
    for (const o of out.filter((r) => GROUPS.includes(r.chat))) {
      expect.soft(ALLOWED.some((a) => a.test(o.text)), `${where} said to the group ${o.chat}: ${o.text}`).toBe(true);
      expect.soft(o.text, `${where} said to the group ${o.chat}`).not.toMatch(PRIVATE);
    }
    results.push({ label: p.label, out });
  }
  return results;
}

describe.each([
  ['private chats open', false],
  ['no private chat opened (as on Telegram): the staff room', true],
])('manager and staff commands in a members\' group, %s', (_name, optIn) => {
  it('a manager: every manager, moderator and staff command, and the lookups', async () => {
    const c = await community(optIn);
    const results = await sweep(c, 'boss', [...probesFor(['moderator', 'manager', 'staff']), ...LOOKUPS]);
    // The results went to the manager: their private chat, or the staff room mentioning them.
    const elsewhere = results.flatMap((r) => r.out).filter((o) => !GROUPS.includes(o.chat));
    expect(elsewhere.some((o) => o.chat === (optIn ? 'staff' : 'boss'))).toBe(true);
    if (optIn) expect(elsewhere.filter((o) => o.chat === 'staff').some((o) => (o.mentions ?? []).includes('boss'))).toBe(true);
    // Things did happen (the sweep is not a sweep of refusals).
    const said = elsewhere.map((o) => o.text).join('\n');
    expect(said).toMatch(/Added 100 points for Bob \(event prize\)\. Their balance is now \d+\.|已为 Bob 增加 100 积分（event prize），当前余额 \d+。/);
    expect(said).toMatch(/would leave -\d+|后余额将变为 -\d+/);
    expect(said).toMatch(/Deducted 5,000 points from Bob \(chargeback\)\. Their balance is now -\d|已扣除 Bob 5,000 积分（chargeback），当前余额 -\d/);
    expect(said).toMatch(/👤 Bob \(member no\. \d+\)|👤 Bob（会员号 \d+）/);
    expect(said).toMatch(/Waiting for review|待审核的分享/);
  });

  it('staff: every staff command, and the lookups', async () => {
    const c = await community(optIn);
    await sweep(c, 'sam', [...probesFor(['staff']), ...LOOKUPS]);
  });

  it("the group's admin: every moderator command", async () => {
    const c = await community(optIn);
    await sweep(c, 'g1a', probesFor(['moderator']));
  });
});
