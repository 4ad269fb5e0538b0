// Badges through the real engine: who may grant and revoke (role, program file, group admins), targets by mention,
// typed @name and reply, the catalog on a wrong name, the member's list, and automatic badges that respect a revoke.
import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { msg, program, tempDb, testHearth } from '../harness';
import { replayOnFile } from './community-helpers';
import type { Db } from '../../store/db';
import { auditLog, memberBadges, outbox } from '../../store/schema';
import { findMemberByPlatformId } from '../../store/members';

const at = (min: number) => `2026-03-01T10:${String(min).padStart(2, '0')}:00+08:00`;
const manager = { type: 'role', member: 'm1', role: 'manager' };

function held(db: Db, platformId: string): string[] {
  const m = findMemberByPlatformId(db, 'console', platformId);
  if (!m) return [];
  return db
    .select()
    .from(memberBadges)
    .where(eq(memberBadges.memberId, m.id))
    .all()
    .filter((b) => b.revokedAt === null)
    .map((b) => b.badgeId);
}

describe('badges', () => {
  it('a manager grants by platform mention; the group sees a short announcement; the audit log records who', async () => {
    const r = await replayOnFile([
      manager,
      msg('a1', at(0), 'u1', 'hi all', { chat: 'g1', name: 'Alice' }),
      msg('a2', at(1), 'm1', '/badge @Alice helper', { chat: 'g1', name: 'Mia', mentions: ['u1'] }),
    ]);
    expect(r.out).toEqual([{ at: at(1), chat: 'g1', replyTo: 'a2', text: '🎉 Alice earned the 🤝 Helper badge — Always ready to help others!' }]);
    expect(held(r.db, 'u1')).toEqual(['helper']);
    const entry = r.db.select().from(auditLog).where(eq(auditLog.action, 'badge.grant')).get();
    expect(entry?.actorMemberId).toBe(findMemberByPlatformId(r.db, 'console', 'm1')!.id);
  });

  it('grants as a reply to the member\'s message, by Chinese name, with the Chinese alias', async () => {
    const r = await replayOnFile([
      manager,
      msg('a1', at(0), 'u2', '这个口红颜色超级好看，推荐大家试试', { chat: 'g1', name: 'Bob' }),
      msg('a2', at(1), 'm1', '颁发勋章 种草达人', { chat: 'g1', name: 'Mia', replyTo: 'a1' }),
    ]);
    expect(r.out[0]!.text).toBe('🎉 恭喜 Bob 获得勋章 🌱「种草达人」！优秀的种草分享者');
    expect(held(r.db, 'u2')).toEqual(['koc']);
  });

  it('grants to an "@name" typed as text (WeChat) when exactly one member of the group has that name', async () => {
    const r = await replayOnFile([
      manager,
      msg('a1', at(0), 'u1', 'hello', { chat: 'g1', name: 'Alice' }),
      msg('a2', at(1), 'm1', '/badge @alice helper', { chat: 'g1', name: 'Mia' }),
      msg('a3', at(2), 'm1', '/badge @Nobody helper', { chat: 'g1', name: 'Mia' }),
    ]);
    expect(held(r.db, 'u1')).toEqual(['helper']);
    expect(r.out[1]!.text).toContain("can't find that member");
  });

  it('refuses members politely and changes nothing', async () => {
    const r = await replayOnFile([
      msg('a1', at(0), 'u1', 'hello', { chat: 'g1', name: 'Alice' }),
      msg('a2', at(1), 'u2', '/badge @Alice helper', { chat: 'g1', name: 'Bob', mentions: ['u1'] }),
      msg('a3', at(2), 'u2', '颁发勋章 @Bob helper', { chat: 'g1', name: 'Bob', mentions: ['u2'] }),
      msg('a4', at(3), 'u2', '/unbadge @Alice helper', { chat: 'g1', name: 'Bob', mentions: ['u1'] }),
    ]);
    expect(r.out.map((o) => o.text)).toEqual([
      expect.stringContaining('Only community managers can grant badges'),
      expect.stringContaining('只有社群管理员可以颁发勋章'),
      // Bob wrote Chinese last: a bare slash command keeps his language.
      expect.stringContaining('只有社群管理员可以收回勋章'),
    ]);
    expect(r.db.select().from(memberBadges).all()).toEqual([]);
  });

  it('answers an unknown badge with the valid ones, and a missing target with how to name one', async () => {
    const r = await replayOnFile([
      manager,
      msg('a1', at(1), 'm1', '/badge @Alice superstar', { chat: 'g1', name: 'Mia', mentions: ['u1'] }),
      msg('a2', at(2), 'm1', '/badge helper', { chat: 'g1', name: 'Mia' }),
      msg('a3', at(3), 'm1', '/badge', { chat: 'g1', name: 'Mia' }),
    ]);
    // What is wrong is for the manager, privately; the group hears only that the answer went there.
    const toMia = r.out.filter((o) => o.chat === 'm1').map((o) => o.text);
    expect(toMia[0]).toBe('There is no badge "superstar". Badges: 🤝 helper (Helper), ✍️ creator (Creator), 🔥 streak-30 (30-day streak), 🌱 koc (Tastemaker)');
    expect(toMia[1]).toContain('Usage: /badge @member <badge>');
    expect(toMia[2]).toContain('Usage: /badge @member <badge>');
    expect(r.out.filter((o) => o.chat === 'g1').map((o) => o.text)).toEqual(Array(3).fill("📩 I've sent you the result privately."));
    expect(r.db.select().from(memberBadges).all()).toEqual([]);
  });

  it('revokes; the member\'s list is empty again; revoking again says it is not held', async () => {
    const r = await replayOnFile([
      manager,
      msg('a1', at(1), 'm1', '/badge @Alice helper', { chat: 'g1', name: 'Mia', mentions: ['u1'] }),
      msg('a2', at(2), 'u1', '/badges', { chat: 'g1', name: 'Alice' }),
      msg('a3', at(3), 'm1', '/unbadge @Alice helper', { chat: 'g1', name: 'Mia', mentions: ['u1'] }),
      msg('a4', at(4), 'm1', '/unbadge @Alice helper', { chat: 'g1', name: 'Mia', mentions: ['u1'] }),
      msg('a5', at(5), 'u1', '/badges', { chat: 'g1', name: 'Alice' }),
    ]);
    // The badge earned is the group's news; taking it back is said to the manager alone.
    expect(r.out.map((o) => [o.chat, o.text])).toEqual([
      ['g1', expect.stringContaining('earned the 🤝 Helper badge')],
      ['g1', 'Your badges (1):\n🤝 Helper — Always ready to help others'],
      ['m1', "Alice's 🤝 Helper badge has been withdrawn."],
      ['g1', "📩 I've sent you the result privately."],
      ['m1', "Alice doesn't have the 🤝 Helper badge."],
      ['g1', "📩 I've sent you the result privately."],
      ['g1', expect.stringContaining('No badges yet')],
    ]);
    expect(held(r.db, 'u1')).toEqual([]);
  });

  it('managers named in the program file may grant', async () => {
    const r = await replayOnFile([msg('a1', at(1), 'boss', '/badge @Alice helper', { chat: 'g1', name: 'Boss', mentions: ['u1'] })], {
      program: program((p) => {
        p.managers = ['boss'];
      }),
    });
    expect(held(r.db, 'u1')).toEqual(['helper']);
  });

  it("a platform group admin may grant in that group to its members, and only there", async () => {
    const { db } = tempDb();
    const t = new Date('2026-03-01T02:00:00Z');
    const h = testHearth(db, t, { isGroupAdmin: async (_channel, chat, platformId) => chat === 'g1' && platformId === 'admin' });
    const say = (id: string, chat: string, from: string, text: string, mentions?: string[]) =>
      h.handleMessage({ id, channel: 'console', chat, chatType: 'group', from: { id: from, name: from }, text, mentions, at: t });
    await say('h1', 'g1', 'u1', 'hello');
    await say('h2', 'g2', 'u2', 'hello');
    const send = (id: string, chat: string, target: string) => say(id, chat, 'admin', '/badge @x helper', [target]);
    await send('a1', 'g1', 'u1');
    await send('a2', 'g2', 'u2');
    await send('a3', 'g1', 'u2'); // not a member of g1: its admin has no say over them
    await send('a4', 'g1', 'admin'); // nor over themselves
    await h.engine.idle();
    expect(held(db, 'u1')).toEqual(['helper']);
    expect(held(db, 'u2')).toEqual([]);
    expect(db.select().from(outbox).where(and(eq(outbox.chat, 'g2'))).all()[0]!.text).toContain('Only community managers');
    expect(held(db, 'admin')).toEqual([]);
  });

  it('automatic badges come once at the threshold and do not come back after a manager revokes them', async () => {
    const p = program((prog) => {
      const creator = prog.badges.find((b) => b.id === 'creator')!;
      creator.auto = { rule: 'approved-posts', count: 2 };
    });
    const post = (id: string, min: number, text: string) => msg(id, at(min), 'u1', `#share ${text}`, { chat: 'g1', name: 'Alice' });
    const approve = (id: string, min: number, sub: number) => msg(id, at(min), 'm1', `/approve ${sub}`, { chat: 'g1', name: 'Mia' });
    const r = await replayOnFile(
      [
        manager,
        post('p1', 1, 'The lip balm lasts all day long'),
        approve('r1', 2, 1),
        post('p2', 3, 'The travel kit fits every bottle'),
        approve('r2', 4, 2),
        msg('x1', at(5), 'm1', '/unbadge @Alice creator', { chat: 'g1', name: 'Mia', mentions: ['u1'] }),
        post('p3', 6, 'The sunscreen leaves no white cast'),
        approve('r3', 7, 3),
      ],
      { program: p },
    );
    const approvals = r.out.filter((o) => o.text.includes('was approved'));
    expect(approvals.map((o) => o.text.includes('New badge: ✍️') || o.text.includes('✍️ New badge'))).toEqual([false, true, false]);
    expect(held(r.db, 'u1')).toEqual([]);
  });
});
