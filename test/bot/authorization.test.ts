// Who may do what, end to end: every manager and staff command (and alias) sent by a plain member, privately, by the
// admin of an unlisted group, and by a listed group's admin outside their scope is refused and changes nothing.
import { describe, expect, it } from 'vitest';
import { gt } from 'drizzle-orm';
import { program, tempDb, testHearth } from '../harness';
import type { Hearth } from '../../bot/hearth';
import type { Db } from '../../store/db';
import { communityGroups, ledgerEntries, memberBadges, memberPoints, nudgeRules, outbox, tickets, ugcSubmissions } from '../../store/schema';

const T0 = Date.parse('2026-03-02T02:00:00Z'); // 10:00 in Shanghai: outside quiet hours
type Row = typeof outbox.$inferSelect;

/** Admins by the platform (Telegram's getChatAdministrators): `g1a` of the listed g1, `gxa` of the unlisted gx. */
const isGroupAdmin = async (_channel: string, chat: string, id: string) => (chat === 'g1' && id === 'g1a') || (chat === 'gx' && id === 'gxa');

const names: Record<string, string> = { boss: 'Boss', sam: 'Sam', u1: 'Alice', u2: 'Bob', u3: 'Carol', u4: 'Dan', g1a: 'Gina', gxa: 'Xavier' };

interface Community {
  h: Hearth;
  db: Db;
  /** Send one message and return what the bot sent because of it. */
  say(from: string, text: string, opts?: { chat?: string; mentions?: string[]; replyTo?: string; action?: string; at?: Date }): Promise<Row[]>;
  /** The message ids of the seeded posts, and the post and ticket ids. */
  post: Record<'u1' | 'u2' | 'u3' | 'u4' | 'g1a', { id: number; messageId: string }>;
  ticket: { closed: number; waiting: number; taken: number };
}

/**
 * A community in the listed group g1 (and g2, where Dan posts): manager boss, staff sam, members who checked in,
 * posts pending and approved, a badge held, a paused nudge rule, and tickets waiting, taken and closed.
 * `live` builds it as a live platform would run (only the program's groups listed); otherwise as the console does.
 */
async function community(live: boolean): Promise<Community> {
  const { db } = tempDb();
  const h = testHearth(db, new Date(T0), {
    program: program((p) => {
      p.managers = ['boss'];
      p.staff = ['sam'];
      p.groups = ['console:g1', 'console:g2'];
    }),
    isGroupAdmin,
    everyGroupListed: !live,
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
      at: opts.at ?? new Date(T0 + n * 1000),
    });
    await h.engine.idle();
    const rows = db.select().from(outbox).where(gt(outbox.id, seen)).all();
    seen = rows.at(-1)?.id ?? seen;
    return rows;
  };
  const lastId = () => `m${n}`;
  const postOf = async (from: string, chat: string, words: string) => {
    await say(from, `#share ${words}`, { chat });
    const row = db.select().from(ugcSubmissions).all().at(-1)!;
    return { id: row.id, messageId: lastId() };
  };
  await say('boss', 'hello everyone');
  await say('sam', '/start', { chat: 'sam' });
  await say('g1a', 'hi all');
  for (const u of ['u1', 'u2', 'u3']) await say(u, '签到');
  await say('u4', 'hello from the other group', { chat: 'g2' });
  const post = {
    u1: await postOf('u1', 'g1', 'The travel kit fits every single bottle I own'),
    u2: await postOf('u2', 'g1', 'This lip balm lasts the whole day, even through lunch'),
    u3: await postOf('u3', 'g1', 'The sunscreen leaves no white cast at all on me'),
    u4: await postOf('u4', 'g2', 'The hand cream smells lovely and is not greasy'),
    g1a: await postOf('g1a', 'g1', 'Our admin team loves the new shampoo formula'),
  };
  await say('boss', `/approve ${post.u3.id}`);
  await say('boss', '/badge @Bob helper', { mentions: ['u2'] });
  await say('boss', '/nudges pause dormant-60', { chat: 'boss' });
  await say('u3', '/human', { chat: 'u3' });
  await say('sam', '/take', { chat: 'sam' });
  await say('sam', '/done', { chat: 'sam' });
  await say('u2', '/human', { chat: 'u2' });
  await say('u4', '/human', { chat: 'u4' });
  const rows = db.select().from(tickets).all();
  const ticket = { closed: rows[0]!.id, waiting: rows[1]!.id, taken: rows[2]!.id };
  await say('sam', `/take ${ticket.taken}`, { chat: 'sam' });
  // The seed is what the sweep relies on: had any of it failed, "nothing changed" would prove little.
  expect(db.select().from(tickets).all().map((t) => t.state)).toEqual(['closed', 'waiting', 'staff']);
  expect(db.select().from(ugcSubmissions).all().map((x) => x.status)).toEqual(['pending', 'pending', 'approved', 'pending', 'pending']);
  expect(db.select().from(memberBadges).all().map((b) => b.badgeId)).toEqual(['helper']);
  expect(db.select().from(nudgeRules).all().filter((r) => !r.enabled).map((r) => r.id)).toEqual(['dormant-60']);
  expect(db.select().from(ledgerEntries).all().map((e) => e.reason)).toEqual(['checkin', 'checkin', 'checkin', 'ugc']);
  return { h, db, say, post, ticket };
}

