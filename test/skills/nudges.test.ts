// Nudges through the real engine, scheduler and store: managers' /nudges (list, pause, resume, preview), members'
// /mute and /unmute, group fallbacks with a mention, reseeding on restart, and `hearth nudges` from a terminal.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { msg, program, tempDir } from '../harness';
import { replayOnFile } from './community-helpers';
import { outbox } from '../../store/schema';
import { findMemberByPlatformId } from '../../store/members';
import { getNudgeRule, nudgeSendsOf } from '../../store/nudges';
import { recentAudit } from '../../store/audit';

const root = join(import.meta.dirname, '..', '..');

/** Two members who go quiet on 1 March: Alice in her private chat, Bob only ever in group g1. */
const quietPair = [
  msg('a1', '2026-03-01T09:00:00+08:00', 'u1', '/help', { name: 'Alice' }),
  msg('b1', '2026-03-01T09:00:00+08:00', 'u2', 'Morning all, any news on the spring sale?', { chat: 'g1', name: 'Bob' }),
];

describe('/nudges for managers', () => {
  it('refuses members politely and changes nothing', async () => {
    const { out, db } = await replayOnFile([
      msg('m1', '2026-03-01T09:00:00+08:00', 'u3', '/nudges pause dormant-30', { name: 'Carl' }),
      msg('m2', '2026-03-01T09:01:00+08:00', 'u3', '提醒规则', { name: 'Carl' }),
    ]);
    expect(out.map((o) => o.text)).toEqual([
      'Sorry, only community managers can manage nudges. To stop reminders for yourself, send /mute.',
      '抱歉，只有社群管理员可以管理提醒规则。如果不想收到提醒，可以发送「免打扰」。',
    ]);
    expect(getNudgeRule(db, 'dormant-30')!.enabled).toBe(true);
  });

  it('previews exactly who the next run reaches, sending nothing; the run then sends those and the list counts them', async () => {
    const { out } = await replayOnFile([
      { type: 'role', member: 'boss', role: 'manager' },
      ...quietPair,
      msg('p1', '2026-03-31T10:30:00+08:00', 'boss', '/nudges preview dormant-30', { name: 'Mia' }),
      msg('p2', '2026-03-31T11:30:00+08:00', 'boss', '/nudges preview dormant-30', { name: 'Mia' }),
      msg('l1', '2026-03-31T11:31:00+08:00', 'boss', '/nudges', { name: 'Mia' }),
    ]);
    const after = (id: string) => out.filter((o) => o.replyTo === id);
    expect(after('p1')[0]!.text).toBe(
      [
        'Preview of dormant-30: 2 members would get it now. Nothing was sent.',
        'Samples:',
        '1. Alice: Alice, we miss you! Send "check in" to pick up today\'s points.',
        '2. Bob: Bob, we miss you! Send "check in" to pick up today\'s points.',
      ].join('\n'),
    );
    // Nothing went out at the preview; the 11:00 run sends to both, Bob by a mention in his group.
    const nudges = out.filter((o) => o.replyTo === undefined);
    expect(nudges.map((o) => [o.at, o.chat])).toEqual([
      ['2026-03-31T11:00:00+08:00', 'u1'],
      ['2026-03-31T11:00:00+08:00', 'g1'],
    ]);
    expect(after('p2')[0]!.text).toBe('Preview of dormant-30: nobody would get it right now. Nothing was sent.');
    const list = after('l1')[0]!.text;
    expect(list).toContain('• dormant-30 — silent 30+ days · next 2026-04-01 11:00 · 2 sent');
    expect(list).toContain('• near-tier — close to the next tier · next 2026-04-01 10:00 · 0 sent');
    expect(list).toContain('• streak-at-risk — check-in streak at risk · next 2026-03-31 20:00 · 0 sent');
  });

  it('pauses and resumes a rule, audited, and says so when there is nothing to do', async () => {
    const { out, db } = await replayOnFile([
      { type: 'role', member: 'boss', role: 'manager' },
      ...quietPair,
      msg('c1', '2026-03-01T10:00:00+08:00', 'boss', '/nudges pause dormant-30', { name: 'Mia' }),
      msg('c2', '2026-03-01T10:01:00+08:00', 'boss', '/nudges pause dormant-30', { name: 'Mia' }),
      msg('c3', '2026-03-31T12:00:00+08:00', 'boss', '/nudges resume dormant-30', { name: 'Mia' }),
      msg('c4', '2026-03-31T12:01:00+08:00', 'boss', '/nudges resume dormant-30', { name: 'Mia' }),
      { type: 'tick', at: '2026-04-01T12:00:00+08:00' },
    ]);
    expect(out.map((o) => [o.at, o.chat, o.text])).toEqual([
      ['2026-03-01T09:00:00+08:00', 'u1', expect.stringContaining('Here is what I can do')],
      ['2026-03-01T10:00:00+08:00', 'boss', 'Paused dormant-30. It sends nothing until /nudges resume dormant-30.'],
      ['2026-03-01T10:01:00+08:00', 'boss', 'dormant-30 is already paused.'],
      // Paused through 31 March 11:00: nothing then. Resumed, it reaches both the next morning.
      ['2026-03-31T12:00:00+08:00', 'boss', 'Resumed dormant-30. Next run: 2026-04-01 11:00.'],
      ['2026-03-31T12:01:00+08:00', 'boss', 'dormant-30 is already running.'],
      ['2026-04-01T11:00:00+08:00', 'u1', 'Alice, we miss you! Send "check in" to pick up today\'s points.'],
      ['2026-04-01T11:00:00+08:00', 'g1', 'Bob, we miss you! Send "check in" to pick up today\'s points.'],
    ]);
    expect(
      recentAudit(db)
        .filter((a) => a.action.startsWith('nudge.'))
        .map((a) => a.action),
    ).toEqual(['nudge.resume', 'nudge.pause']);
  });

  it('answers a wrong or missing rule and an unknown word with what to send instead', async () => {
    const { out } = await replayOnFile([
      { type: 'role', member: 'boss', role: 'manager' },
      msg('e1', '2026-03-01T10:00:00+08:00', 'boss', '/nudges pause dormant-31', { name: 'Mia' }),
      msg('e2', '2026-03-01T10:01:00+08:00', 'boss', '/nudges preview', { name: 'Mia' }),
      msg('e3', '2026-03-01T10:02:00+08:00', 'boss', '/nudges delete birthday', { name: 'Mia' }),
      msg('e4', '2026-03-01T10:03:00+08:00', 'boss', '提醒规则 暂停', { name: 'Mia' }),
    ]);
    const rules = 'near-tier, dormant-30, dormant-60, expiring, birthday, streak-at-risk';
    expect(out.map((o) => o.text)).toEqual([
      `There is no nudge rule "dormant-31". Rules: ${rules}`,
      `Which rule? For example /nudges preview dormant-30. Rules: ${rules}`,
      'Usage: /nudges lists the rules; /nudges pause <id>, /nudges resume <id>, /nudges preview <id>.',
      '用法：/nudges 查看规则；/nudges pause <规则id> 暂停；/nudges resume <规则id> 恢复；/nudges preview <规则id> 预览。',
    ]);
  });
});

