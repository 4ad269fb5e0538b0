// Groups without an @mention: clear questions about oneself are answered (privately), complaints and bulk enquiries
// reach staff silently, and ordinary chatter — every line the intent sets label `none` — gets no reply in the group.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { msg, replay } from '../harness';

const dir = join(import.meta.dirname, '..', 'community', 'intents');
const at = (minute: number) => new Date(Date.parse('2026-03-02T10:00:00+08:00') + minute * 60_000).toISOString();

/** The lines of the intent sets whose label passes `keep`. */
function linesLabelled(keep: (label: string) => boolean): string[] {
  const lines: string[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.tsv'))) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      const [label, text] = line.split('\t');
      if (label && keep(label) && text && text.trim() !== '') lines.push(text);
    }
  }
  return lines;
}

/** Every line labelled `none` in the intent sets: chatter that is not a question for the bot. */
const chatter = () => linesLabelled((l) => l === 'none');

describe('group messages not addressed to the bot', () => {
  it('give no group reply for any chatter line of the intent sets', async () => {
    const lines = chatter();
    expect(lines.length).toBeGreaterThan(300);
    const out = await replay(lines.map((text, i) => msg(`c${i}`, at(i), `u${i}`, text, { chat: 'grp', name: `M${i}` })));
    const inGroup = out.filter((o) => o.chat === 'grp').map((o) => `${o.replyTo}: ${lines[Number(o.replyTo?.slice(1))]} → ${o.text}`);
    expect(inGroup).toEqual([]);
    // Staff see a card only for real complaints among them (today one: "我的快递怎么还没到"), never for plain chatter.
    const cards = out.filter((o) => o.chat === 'staff' && o.text.startsWith('🆕'));
    expect(cards.length).toBeLessThanOrEqual(2);
    for (const c of cards) expect(c.text).toMatch(/complaint|high-value/);
    // Nor anything private to the people chatting (a staff card may follow a complaint, silently).
    expect(out.filter((o) => o.chat !== 'grp' && o.chat !== 'staff')).toEqual([]);
  });

  it('answer "did I check in today?" without checking the member in, and a why about one\'s points privately', async () => {
    const out = await replay([
      msg('c1', at(0), 'u1', '签到', { chat: 'grp', name: 'Ann' }),
      msg('q1', at(1), 'u2', '我今天签到了吗', { chat: 'grp', name: 'Ben' }),
      msg('q2', at(2), 'u1', 'why did my points go down?', { chat: 'grp', name: 'Ann' }),
      msg('q3', at(3), 'u2', '/points', { chat: 'grp', name: 'Ben' }),
    ]);
    expect(out.find((o) => o.replyTo === 'q1')).toMatchObject({ chat: 'grp', text: expect.stringMatching(/^你今天还没签到/) });
    // Ben was not checked in by asking: he still has no points.
    expect(out.find((o) => o.chat === 'u2')!.text).toMatch(/^你有 0 积分/);
    expect(out.find((o) => o.replyTo === 'q2')).toMatchObject({ chat: 'grp', text: "📩 I've sent it to you privately." });
    expect(out.some((o) => o.chat === 'u1')).toBe(true);
  });

  it('answer a clear question about oneself privately, and leave questions about others alone', async () => {
    const out = await replay([
      { type: 'purchase', at: at(0), member: 'u1', orderId: 'o1', amount: 300 },
      msg('q1', at(1), 'u1', '我现在有多少积分？', { chat: 'grp', name: 'Ann' }),
      msg('q2', at(2), 'u2', '你有多少积分', { chat: 'grp', name: 'Ben' }),
      msg('q3', at(3), 'u2', 'how many points does she have', { chat: 'grp', name: 'Ben' }),
      msg('q4', at(4), 'u1', '我的积分能换什么', { chat: 'grp', name: 'Ann' }),
      msg('q5', at(5), 'u2', 'my points?', { chat: 'grp', name: 'Ben', replyTo: 'q1' }),
    ]);
    expect(out.map((o) => [o.chat, o.replyTo])).toEqual([
      ['u1', undefined],
      ['grp', 'q1'],
      ['u1', undefined],
      ['grp', 'q4'],
    ]);
    expect(out.filter((o) => o.chat === 'grp').every((o) => !/300/.test(o.text))).toBe(true);
    expect(out[0]!.text).toMatch(/300/);
  });

  it('answer most questions about oneself of the intent sets without a mention (480 of 586 on 2026-12-02)', async () => {
    const questions = linesLabelled((l) => /^(balance|tier|next-tier|expiry|redeem)(:|$)/.test(l));
    const out = await replay(questions.map((text, i) => msg(`q${i}`, at(i), `u${i}`, text, { chat: 'grp', name: `M${i}` })));
    const answered = new Set(out.filter((o) => o.chat === 'grp').map((o) => o.replyTo));
    expect(answered.size / questions.length).toBeGreaterThan(0.8);
    // Whatever the group hears is a pointer, never a balance.
    expect(out.filter((o) => o.chat === 'grp').every((o) => !/\d+ (points|积分)/.test(o.text))).toBe(true);
  });
});
