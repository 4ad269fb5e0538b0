// The nudge rules store and audiences on a real SQLite file: seeding that keeps managers' edits, one set-based query
// per rule kind, and every guard (mute, staff, occasion, monthly and daily caps counted on delivery days, reach).
import { describe, expect, it } from 'vitest';
import { program as defaultProgram, tempDb } from '../harness';
import type { Db } from '../../store/db';
import type { Program, NudgeRule } from '../../community/program';
import { ensureMember, markCanMessagePrivately, noteChat, setRole, updateProfile } from '../../store/members';
import { earnPoints } from '../../store/ledger';
import { insertCheckin } from '../../store/checkins';
import { setConversationState } from '../../store/conversations';
import { enqueueMessage, dueMessages } from '../../store/outbox';
import { setTierState } from '../../store/tiers';
import {
  activeNudgeRules,
  getNudgeRule,
  muteNudges,
  nudgeAudience,
  nudgeAudienceSize,
  nudgeAudiencePages,
  candidatesSql,
  AUDIENCE_PAGE_SQL,
  recordNudgeSend,
  seedNudgeRules,
  setNudgeRuleEnabled,
  unmuteNudges,
  type NudgeAudienceRow,
} from '../../store/nudges';
import { nudgeWindow, occasionKey, type NudgeWindow } from '../../community/nudges';
import { lotExpiresAt } from '../../community/earning';
import { addMonths } from '../../community/calendar';

const DAY = 86_400_000;
const at = (iso: string) => new Date(iso);

function setup(change?: (p: Program) => void): { db: Db; p: Program } {
  const { db } = tempDb();
  const p = defaultProgram(change);
  seedNudgeRules(db, p.nudges.rules, at('2026-01-01T00:00:00+08:00'));
  return { db, p };
}

/** A member who opened a private chat (or only talks in group g1), active at `when`. */
function person(db: Db, id: string, when: Date, opts: { privateChat?: boolean; group?: string } = { privateChat: true }) {
  const m = ensureMember(db, { channel: 'console', platformId: id, name: id, at: when });
  if (opts.privateChat) markCanMessagePrivately(db, 'console', id);
  if (opts.group) noteChat(db, 'console', opts.group, 'group', m.id, when);
  return m;
}

function windowFor(p: Program, db: Db, ruleId: string, now: Date): NudgeWindow {
  const rule = getNudgeRule(db, ruleId)!;
  return nudgeWindow(p, rule, now);
}

function audience(p: Program, db: Db, ruleId: string, now: Date): NudgeAudienceRow[] {
  return nudgeAudience(db, windowFor(p, db, ruleId, now));
}

/** Record that a rule reached a member (as a run would), delivered at `deliverAt`. */
function sent(db: Db, ruleId: string, memberId: number, occasion: string, when: Date, deliverAt = when) {
  const outboxKey = `nudge:${ruleId}:${memberId}:${occasion}`;
  expect(recordNudgeSend(db, { ruleId, memberId, occasion, at: when, deliverAt, channel: 'console', chat: String(memberId), outboxKey })).toBe(true);
  enqueueMessage(db, outboxKey, { channel: 'console', chat: String(memberId), text: 'x', kind: 'nudge' }, when, deliverAt);
}