/** Everything a refused command must leave as it was. */
function snapshot(db: Db) {
  return {
    ledger: db.select().from(ledgerEntries).all(),
    points: db.select().from(memberPoints).all(),
    badges: db.select().from(memberBadges).all(),
    posts: db.select({ id: ugcSubmissions.id, status: ugcSubmissions.status, reviewedBy: ugcSubmissions.reviewedBy }).from(ugcSubmissions).all(),
    tickets: db.select({ id: tickets.id, state: tickets.state, staff: tickets.staffMemberId, rating: tickets.rating, closedAt: tickets.closedAt }).from(tickets).all(),
    nudges: db.select({ id: nudgeRules.id, enabled: nudgeRules.enabled }).from(nudgeRules).all(),
    groups: db.select().from(communityGroups).all(),
  };
}

/** A manager or staff command, as a label and what to send. */
interface Probe {
  label: string;
  text: string;
  mentions?: string[];
  replyTo?: string;
  action?: string;
}

/** Every manager and staff command and alias, aimed at Bob (u2), his post and the seeded tickets. */
function everyCommand(c: Community, self: string): Probe[] {
  const bob = c.post.u2;
  const { closed, waiting, taken } = c.ticket;
  return [
    { label: '/grant +', text: '/grant @Bob 100 event prize', mentions: ['u2'] },
    { label: '/grant -', text: '/grant @Bob -100 penalty', mentions: ['u2'] },
    { label: '/grant typed @name', text: '/grant @Bob 100 event prize' },
    { label: '/grant by reply', text: '/grant 100 event prize', replyTo: bob.messageId },
    { label: '/grant to self', text: `/grant @${names[self] ?? self} 500 me`, mentions: [self] },
    { label: '调整积分', text: '调整积分 @Bob 100 活动奖励', mentions: ['u2'] },
    { label: '发积分', text: '发积分 @Bob 100 活动奖励', mentions: ['u2'] },
    { label: '发积分 by reply', text: '发积分 100 活动奖励', replyTo: bob.messageId },
    { label: '/badge', text: '/badge @Bob koc', mentions: ['u2'] },
    { label: '/badge by reply', text: '/badge koc', replyTo: bob.messageId },
    { label: '/unbadge', text: '/unbadge @Bob helper', mentions: ['u2'] },
    { label: '颁发勋章', text: '颁发勋章 @Bob koc', mentions: ['u2'] },
    { label: '收回勋章', text: '收回勋章 @Bob helper', mentions: ['u2'] },
    { label: '/approve by id', text: `/approve ${bob.id}` },
    { label: '/approve by reply', text: '/approve', replyTo: bob.messageId },
    { label: '/reject by id', text: `/reject ${bob.id} spam` },
    { label: '/reject by reply', text: '/reject spam', replyTo: bob.messageId },
    { label: '/review', text: '/review' },
    { label: '通过 by reply', text: '通过', replyTo: bob.messageId },
    { label: '通过 by id', text: `通过 ${bob.id}` },
    { label: '驳回 by reply', text: '驳回 广告', replyTo: bob.messageId },
    { label: '驳回 by id', text: `驳回 ${bob.id} 广告` },
    { label: '审核通过', text: `审核通过 ${bob.id}` },
    { label: '拒绝', text: `拒绝 ${bob.id} 广告` },
    { label: '待审核', text: '待审核' },
    { label: '审核列表', text: '审核列表' },
    { label: '授予勋章', text: '授予勋章 @Bob koc', mentions: ['u2'] },
    { label: '撤销勋章', text: '撤销勋章 @Bob helper', mentions: ['u2'] },
    { label: '/stats', text: '/stats' },
    { label: '/stats 7d', text: '/stats 7d' },
    { label: '/nudges', text: '/nudges' },
    { label: '/nudges pause', text: '/nudges pause dormant-30' },
    { label: '/nudges resume', text: '/nudges resume dormant-60' },
    { label: '/nudges preview', text: '/nudges preview dormant-30' },
    { label: '/group on', text: '/group on' },
    { label: '/group off', text: '/group off' },
    { label: '开通本群', text: '开通本群' },
    { label: '关闭本群', text: '关闭本群' },
    { label: '/take', text: '/take' },
    { label: '/take <id>', text: `/take ${waiting}` },
    { label: '/done', text: '/done' },
    { label: '/done <id>', text: `/done ${taken}` },
    { label: '/transfer', text: '/transfer sam' },
    { label: '/transfer <staff> <id>', text: `/transfer sam ${taken}` },
    { label: '/queue', text: '/queue' },
    { label: '/member', text: '/member @Bob', mentions: ['u2'] },
    { label: '/member by reply', text: '/member', replyTo: bob.messageId },
    { label: '查会员', text: '查会员 @Bob', mentions: ['u2'] },
    { label: '/grant confirm', text: '/grant confirm 1' },
    { label: 'grant confirm button', text: '', action: 'grant-ok:1' },
    { label: 'take button', text: '', action: `take:${waiting}` },
    { label: "rating someone else's ticket", text: '', action: `rate:${closed}:5` },
  ];
}

