// `/name NAME` 昵称: a member tells Hearth what to call them. Where the platform names nobody (WeCom's robot sees a
// userid only), this is how a member gets a name in celebrations, tickets and the staff card. And a birthday told in
// chat ("我的生日是3月15日"), set once: a change needs staff, or the birthday multiplier could be moved to any day.
import type { Skill, SkillContext, SkillModule } from '../bot/core/skill';
import { setBirthdayOnce, updateProfile } from '../store/members';
import { birthdayIn } from '../community/intents';
import { localDate } from '../community/calendar';
import { profileCopy } from './profile.copy';
import { commandArgs, isCommand } from './commands';
import { replyPrivately } from './private';

/** The longest name, in characters as people count them (an emoji is one). */
export const MAX_NAME = 24;

/** The name as it will be stored, or undefined when it cannot be a name (empty, too long, a link, an @, a line break). */
export function cleanName(text: string): string | undefined {
  const name = text.normalize('NFC').trim().replace(/\s+/g, ' ');
  const length = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(name)].length;
  if (length === 0 || length > MAX_NAME) return undefined;
  // Invisible format characters would make two names look alike; the joiner inside an emoji (U+200D) is not one of them.
  if (/[@＠\p{Cc}]|https?:|www\.|\.(com|cn|net)\b/iu.test(name) || /\p{Cf}/u.test(name.replace(/\u200d/g, ''))) return undefined;
  return name;
}

/** Sets the member's name from `/name NAME`; asks for one when it is missing. */
export const nameSkill: Skill = {
  name: 'profile',
  middleware(ctx, next) {
    if (!isCommand(ctx, 'name')) return next();
    ctx.handled = true;
    const say = profileCopy.to(ctx);
    const args = commandArgs(ctx, 'name');
    if (args.trim() === '') return void ctx.reply(say('usage'));
    const name = cleanName(args);
    if (name === undefined) return void ctx.reply(say('invalid', { max: MAX_NAME }));
    updateProfile(ctx.deps.db, ctx.member.id, { name });
    ctx.reply(say('named', { name }));
  },
};

/** The month and day of a stored birthday (YYYY-MM-DD, year 0000 when unknown) as the member reads it. */
function birthdayText(ctx: SkillContext, birthday: string): string {
  const [year, month, day] = birthday.split('-').map(Number) as [number, number, number];
  const say = profileCopy.to(ctx);
  const monthName = new Intl.DateTimeFormat('en', { month: 'long', timeZone: 'UTC' }).format(Date.UTC(2000, month - 1, 1));
  return year > 0 ? say('dateWithYear', { year: String(year), month, day, monthName }) : say('date', { month, day, monthName });
}

/** Set the member's birthday from their words, once; a second, different date is referred to staff. Answered privately. */
export function setBirthday(ctx: SkillContext): void {
  const say = profileCopy.to(ctx);
  const thisYear = Number(localDate(ctx.now, ctx.deps.program.timezone).slice(0, 4));
  const date = birthdayIn(ctx.msg.text, thisYear);
  if (!date) return void replyPrivately(ctx, say('birthdayInvalid'));
  const pad = (n: number) => String(n).padStart(2, '0');
  const birthday = `${date.year === undefined ? '0000' : String(date.year)}-${pad(date.month)}-${pad(date.day)}`;
  const result = setBirthdayOnce(ctx.deps.db, ctx.member.id, birthday);
  const multiplier = ctx.deps.program.points.birthdayMultiplier;
  if (result.kind === 'locked') return void replyPrivately(ctx, say('birthdayLocked', { date: birthdayText(ctx, result.birthday) }));
  if (result.kind === 'same') return void replyPrivately(ctx, say('birthdaySame', { date: birthdayText(ctx, result.birthday) }));
  const lines = [say('birthdaySet', { date: birthdayText(ctx, birthday) })];
  if (multiplier !== 1) lines.push(say('birthdayPerk', { multiplier: `×${String(multiplier)}` }));
  lines.push(say('birthdayFinal'));
  replyPrivately(ctx, lines.join('\n'));
}

export const profileModule: SkillModule = { skills: [nameSkill] };