describe('seeding the rules store', () => {
  const rules = () => defaultProgram().nudges.rules;

  it('adds the program file rules once, in file order', () => {
    const { db } = tempDb();
    const first = seedNudgeRules(db, rules(), at('2026-01-01T00:00:00Z'));
    expect(first.added).toEqual(['near-tier', 'dormant-30', 'dormant-60', 'expiring', 'birthday', 'streak-at-risk']);
    const again = seedNudgeRules(db, rules(), at('2026-01-02T00:00:00Z'));
    expect(again).toEqual({ added: [], updated: [], keptEdits: [], retired: [] });
    expect(activeNudgeRules(db).map((r) => r.id)).toEqual(first.added);
  });

  it("takes the file's changes but keeps a manager's pause", () => {
    const { db } = tempDb();
    seedNudgeRules(db, rules(), at('2026-01-01T00:00:00Z'));
    expect(setNudgeRuleEnabled(db, 'dormant-30', false, undefined, at('2026-01-02T00:00:00Z'))).toBe(true);
    expect(setNudgeRuleEnabled(db, 'dormant-30', false, undefined, at('2026-01-02T00:00:00Z'))).toBe(false);
    const edited = rules();
    const d30 = edited.find((r) => r.id === 'dormant-30')!;
    d30.template = { zh: '{name}，回来看看吧！', en: '{name}, come back and say hi!' };
    d30.enabled = true;
    edited.find((r) => r.id === 'birthday')!.schedule = '0 9 * * *';
    const report = seedNudgeRules(db, edited, at('2026-01-03T00:00:00Z'));
    expect(report.updated.sort()).toEqual(['birthday', 'dormant-30']);
    expect(report.keptEdits).toEqual([]);
    const row = getNudgeRule(db, 'dormant-30')!;
    expect(row.template.en).toBe('{name}, come back and say hi!');
    expect(row.enabled).toBe(false);
    expect(getNudgeRule(db, 'birthday')!.schedule).toBe('0 9 * * *');

    // The file now turns the rule off too, so file and manager agree; when the file turns it on again later, that is
    // the newest decision and the rule runs.
    d30.enabled = false;
    seedNudgeRules(db, edited, at('2026-01-04T00:00:00Z'));
    d30.enabled = true;
    const back = seedNudgeRules(db, edited, at('2026-01-05T00:00:00Z'));
    expect(back.updated).toEqual(['dormant-30']);
    expect(getNudgeRule(db, 'dormant-30')!.enabled).toBe(true);
  });

  it('reports a file change to a field the manager edited, keeps the edit and takes the rest', () => {
    const { db } = tempDb();
    seedNudgeRules(db, rules(), at('2026-01-01T00:00:00Z'));
    setNudgeRuleEnabled(db, 'birthday', false, undefined, at('2026-01-02T00:00:00Z'));
    const edited = rules().map((r) => (r.id === 'birthday' ? { ...r, enabled: false, channel: 'group' as const } : r));
    const report = seedNudgeRules(db, edited, at('2026-01-03T00:00:00Z'));
    expect(report.keptEdits).toEqual([{ id: 'birthday', fields: ['enabled'] }]);
    expect(report.updated).toEqual(['birthday']);
    expect(getNudgeRule(db, 'birthday')).toMatchObject({ enabled: false, channel: 'group' });
  });

  it('retires rules the file no longer has, and brings them back', () => {
    const { db } = tempDb();
    seedNudgeRules(db, rules(), at('2026-01-01T00:00:00Z'));
    const fewer = rules().filter((r) => r.id !== 'birthday');
    expect(seedNudgeRules(db, fewer, at('2026-01-02T00:00:00Z')).retired).toEqual(['birthday']);
    expect(getNudgeRule(db, 'birthday')).toBeUndefined();
    expect(activeNudgeRules(db).map((r) => r.id)).not.toContain('birthday');
    expect(seedNudgeRules(db, rules(), at('2026-01-03T00:00:00Z')).updated).toEqual(['birthday']);
    expect(activeNudgeRules(db).map((r) => r.id)).toEqual(rules().map((r) => r.id));
  });
});

