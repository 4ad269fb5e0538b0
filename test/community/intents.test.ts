// The intent layer judged on phrasings: the dev set it was tuned on, and held-out sets written separately
// (test/community/intents/README.md tells how). Prints the accuracy per language and file.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recogniseIntent, correctWord, birthdayIn } from '../../community/intents';
import { program } from '../harness';

const dir = join(import.meta.dirname, 'intents');
const tiers = program().tiers;

interface Example {
  file: string;
  line: number;
  intent: string;
  tier?: string;
  text: string;
}

function load(file: string): Example[] {
  return readFileSync(join(dir, file), 'utf8')
    .split('\n')
    .map((raw, i) => ({ raw, line: i + 1 }))
    .filter(({ raw }) => raw.trim() !== '' && !raw.startsWith('#'))
    .map(({ raw, line }) => {
      const [label, text] = raw.split('\t');
      if (!label || text === undefined) throw new Error(`${file}:${line}: expected "label<TAB>text"`);
      const [intent, tier] = label.split(':');
      return { file, line, intent: intent!, tier, text };
    });
}

const files = readdirSync(dir).filter((f) => f.endsWith('.tsv'));
const set = (kind: 'dev' | 'heldout', lang: 'en' | 'zh') =>
  files.filter((f) => f.startsWith(kind) && f.endsWith(`.${lang}.tsv`)).flatMap(load);

function score(examples: Example[]): { right: number; total: number; wrong: string[] } {
  const wrong: string[] = [];
  for (const e of examples) {
    const got = recogniseIntent(e.text, tiers);
    const ok = got.name === e.intent && (e.intent !== 'next-tier' || got.tier === e.tier);
    if (!ok) wrong.push(`${e.file}:${e.line} expected ${e.intent}${e.tier ? `:${e.tier}` : ''}, got ${got.name}${got.tier ? `:${got.tier}` : ''} — ${e.text}`);
  }
  return { right: examples.length - wrong.length, total: examples.length, wrong };
}

const pct = (r: { right: number; total: number }) => `${((100 * r.right) / r.total).toFixed(1)}% (${r.right}/${r.total})`;

describe('intent evaluation data', () => {
  for (const lang of ['en', 'zh'] as const) {
    it(`${lang}: a held-out set of at least 150 phrasings with at least 60 chatter lines, none copied from the dev set`, () => {
      const heldout = set('heldout', lang);
      expect(heldout.length).toBeGreaterThanOrEqual(150);
      expect(heldout.filter((e) => e.intent === 'none').length).toBeGreaterThanOrEqual(60);
      // Literal copies are forbidden; a typo'd or traditional variant of a dev line is allowed (it tests normalisation).
      const literal = (t: string) => t.trim().toLowerCase();
      const dev = new Set(set('dev', lang).map((e) => literal(e.text)));
      expect(heldout.filter((e) => dev.has(literal(e.text))).map((e) => e.text)).toEqual([]);
      const seen = new Set<string>();
      const repeated = heldout.filter((e) => seen.has(literal(e.text)) || !seen.add(literal(e.text)));
      expect(repeated.map((e) => e.text)).toEqual([]);
      for (const intent of ['balance', 'tier', 'next-tier', 'expiry', 'earn', 'redeem', 'checkin', 'help', 'human', 'none',
        'greeting', 'thanks', 'checkin-info', 'checkin-status', 'opt-out', 'opt-in', 'invite', 'benefits', 'birthday'])
        expect(heldout.some((e) => e.intent === intent), `held-out ${lang} has ${intent}`).toBe(true);
    });
  }
});

describe('intent accuracy', () => {
  for (const lang of ['en', 'zh'] as const) {
    it(`${lang}: at least 95% right on the held-out set`, () => {
      const heldout = set('heldout', lang);
      const all = score(heldout);
      const perFile = files
        .filter((f) => f.startsWith('heldout') && f.endsWith(`.${lang}.tsv`))
        .map((f) => `${f} ${pct(score(load(f)))}`);
      console.log(`[intents] held-out ${lang}: ${pct(all)}  —  ${perFile.join(', ')}`);
      if (all.wrong.length > 0) console.log(all.wrong.map((w) => `  ✗ ${w}`).join('\n'));
      expect(all.right / all.total).toBeGreaterThanOrEqual(0.95);
    });

    it(`${lang}: dev set`, () => {
      const dev = score(set('dev', lang));
      console.log(`[intents] dev ${lang}: ${pct(dev)}`);
      expect(dev.right / dev.total).toBeGreaterThanOrEqual(0.95);
    });

    it(`${lang}: chatter that is not for the bot gets none`, () => {
      const chatter = [...set('heldout', lang), ...set('dev', lang)].filter((e) => e.intent === 'none');
      const answered = chatter.filter((e) => recogniseIntent(e.text, tiers).name !== 'none').map((e) => e.text);
      console.log(`[intents] chatter ${lang}: ${chatter.length - answered.length}/${chatter.length} left alone`);
      expect(answered.length / chatter.length).toBeLessThanOrEqual(0.01);
    });
  }

  it('leaves everyday group chatter alone', () => {
    for (const text of ['今天天气真好', "who's coming to the meetup?", '这个口红色号好看吗', 'lol same', '哈哈哈', 'good point', '我们去打卡网红店吧', 'the gold one is nicer', '', '🎉🎉'])
      expect(recogniseIntent(text, tiers), text).toEqual({ name: 'none' });
  });
});