describe('/mute 免打扰 and /unmute 取消免打扰', () => {
  it('withdraws a nudge waiting out quiet hours, and lets nudges through again after /unmute', async () => {
    const late = program((p) => {
      p.nudges.rules.find((r) => r.id === 'dormant-30')!.schedule = '30 22 * * *';
    });
    const { out, db } = await replayOnFile(
      [
        ...quietPair,
        // 22:30 on 30 March: both are decided and held until 09:00. Alice mutes at 23:00.
        msg('x1', '2026-03-31T23:00:00+08:00', 'u1', '/mute', { name: 'Alice' }),
        msg('x2', '2026-04-01T09:30:00+08:00', 'u1', '/unmute', { name: 'Alice' }),
        msg('x3', '2026-04-01T09:31:00+08:00', 'u1', '/unmute', { name: 'Alice' }),
        msg('x4', '2026-04-01T09:32:00+08:00', 'u2', '取消免打扰', { chat: 'g1', name: 'Bob' }),
      ],
      { program: late },
    );
    expect(out.map((o) => [o.at, o.chat, o.text])).toEqual([
      ['2026-03-01T09:00:00+08:00', 'u1', expect.stringContaining('Here is what I can do')],
      ['2026-03-31T23:00:00+08:00', 'u1', "Done: no more reminders from me. Notices about your own points (points added, tier changes) still come. Send /unmute or \"subscribe\" whenever you'd like reminders back."],
      ['2026-04-01T09:00:00+08:00', 'g1', 'Bob, we miss you! Send "check in" to pick up today\'s points.'],
      ['2026-04-01T09:30:00+08:00', 'u1', 'Reminders are back on. Send /mute anytime to pause them.'],
      ['2026-04-01T09:31:00+08:00', 'u1', 'Reminders are already on for you.'],
      ['2026-04-01T09:32:00+08:00', 'g1', '你没有开启免打扰，会正常收到提醒。'],
    ]);
    const alice = findMemberByPlatformId(db, 'console', 'u1')!;
    const [withdrawn] = nudgeSendsOf(db, alice.id);
    expect(withdrawn).toMatchObject({ ruleId: 'dormant-30', cancelledAt: expect.any(Number) });
    const row = db.select().from(outbox).where(eq(outbox.key, withdrawn!.outboxKey)).get()!;
    expect(row.sentAt).toBeNull();
    expect(row.lastError).toMatch(/muted/);
  });
});