describe('audiences, one query per kind', () => {
  const now = at('2026-06-15T10:00:00+08:00');

  it('near-tier: within the ratio of the next tier above the one held', () => {
    const { db, p } = setup();
    const grow = (memberId: number, growth: number, key: string, when: Date) =>
      earnPoints(db, { memberId, points: growth, growth, key, reason: 'purchase', at: when, expiresAt: lotExpiresAt(p, now) });
    const earn = (id: string, growth: number, tier?: string) => {
      const m = person(db, id, now);
      grow(m.id, growth, `g:${id}`, at('2026-06-12T12:00:00+08:00'));
      if (tier) setTierState(db, m.id, tier, null, now);
      return m;
    };
    const silver500 = earn('a', 4500, 'silver'); // 500 from Gold: 500 ≤ 15% of 5000
    earn('b', 4000, 'silver'); // 1000 from Gold: too far
    const member100 = earn('c', 900); // 100 from Silver: 100 ≤ 150
    earn('d', 5200, 'gold'); // Gold, Platinum far away
    earn('e', 1000, 'member'); // already past Silver (an upgrade pending): no gap, no nudge
    const old = person(db, 'f', now);
    // Growth older than the 12-month window does not count.
    grow(old.id, 4600, 'g:f', addMonths(now, -13, p.timezone));
    grow(old.id, 10, 'g:f2', new Date(now.getTime() - DAY));
    // Near, but nothing earned in the last 7 days: members get near by earning, so they are not looked at.
    const quiet = person(db, 'g', now);
    grow(quiet.id, 900, 'g:g', new Date(now.getTime() - 8 * DAY));
    const rows = audience(p, db, 'near-tier', now);
    expect(rows.map((r) => [r.memberId, r.nextTierId, r.gap])).toEqual([
      [silver500.id, 'gold', 500],
      [member100.id, 'silver', 100],
    ]);
    expect(rows[0]!.occasion).toBe('2026:gold');
  });

  it('dormant: silent for at least the days (and at most maxDays), with the points asked for', () => {
    const { db, p } = setup();
    const d30 = person(db, 'a', new Date(now.getTime() - 30 * DAY - 1000));
    person(db, 'b', new Date(now.getTime() - 29 * DAY));
    const d61 = person(db, 'c', new Date(now.getTime() - 61 * DAY));
    const d61points = person(db, 'd', new Date(now.getTime() - 61 * DAY));
    earnPoints(db, { memberId: d61points.id, points: 80, key: 'p:d', reason: 'grant', at: new Date(now.getTime() - 61 * DAY), expiresAt: lotExpiresAt(p, now) });
    expect(audience(p, db, 'dormant-30', now).map((r) => r.memberId)).toEqual([d30.id]);
    // dormant-60 only reaches members with points (minPoints: 1); the 61-day member without points is left out.
    const d60 = audience(p, db, 'dormant-60', now);
    expect(d60.map((r) => [r.memberId, r.balance])).toEqual([[d61points.id, 80]]);
    expect(d61.id).not.toBe(d61points.id);
    expect(audience(p, db, 'dormant-30', now)[0]!.occasion).toBe(`since:${d30.lastActiveAt}`);
    // dormant-60 stops looking after 89 days: nobody silent for months is recalled every day.
    expect(audience(p, db, 'dormant-60', new Date(now.getTime() + 28 * DAY)).map((r) => r.memberId)).toEqual([d61points.id]);
    expect(audience(p, db, 'dormant-60', new Date(now.getTime() + 29 * DAY))).toEqual([]);
  });

  it('expiring: the points expiring within the window, the soonest date, capped by the balance', () => {
    const { db, p } = setup();
    const m = person(db, 'a', now);
    const lot = (key: string, points: number, expires: string) =>
      earnPoints(db, { memberId: m.id, points, key, reason: 'purchase', at: at('2024-07-01T12:00:00+08:00'), expiresAt: at(expires) });
    lot('l1', 120, '2026-07-01T00:00:00+08:00');
    lot('l2', 30, '2026-07-10T00:00:00+08:00');
    lot('l3', 500, '2026-08-01T00:00:00+08:00'); // beyond 30 days
    lot('l4', 999, '2026-05-01T00:00:00+08:00'); // already past (the expiry job's business)
    const rows = audience(p, db, 'expiring', now);
    expect(rows.map((r) => [r.expiring, r.expiresAt, r.occasion])).toEqual([[150, at('2026-07-01T00:00:00+08:00').getTime(), 'expires:2026-07']]);
    // A lot expiring on the 30th day from today is included; the next day's is not.
    expect(nudgeAudienceSize(db, windowFor(p, db, 'expiring', at('2026-06-01T10:00:00+08:00')))).toBe(1);
    expect(nudgeAudienceSize(db, windowFor(p, db, 'expiring', at('2026-05-31T10:00:00+08:00')))).toBe(0);
  });

  it('birthday: today, with 29 February kept on 28 February in other years', () => {
    const { db, p } = setup();
    const a = person(db, 'a', now);
    updateProfile(db, a.id, { birthday: '1990-06-15' });
    const leap = person(db, 'b', now);
    updateProfile(db, leap.id, { birthday: '2000-02-29' });
    person(db, 'c', now);
    expect(audience(p, db, 'birthday', now).map((r) => [r.memberId, r.occasion])).toEqual([[a.id, '2026']]);
    expect(audience(p, db, 'birthday', at('2027-02-28T10:00:00+08:00')).map((r) => r.memberId)).toEqual([leap.id]);
    expect(audience(p, db, 'birthday', at('2028-02-28T10:00:00+08:00')).map((r) => r.memberId)).toEqual([]);
    expect(audience(p, db, 'birthday', at('2028-02-29T10:00:00+08:00')).map((r) => r.memberId)).toEqual([leap.id]);
  });

  it('streak-at-risk: a streak of three or more up to yesterday and no check-in today', () => {
    const { db, p } = setup();
    const evening = at('2026-06-15T20:00:00+08:00');
    const checkin = (memberId: number, day: string, streak: number) =>
      insertCheckin(db, { memberId, day, streak, at: evening.getTime(), channel: 'console', chat: 'g1' });
    const a = person(db, 'a', now);
    checkin(a.id, '2026-06-14', 3);
    const b = person(db, 'b', now);
    checkin(b.id, '2026-06-14', 2);
    const c = person(db, 'c', now);
    checkin(c.id, '2026-06-14', 5);
    checkin(c.id, '2026-06-15', 6);
    const rows = audience(p, db, 'streak-at-risk', evening);
    expect(rows.map((r) => [r.memberId, r.streak, r.occasion])).toEqual([[a.id, 3, '2026-06-15']]);
  });

  it("builds each row's occasion from the window's prefix and the row's own part", () => {
    const { db, p } = setup();
    const a = person(db, 'a', new Date(now.getTime() - 40 * DAY));
    const w = windowFor(p, db, 'dormant-30', now);
    expect(nudgeAudience(db, w)[0]!.occasion).toBe(occasionKey(w, String(a.lastActiveAt)));
  });
});