describe('questions beside the points', () => {
  it('reads a question about checking in as a question, not a check-in', () => {
    expect(recogniseIntent('签到有什么用', tiers).name).toBe('checkin-info');
    expect(recogniseIntent('我今天签到了吗', tiers).name).toBe('checkin-status');
    expect(recogniseIntent('签到', tiers).name).toBe('checkin');
    expect(recogniseIntent('did I check in today', tiers).name).toBe('checkin-status');
  });

  it('names the tier whose perks are asked about', () => {
    expect(recogniseIntent('金卡有什么权益', tiers)).toEqual({ name: 'benefits', tier: 'gold' });
    expect(recogniseIntent('what do I get as Platinum', tiers)).toEqual({ name: 'benefits', tier: 'platinum' });
  });

  it('answers small talk only when the whole message is small talk', () => {
    expect(recogniseIntent('谢谢', tiers).name).toBe('thanks');
    expect(recogniseIntent('hi', tiers).name).toBe('greeting');
    for (const text of ['谢谢大家', 'hello everyone', '你好漂亮', 'thank god it is friday']) expect(recogniseIntent(text, tiers).name, text).toBe('none');
    expect(recogniseIntent('hi, how many points do I have?', tiers).name).toBe('balance');
  });

  it('parses a birthday date', () => {
    expect(birthdayIn('我的生日是3月15日')).toEqual({ month: 3, day: 15 });
    expect(birthdayIn('set my birthday 1990-03-15')).toEqual({ year: 1990, month: 3, day: 15 });
    expect(birthdayIn('my birthday is 15 March')).toEqual({ month: 3, day: 15 });
    expect(birthdayIn('my bday is Dec 25')).toEqual({ month: 12, day: 25 });
    expect(birthdayIn('生日 1988年7月9日')).toEqual({ year: 1988, month: 7, day: 9 });
    expect(birthdayIn('my birthday is 31 February')).toBeUndefined();
    expect(birthdayIn('生日13月1日')).toBeUndefined();
  });
});

describe('normalisation and tier targets', () => {
  it('folds full-width, case, traditional characters, slang and typos', () => {
    expect(recogniseIntent('ＨＯＷ　ＭＡＮＹ　ＰＯＩＮＴＳ？', tiers).name).toBe('balance');
    expect(recogniseIntent('我的積分是多少', tiers).name).toBe('balance');
    expect(recogniseIntent('查一下我的等級', tiers).name).toBe('tier');
    expect(recogniseIntent('jf多少', tiers).name).toBe('balance');
    expect(recogniseIntent('积份余额', tiers).name).toBe('balance');
    expect(recogniseIntent('how many ponits', tiers).name).toBe('balance');
    expect(recogniseIntent('pionts expirng soon?', tiers).name).toBe('expiry');
    expect(correctWord('platnum')).toBe('platinum');
    // Everyday words one letter from a keyword stay what they are.
    for (const word of ['tire', 'good', 'learn', 'paints', 'print', 'checking']) expect(correctWord(word)).toBe(word);
  });

  it('extracts the tier asked about', () => {
    expect(recogniseIntent('how far to Platinum', tiers)).toEqual({ name: 'next-tier', tier: 'platinum' });
    expect(recogniseIntent('离钻石还差多少', tiers)).toEqual({ name: 'next-tier', tier: 'diamond' });
    expect(recogniseIntent('还差多少升金卡', tiers)).toEqual({ name: 'next-tier', tier: 'gold' });
    expect(recogniseIntent('how far from silver to gold?', tiers)).toEqual({ name: 'next-tier', tier: 'gold' });
    expect(recogniseIntent('我银卡，离金卡还差多少', tiers)).toEqual({ name: 'next-tier', tier: 'gold' });
    expect(recogniseIntent('how far to the next tier', tiers)).toEqual({ name: 'next-tier' });
  });

  it('uses the names of the program in hand', () => {
    const renamed = program((p) => {
      p.tiers[2]!.name = { zh: '星耀', en: 'Star' };
    }).tiers;
    expect(recogniseIntent('how far to Star?', renamed)).toEqual({ name: 'next-tier', tier: 'gold' });
    expect(recogniseIntent('离星耀还差多少', renamed)).toEqual({ name: 'next-tier', tier: 'gold' });
  });
});
