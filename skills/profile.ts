// `/name NAME` 昵称: a member tells Hearth what to call them. Where the platform names nobody (WeCom's robot sees a
// userid only), this is how a member gets a name in celebrations, tickets and the staff card.
import type { Skill, SkillModule } from '../bot/core/skill';
import { updateProfile } from '../store/members';
import { profileCopy } from './profile.copy';
import { commandArgs, isCommand } from './commands';

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

export const profileModule: SkillModule = { skills: [nameSkill] };