describe('guards, applied to every kind in the same query', () => {
  const now = at('2026-06-15T10:00:00+08:00');
  const silent = new Date(now.getTime() - 40 * DAY);

  it('leaves out muted members, members whose conversation staff own or wait for, and staff', () => {
    const { db, p } = setup();
    const a = person(db, 'a', silent);
    const muted = person(db, 'b', silent);
    const withStaff = person(db, 'c', silent);
    const waiting = person(db, 'd', silent);
    setRole(db, person(db, 's', silent).id, 'staff');
    expect(muteNudges(db, muted.id, now)).toBe(true);
    setConversationState(db, { channel: 'console', chatId: 'c', memberId: withStaff.id }, 'staff', null, now);
    setConversationState(db, { channel: 'console', chatId: 'd', memberId: waiting.id }, 'waiting', null, now);
    expect(audience(p, db, 'dormant-30', now).map((r) => r.memberId)).toEqual([a.id]);
    expect(unmuteNudges(db, muted.id)).toBe(true);
    setConversationState(db, { channel: 'console', chatId: 'c', memberId: withStaff.id }, 'bot', null, now);
    expect(audience(p, db, 'dormant-30', now).map((r) => r.memberId)).toEqual([a.id, muted.id, withStaff.id]);
  });

  it('never repeats a rule for the same occasion, but a new occasion is a new nudge', () => {
    const { db, p } = setup();
    const a = person(db, 'a', silent);
    const [row] = audience(p, db, 'dormant-30', now);
    sent(db, 'dormant-30', a.id, row!.occasion, now);
    expect(audience(p, db, 'dormant-30', new Date(now.getTime() + DAY))).toEqual([]);
    // The member comes back, then goes silent again: a new spell.
    const back = person(db, 'a', new Date(now.getTime() + 2 * DAY));
    const later = new Date(back.lastActiveAt + 31 * DAY);
    expect(audience(p, db, 'dormant-30', later).map((r) => r.memberId)).toEqual([a.id]);
  });

  it('holds the monthly cap of 4 and the daily cap of 1, counting withdrawn sends no more', () => {
    const { db, p } = setup();
    const a = person(db, 'a', silent);
    for (const [i, d] of ['2026-06-01', '2026-06-03', '2026-06-05'].entries()) sent(db, 'other', a.id, `o${i}`, at(`${d}T10:00:00+08:00`));
    expect(audience(p, db, 'dormant-30', now)).toHaveLength(1);
    sent(db, 'other', a.id, 'o3', at('2026-06-15T09:30:00+08:00'));
    // One today already: the daily cap. Tomorrow: four this month, the monthly cap.
    expect(audience(p, db, 'dormant-30', now)).toEqual([]);
    expect(audience(p, db, 'dormant-30', new Date(now.getTime() + DAY))).toEqual([]);
    expect(audience(p, db, 'dormant-30', at('2026-07-01T11:00:00+08:00'))).toHaveLength(1);
    // Muting withdraws the waiting nudges; withdrawn ones stop counting once the member unmutes.
    sent(db, 'other', a.id, 'o4', at('2026-06-16T22:00:00+08:00'), at('2026-06-17T09:00:00+08:00'));
    muteNudges(db, a.id, at('2026-06-16T23:00:00+08:00'));
    expect(dueMessages(db, at('2026-06-17T09:00:00+08:00'))).toEqual([]);
    unmuteNudges(db, a.id);
    expect(audience(p, db, 'dormant-30', at('2026-07-01T11:00:00+08:00'))).toHaveLength(1);
  });

  it('counts a nudge held by quiet hours on the day and month it is delivered', () => {
    const { db, p } = setup((prog) => {
      prog.nudges.rules.find((r: NudgeRule) => r.id === 'dormant-30')!.schedule = '30 22 * * *';
    });
    const a = person(db, 'a', silent);
    // Decided at 22:30 on 30 June, delivered at 09:00 on 1 July.
    const w = windowFor(p, db, 'dormant-30', at('2026-06-30T22:30:00+08:00'));
    expect(new Date(w.deliverAt).toISOString()).toBe(at('2026-07-01T09:00:00+08:00').toISOString());
    const [row] = nudgeAudience(db, w);
    sent(db, 'dormant-30', a.id, row!.occasion, at('2026-06-30T22:30:00+08:00'), new Date(w.deliverAt));
    // 1 July's daily cap is used up; 30 June's is not.
    expect(audience(p, db, 'birthday', at('2026-07-01T10:00:00+08:00'))).toEqual([]);
    updateProfile(db, a.id, { birthday: '1990-07-01' });
    expect(audience(p, db, 'birthday', at('2026-07-01T10:00:00+08:00'))).toEqual([]);
    updateProfile(db, a.id, { birthday: '1990-06-30' });
    expect(audience(p, db, 'birthday', at('2026-06-30T10:00:00+08:00')).map((r) => r.memberId)).toEqual([a.id]);
  });

  it('reaches a member privately when allowed, else in their latest group with their id to mention', () => {
    const { db, p } = setup();
    person(db, 'a', silent);
    person(db, 'b', silent, { group: 'g1' });
    person(db, 'c', silent, { privateChat: false });
    person(db, 'd', silent, { privateChat: true, group: 'g2' });
    const d = ensureMember(db, { channel: 'console', platformId: 'd', at: silent });
    noteChat(db, 'console', 'g3', 'group', d.id, new Date(silent.getTime() - DAY));
    const rows = audience(p, db, 'dormant-30', now);
    expect(rows.map((r) => [r.name, r.target])).toEqual([
      ['a', { channel: 'console', chat: 'a' }],
      ['b', { channel: 'console', chat: 'g1', mention: 'b' }],
      ['d', { channel: 'console', chat: 'd' }],
    ]);
    // A rule that prefers groups mentions members in their latest group, and writes privately to those in none.
    const grouped = nudgeAudience(db, { ...windowFor(p, db, 'dormant-30', now), channel: 'group' });
    expect(grouped.map((r) => [r.name, r.target])).toEqual([
      ['a', { channel: 'console', chat: 'a' }],
      ['b', { channel: 'console', chat: 'g1', mention: 'b' }],
      ['d', { channel: 'console', chat: 'g2', mention: 'd' }],
    ]);
    expect(nudgeAudienceSize(db, windowFor(p, db, 'dormant-30', now))).toBe(3);
    expect(nudgeAudience(db, windowFor(p, db, 'dormant-30', now), 2).map((r) => r.name)).toEqual(['a', 'b']);
  });
});