describe('where a nudge goes', () => {
  it('mentions a member in their group when they never opened a private chat', async () => {
    const { db } = await replayOnFile([...quietPair, { type: 'tick', at: '2026-03-31T12:00:00+08:00' }]);
    const rows = db.select().from(outbox).where(eq(outbox.kind, 'nudge')).all();
    expect(rows.map((r) => [r.chat, r.mentions?.[0] ?? null])).toEqual([
      ['u1', null],
      ['g1', 'u2'],
    ]);
  });

  it("follows a rule's group preference, mentioning the member even when a private chat is open", async () => {
    const grouped = program((p) => {
      p.nudges.rules.find((r) => r.id === 'birthday')!.channel = 'group';
    });
    const { out, db } = await replayOnFile(
      [
        msg('a1', '2026-03-01T09:00:00+08:00', 'u1', '/help', { name: 'Alice' }),
        msg('a2', '2026-03-01T09:01:00+08:00', 'u1', 'Good morning everyone!', { chat: 'g1', name: 'Alice' }),
        { type: 'profile', member: 'u1', birthday: '1990-03-05' },
        { type: 'tick', at: '2026-03-05T12:00:00+08:00' },
      ],
      { program: grouped },
    );
    expect(out.at(-1)).toEqual({ at: '2026-03-05T10:00:00+08:00', chat: 'g1', text: 'Happy birthday, Alice! 🎂 Purchases earn double points today.', mentions: ['Alice'] });
    expect(db.select().from(outbox).where(eq(outbox.kind, 'nudge')).get()!.mentions).toEqual(['u1']);
  });
});

describe('rules on restart', () => {
  it("reseeds from a changed program file and keeps the manager's pause", async () => {
    const path = join(tempDir(), 'restart.db');
    await replayOnFile(
      [{ type: 'role', member: 'boss', role: 'manager' }, msg('c1', '2026-03-01T10:00:00+08:00', 'boss', '/nudges pause birthday', { name: 'Mia' })],
      { path },
    );
    const changed = program((p) => {
      p.nudges.rules.find((r) => r.id === 'birthday')!.template.en = 'Many happy returns, {name}!';
      p.nudges.rules.find((r) => r.id === 'dormant-30')!.template.en = '{name}, the community misses you.';
    });
    const { out, db } = await replayOnFile(
      [
        msg('a1', '2026-03-02T09:00:00+08:00', 'u1', '/help', { name: 'Alice' }),
        { type: 'profile', member: 'u1', birthday: '1990-03-05' },
        { type: 'tick', at: '2026-04-02T12:00:00+08:00' },
      ],
      { program: changed, path },
    );
    expect(getNudgeRule(db, 'birthday')).toMatchObject({ enabled: false, template: { en: 'Many happy returns, {name}!' } });
    // No birthday greeting for Alice (paused); the changed dormant text goes out.
    const aliceNudges = out.filter((o) => o.chat === 'u1' && !o.replyTo);
    expect(aliceNudges.map((o) => [o.at, o.text])).toEqual([['2026-04-01T11:00:00+08:00', 'Alice, the community misses you.']]);
  });
});

describe('hearth nudges (terminal)', () => {
  function hearth(args: string[], env: Record<string, string>) {
    const res = spawnSync(process.execPath, [join(root, 'bin', 'hearth.js'), 'nudges', ...args], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, HEARTH_LOG_LEVEL: 'error', ...env },
      timeout: 60_000,
    });
    return { code: res.status, out: res.stdout, err: res.stderr };
  }

  it('previews a rule at a given time over the bot database, and lists the rules', async () => {
    const path = join(tempDir(), 'cli.db');
    await replayOnFile([...quietPair], { path });
    const preview = hearth(['preview', 'dormant-30', '--at', '2026-03-31T10:30:00+08:00'], { HEARTH_DB: path });
    expect(preview.code).toBe(0);
    expect(preview.out).toContain('Preview of dormant-30: 2 members would get it now. Nothing was sent.');
    expect(preview.out).toContain('2. Bob: Bob, we miss you!');
    const list = hearth(['list', '--at', '2026-03-31T10:30:00+08:00'], { HEARTH_DB: path });
    expect(list.out).toContain('• dormant-30 — silent 30+ days · next 2026-03-31 11:00 · 0 sent');
    const unknown = hearth(['preview', 'nope'], { HEARTH_DB: path });
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('no rule "nope"');
    expect(hearth(['preview'], { HEARTH_DB: path }).code).toBe(2);
    expect(hearth(['preview', 'dormant-30', '--at', 'tomorrow'], { HEARTH_DB: path }).code).toBe(2);
  });
});