const REFUSAL = /only (community managers|our support staff)|只有/i;
/** What a success would say: points moved, a badge given or taken, a post reviewed, a rule changed, a ticket moved. */
const SUCCESS = /👤|would leave|后余额将变为|Added \d|Deducted \d|已为 .* 增加|已扣除|earned the|获得勋章|withdrawn|已收回|was approved|已通过审核|wasn't approved|未通过审核|Paused|Resumed|已暂停|已恢复|I'm on|已开通|stopped serving|不再在这个群|You took|已接手|Closed ticket|已结束|Passed ticket|已把工单|Thanks for your rating|谢谢你的评价|Waiting for review|待审核的分享|Handoff, last|人工服务（|Nudge rules|提醒规则（|Preview of|预览/;

const UNLISTED = /not set up for this group|还没有在这个群开通/;

type Scene = { from: string; chat: string };

/** Send every probe from `scene`, asserting after each that nothing changed; returns the replies per probe. */
async function probeAll(c: Community, scene: Scene, probes: Probe[]): Promise<{ probe: Probe; out: Row[] }[]> {
  const results: { probe: Probe; out: Row[] }[] = [];
  for (const probe of probes) {
    // A command the bot understands first, so each probe meets the same conversation (no "misunderstood" run carried over).
    if (scene.chat !== 'gx') await c.say(scene.from, '/help', { chat: scene.chat });
    const before = snapshot(c.db);
    const out = await c.say(scene.from, probe.text, { chat: scene.chat, mentions: probe.mentions, replyTo: probe.replyTo, action: probe.action });
    // Soft: one sweep reports every probe that misbehaves, not just the first.
    expect.soft(snapshot(c.db), `${probe.label} from ${scene.from} in ${scene.chat} changed something`).toEqual(before);
    for (const o of out) expect.soft(o.text, `${probe.label} from ${scene.from} in ${scene.chat}`).not.toMatch(SUCCESS);
    results.push({ probe, out });
  }
  return results;
}

/** The Chinese review aliases are ordinary words (通过 "passed", 驳回): from someone with no authority they are chatter. */
const isChatterAlias = (p: Probe) => /^(通过|驳回|审核通过|拒绝|待审核|审核列表)/.test(p.text);
/** Moderation: what a listed group's admin may do there (badges, post review); the rest is for named managers or staff. */
const isModeration = (p: Probe) => /badge|勋章|approve|reject|review|通过|驳回|拒绝|审核/.test(p.label);

