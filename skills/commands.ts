// Recognising a command: `/name` (with @bot in groups) or a Chinese alias typed as the first word.
import type { SkillContext } from '../bot/engine';

/** True when the message is one of the slash commands, or starts with one of the aliases (e.g. 签到). */
export function isCommand(ctx: SkillContext, names: string[], aliases: string[] = []): boolean {
  if (ctx.command) return names.includes(ctx.command.name);
  const text = ctx.msg.text.trim().toLowerCase();
  return aliases.some((a) => text === a || text.startsWith(`${a} `) || text.startsWith(`${a}\n`));
}

/** The words after the command or alias. */
export function commandArgs(ctx: SkillContext, aliases: string[] = []): string {
  if (ctx.command) return ctx.command.args;
  const text = ctx.msg.text.trim();
  const alias = aliases.find((a) => text.toLowerCase().startsWith(a));
  return alias ? text.slice(alias.length).trim() : '';
}