describe('audience queries at scale', () => {
  // Plans, not timings: these break when a migration or a query edit stops an audience from using its index, which
  // the bench would only show as a run over a million members getting slower.
  function plan(db: Db, sqlText: string): string {
    const names = [...new Set([...sqlText.matchAll(/@(\w+)/g)].map((m) => m[1]!))];
    const params = Object.fromEntries(names.map((n) => [n, ['tiers', 'expiryMonths', 'monthDays'].includes(n) ? '[]' : 0]));
    return (db.$client.prepare(`EXPLAIN QUERY PLAN ${sqlText}`).all(params) as { detail: string }[]).map((r) => r.detail).join('\n');
  }

  it('finds birthdays through the month-day index and walks no whole table', () => {
    const { db } = setup();
    nudgeAudience(db, windowFor(defaultProgram(), db, 'birthday', at('2026-03-01T10:00:00+08:00'))); // creates the candidates table
    const text = plan(db, candidatesSql('birthday'));
    expect(text).toContain('members_birthday_md');
    expect(text).not.toMatch(/SCAN (m|members)\b/);
    // Members this rule already reached for this occasion are turned away as candidates are collected.
    expect(text).toContain('USING COVERING INDEX nudge_sends_occasion');
  });

  it('reads a page of candidates in member order and answers the other guards and where to reach them from covering indexes', () => {
    const { db } = setup();
    nudgeAudience(db, windowFor(defaultProgram(), db, 'birthday', at('2026-03-01T10:00:00+08:00')));
    const text = plan(db, AUDIENCE_PAGE_SQL);
    expect(text).toMatch(/SEARCH c USING INTEGER PRIMARY KEY \(rowid>\?\)/);
    expect(text).not.toContain('FOR ORDER BY'); // the page comes in key order: no sort, and LIMIT stops the walk
    for (const index of ['identities_private', 'chat_members_member', 'conversations_member']) {
      expect(text).toContain(`USING COVERING INDEX ${index}`);
    }
  });

  it('pages through a large audience in member order with every guard applied, the same as one read', () => {
    const { db, p } = setup();
    const silent = at('2026-03-01T10:00:00+08:00');
    const ids = Array.from({ length: 23 }, (_, i) => person(db, `m${i}`, silent).id);
    setRole(db, ids[4]!, 'staff');
    sent(db, 'dormant-30', ids[9]!, `since:${silent.getTime()}`, silent);
    const w = windowFor(p, db, 'dormant-30', at('2026-04-05T12:00:00+08:00'));
    const pages = [...nudgeAudiencePages(db, w, Infinity, 5)];
    expect(pages.map((page) => page.length)).toEqual([5, 5, 5, 5, 1]);
    const paged = pages.flat().map((r) => r.memberId);
    expect(paged).toEqual(ids.filter((id) => id !== ids[4] && id !== ids[9]));
    expect(nudgeAudience(db, w).map((r) => r.memberId)).toEqual(paged);
    expect(nudgeAudienceSize(db, w)).toBe(21);
    expect([...nudgeAudiencePages(db, w, 7, 5)].flat().map((r) => r.memberId)).toEqual(paged.slice(0, 7));
  });
});