function expectRefused(results: { probe: Probe; out: Row[] }[], scene: Scene) {
  for (const { probe, out } of results) {
    const where = `${probe.label} from ${scene.from} in ${scene.chat}`;
    if ((isChatterAlias(probe) && scene.chat !== scene.from) || probe.label === "rating someone else's ticket") {
      // Group chatter (通过 is an everyday word) and a stray button press: silence, or at most the "didn't get that" line.
      expect.soft(out.length, where).toBeLessThanOrEqual(1);
      for (const o of out) expect.soft(o.chat, where).toBe(scene.chat);
      continue;
    }
    // Everything else — and 通过 / 驳回 typed to the bot in a private chat, where it can only be meant for the bot — is refused.
    expect.soft(out.map((o) => o.chat), where).toEqual([scene.chat]);
    expect.soft(out[0]?.text, where).toMatch(REFUSAL);
  }
}

describe.each([
  ['as the console runs (every group listed)', false],
  ['as a live platform runs (only listed groups served)', true],
])('every manager and staff command from someone without authority, %s', (_name, live) => {
  it('a plain member in the group g1 is refused and nothing changes', async () => {
    const c = await community(live);
    const scene = { from: 'u1', chat: 'g1' };
    expectRefused(await probeAll(c, scene, everyCommand(c, 'u1')), scene);
  });

  it('a plain member in their private chat is refused and nothing changes', async () => {
    const c = await community(live);
    const scene = { from: 'u1', chat: 'u1' };
    expectRefused(await probeAll(c, scene, everyCommand(c, 'u1')), scene);
  });

  it("g1's own admin is refused every points, stats, nudges, group and staff command", async () => {
    const c = await community(live);
    const scene = { from: 'g1a', chat: 'g1' };
    const managerOnly = everyCommand(c, 'g1a').filter((p) => !isModeration(p));
    expectRefused(await probeAll(c, scene, managerOnly), scene);
  });
});

describe("a listed group's admin moderates only that group's members and posts, never their own", () => {
  const SCOPE = /another group|别的群|can't review your own|不能审核自己|isn't a member of this group|不是这个群的成员|your own badges|不能给自己/;

  it.each([false, true])('outside their scope nothing changes (live: %s)', async (live) => {
    const c = await community(live);
    const dan = c.post.u4; // shared in g2
    const own = c.post.g1a;
    const probes: Probe[] = [
      { label: "approve another group's post by id", text: `/approve ${dan.id}` },
      { label: "approve another group's post by reply", text: '/approve', replyTo: dan.messageId },
      { label: "reject another group's post", text: `/reject ${dan.id} off topic` },
      { label: "通过 another group's post", text: `通过 ${dan.id}` },
      { label: "驳回 another group's post", text: `驳回 ${dan.id} 广告` },
      { label: 'approve own post by id', text: `/approve ${own.id}` },
      { label: 'approve own post by reply', text: '/approve', replyTo: own.messageId },
      { label: '通过 own post', text: `通过 ${own.id}` },
      { label: 'reject own post', text: `/reject ${own.id} meh` },
      { label: 'badge a member never seen in g1', text: '/badge @Dan koc', mentions: ['u4'] },
      { label: '颁发勋章 a member never seen in g1', text: '颁发勋章 @Dan koc', mentions: ['u4'] },
      { label: 'badge themselves', text: '/badge @Gina koc', mentions: ['g1a'] },
      { label: 'badge themselves by reply', text: '/badge helper', replyTo: own.messageId },
      { label: 'unbadge themselves', text: '/unbadge @Gina helper', mentions: ['g1a'] },
    ];
    const scene = { from: 'g1a', chat: 'g1' };
    // Why it cannot be done is for the admin alone: their private chat; the group hears only that it went there.
    for (const { probe, out } of await probeAll(c, scene, probes)) {
      expect(out.map((o) => o.chat), probe.label).toEqual(['g1a', 'g1']);
      expect(out[0]!.text, probe.label).toMatch(SCOPE);
      expect(out[1]!.text, probe.label).toMatch(/^📩/);
    }
  });

  it.each([false, true])('outside their group (in g2, where they are no admin, and privately) they are a plain member (live: %s)', async (live) => {
    const c = await community(live);
    const moderation = everyCommand(c, 'g1a').filter(isModeration);
    for (const scene of [{ from: 'g1a', chat: 'g2' }, { from: 'g1a', chat: 'g1a' }]) {
      expectRefused(await probeAll(c, scene, moderation), scene);
    }
  });

  it("/review lists only their group's pending posts", async () => {
    const c = await community(true);
    const before = snapshot(c.db);
    const [list] = await c.say('g1a', '/review');
    expect(snapshot(c.db)).toEqual(before);
    const listed = [...list!.text.matchAll(/^#(\d+) /gm)].map((m) => Number(m[1]));
    expect(listed.sort()).toEqual([c.post.u1.id, c.post.u2.id, c.post.g1a.id].sort());
    expect(listed).not.toContain(c.post.u4.id);
  });

  it("the positive control: g1's admin badges a member seen in g1 and approves another member's g1 post", async () => {
    const c = await community(true);
    const badge = await c.say('g1a', '/badge @Alice koc', { mentions: ['u1'] });
    expect(badge.map((o) => o.text)).toEqual([expect.stringContaining('Alice earned the 🌱 Tastemaker badge')]);
    const approve = await c.say('g1a', '/approve', { replyTo: c.post.u1.messageId });
    expect(approve.map((o) => [o.chat, o.text])).toEqual([['g1', expect.stringContaining('Alice, your post #' + c.post.u1.id + ' was approved: +20 points!')]]);
    const revoke = await c.say('g1a', '收回勋章 @Alice koc', { mentions: ['u1'] });
    expect(revoke[0]!.text).toContain('已收回');
    const reject = await c.say('g1a', `驳回 ${c.post.u2.id} 广告`);
    expect(reject[0]!.text).toMatch(/wasn't approved\. Reason: 广告|未通过审核/);
    const posts = c.db.select().from(ugcSubmissions).all();
    expect(posts.find((p) => p.id === c.post.u1.id)!.status).toBe('approved');
    expect(posts.find((p) => p.id === c.post.u2.id)!.status).toBe('rejected');
    const grants = c.db.select().from(ledgerEntries).all().filter((e) => e.reason === 'ugc');
    expect(grants.map((e) => e.points)).toEqual([20, 20]); // Carol's earlier approval by boss, and Alice's now
  });
});

describe('the admin of an unlisted group on a live platform', () => {
  it('gets one polite line, then silence, for every command; nothing changes and the group stays unlisted', async () => {
    const c = await community(true);
    const scene = { from: 'gxa', chat: 'gx' };
    const results = await probeAll(c, scene, everyCommand(c, 'gxa'));
    const said = results.flatMap((r) => r.out);
    expect(said.map((o) => [o.chat, o.text])).toEqual([['gx', "Hi! I'm not set up for this group yet. A community manager can turn me on here with /group on."]]);
    expect(results[0]!.out).toHaveLength(1); // the first command heard it
    // A member speaking there later hears nothing either.
    expect(await c.say('u1', '/checkin', { chat: 'gx' })).toEqual([]);
    expect(c.db.select().from(communityGroups).all()).toEqual([]);
    // Known as a group, so nothing secret could ever be addressed to it as if it were someone's private chat.
    expect(c.db.$client.prepare("SELECT type FROM chats WHERE chat_id = 'gx'").pluck().all()).toEqual(['group']);
  });
});

describe('forged roles', () => {
  it("the manager's display name, or the manager's id on another channel, carries no authority", async () => {
    const c = await community(true);
    const start = c.db.select().from(outbox).all().at(-1)!.id;
    let k = 0;
    const forge = async (channel: string, chat: string, chatType: 'group' | 'private', from: { id: string; name: string }, p: Probe) => {
      k++;
      // As in the sweep: an understood command first, so no "misunderstood" run carries over between probes.
      await c.h.handleMessage({ id: `forged${k}-help`, channel, chat, chatType, from, text: '/help', at: new Date(T0 + 3_600_000 + k * 1000) });
      await c.h.handleMessage({ id: `forged${k}`, channel, chat, chatType, from, text: p.text, mentions: p.mentions, replyTo: p.replyTo, action: p.action, at: new Date(T0 + 3_600_000 + k * 1000) });
      await c.h.engine.idle();
    };
    for (const probe of everyCommand(c, 'boss')) {
      const before = snapshot(c.db);
      await forge('console', 'g1', 'group', { id: 'impostor', name: 'Boss' }, probe); // the name "Boss", typed by someone else
      await forge('telegram', '-100777', 'group', { id: 'boss', name: 'Boss' }, probe); // the id "boss", on Telegram
      await forge('telegram', 'boss', 'private', { id: 'boss', name: 'Boss' }, probe);
      expect.soft(snapshot(c.db), probe.label).toEqual(before);
    }
    const said = c.db.select().from(outbox).where(gt(outbox.id, start)).all();
    expect(said.length).toBeGreaterThan(0);
    for (const o of said) expect.soft(o.text).not.toMatch(SUCCESS);
    // The unlisted Telegram group heard the one polite line, whoever claimed to be the manager there.
    expect(said.filter((o) => o.chat === '-100777').map((o) => o.text)).toEqual([expect.stringMatching(UNLISTED)]);
  });
});

describe('the review aliases typed privately by a member', () => {
  // 通过 / 驳回 in a private chat are spoken to the bot: they should get the reviewers-only refusal. Today they fall
  // through to "I didn't get that", which counts as misunderstood, so two of them hand the member to staff.
  it('are refused, and two in a row do not open a staff ticket', async () => {
    const c = await community(true);
    const before = snapshot(c.db);
    const first = await c.say('u1', `通过 ${c.post.u2.id}`, { chat: 'u1' });
    const second = await c.say('u1', `驳回 ${c.post.u2.id} 广告`, { chat: 'u1' });
    expect.soft([...first, ...second].map((o) => o.text)).toEqual([expect.stringMatching(REFUSAL), expect.stringMatching(REFUSAL)]);
    expect(snapshot(c.db)).toEqual(before);
  });
});

describe('a named manager', () => {
  it('can do every one of these things', async () => {
    const c = await community(true);
    const { db, post, ticket } = c;
    const bob = () => db.select().from(ledgerEntries).all().filter((e) => e.reason === 'grant').map((e) => e.points);
    const boss = (text: string, opts?: Parameters<Community['say']>[2]) => c.say('boss', text, opts);
    // The result, with Bob's balance, goes to the manager's private chat; the group hears only that it went there.
    const granted = await boss('/grant @Bob 100 event prize', { mentions: ['u2'] });
    expect(granted.map((o) => [o.chat, o.text])).toEqual([
      ['boss', expect.stringMatching(/^Added 100 points for Bob \(event prize\)\. Their balance is now \d+\.$/)],
      ['g1', "📩 I've sent you the result privately."],
    ]);
    expect((await boss('/grant @Bob -30 typo', { mentions: ['u2'] }))[0]!.text).toMatch(/^Deducted 30 points from Bob \(typo\)\. Their balance is now \d+\.$/);
    await boss('/grant 50 helpful answer', { replyTo: post.u2.messageId });
    await boss('调整积分 @Bob 10 活动奖励', { mentions: ['u2'] });
    await boss('发积分 @Bob 5 活动奖励', { mentions: ['u2'] });
    expect(bob()).toEqual([100, -30, 50, 10, 5]);
    expect(db.select().from(ledgerEntries).all().filter((e) => e.reason === 'grant').every((e) => e.kind === 'adjust')).toBe(true);
    const held = () => db.select().from(memberBadges).all().filter((b) => b.revokedAt === null).map((b) => b.badgeId).sort();
    await boss('/badge @Bob koc', { mentions: ['u2'] });
    await boss('颁发勋章 @Alice koc', { mentions: ['u1'] });
    expect(held()).toEqual(['helper', 'koc', 'koc']);
    await boss('/unbadge @Bob koc', { mentions: ['u2'] });
    await boss('收回勋章 @Bob helper', { mentions: ['u2'] });
    expect(held()).toEqual(['koc']);
    await boss('/approve', { replyTo: post.u1.messageId });
    await boss(`通过 ${post.g1a.id}`);
    await boss(`/reject ${post.u4.id} off topic`); // a g2 post: a manager reviews everywhere
    await boss('驳回 广告', { replyTo: post.u2.messageId });
    const status = Object.fromEntries(db.select().from(ugcSubmissions).all().map((s) => [s.id, s.status]));
    expect([status[post.u1.id], status[post.g1a.id], status[post.u4.id], status[post.u2.id]]).toEqual(['approved', 'approved', 'rejected', 'rejected']);
    expect((await boss('/review'))[0]!.text).toMatch(/Nothing is waiting for review|目前没有待审核的分享/);
    expect((await boss('/stats', { chat: 'boss' }))[0]!.text).toMatch(/Handoff, last 30 days|人工服务（最近 30 天）/);
    expect((await boss('/nudges', { chat: 'boss' }))[0]!.text).toContain('dormant-30');
    await boss('/nudges pause dormant-30', { chat: 'boss' });
    await boss('/nudges resume dormant-60', { chat: 'boss' });
    expect((await boss('/nudges preview dormant-30', { chat: 'boss' }))[0]!.text).toMatch(/Preview of dormant-30|预览 dormant-30/);
    const enabled = Object.fromEntries(db.select().from(nudgeRules).all().map((r) => [r.id, r.enabled]));
    expect([enabled['dormant-30'], enabled['dormant-60']]).toEqual([false, true]);
    // Groups: an unlisted group is turned on and off by the manager, in it.
    expect((await c.say('u1', '/help', { chat: 'gz' }))[0]!.text).toMatch(UNLISTED);
    expect((await boss('/group on', { chat: 'gz' }))[0]!.text).toMatch(/I'm on|已开通/);
    expect((await c.say('u1', '/help', { chat: 'gz' }))[0]!.text).not.toMatch(UNLISTED);
    expect((await boss('/group off', { chat: 'gz' }))[0]!.text).toMatch(/stopped serving|不再在这个群/);
    expect((await boss('开通本群', { chat: 'gy' }))[0]!.text).toContain('已开通');
    expect(db.select().from(communityGroups).all().map((g) => g.chatId)).toEqual(['gy']);
    expect((await boss('关闭本群', { chat: 'gy' }))[0]!.text).toContain('不再在这个群');
    expect(db.select().from(communityGroups).all()).toEqual([]);
    // Staff commands: managers may use them too.
    const state = (id: number) => db.select().from(tickets).all().find((t) => t.id === id)!;
    expect((await boss('/queue', { chat: 'boss' }))[0]!.text).toContain(`#${ticket.waiting} `);
    await boss(`/take ${ticket.waiting}`, { chat: 'boss' });
    expect(state(ticket.waiting).state).toBe('staff');
    await boss(`/transfer sam ${ticket.waiting}`, { chat: 'boss' });
    const samId = state(ticket.taken).staffMemberId;
    expect(state(ticket.waiting).staffMemberId).toBe(samId);
    await boss(`/done ${ticket.taken}`, { chat: 'boss' });
    expect(state(ticket.taken).state).toBe('closed');
    await c.say('u1', '/human', { chat: 'u1' });
    const fresh = db.select().from(tickets).all().at(-1)!.id;
    await boss('', { chat: 'boss', action: `take:${fresh}` });
    expect(state(fresh).state).toBe('staff');
    await boss('/done', { chat: 'boss' });
    expect(state(fresh).state).toBe('closed');
    // The member rates their own ticket (the button the /done sent them).
    expect((await c.say('u1', '', { chat: 'u1', action: `rate:${fresh}:5` }))[0]!.text).toMatch(/Thanks for your rating|谢谢你的评价/);
    expect(state(fresh).rating).toBe(5);
  });
});

describe("a manager's results in a member group", () => {
  // DESIGN: balances and another member's data never go to a group; manager results go to the person privately.
  const BALANCE = /\b\d+ points are waiting|\d+ 积分还在等你|balance|余额|当前积分|Points left|剩余积分|HX-/i;

  const toGroups = (c: Community) => c.db.select().from(outbox).all().filter((o) => o.chat === 'g1' || o.chat === 'g2');

  it('/grant and /approve in g1 tell the group what was done, never a balance', async () => {
    const c = await community(true);
    await c.say('boss', '/grant @Bob 100 event prize', { mentions: ['u2'] });
    await c.say('boss', '/grant @Bob -20 typo', { mentions: ['u2'] });
    await c.say('boss', '/approve', { replyTo: c.post.u1.messageId });
    await c.say('g1a', `/approve ${c.post.u2.id}`);
    await c.say('u1', '/redeem free-shipping'); // refused (not enough points): the reason, with the balance, goes privately
    for (const o of toGroups(c)) expect.soft(o.text).not.toMatch(BALANCE);
  });

  it('/nudges preview in g1 does not post the sampled members\' balances to the group', async () => {
    const c = await community(true);
    // Two months on, the members who checked in are dormant with points: the rule's samples name their balances.
    const later = new Date(T0 + 65 * 86_400_000);
    const preview = await c.say('boss', '/nudges preview dormant-60', { at: later });
    expect(preview.length).toBeGreaterThan(0);
    for (const o of toGroups(c)) expect.soft(o.text, `to ${o.chat}`).not.toMatch(BALANCE);
  });
});
