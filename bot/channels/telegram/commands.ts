// The command menus Telegram shows under "/": for private chats, for groups, for group admins (who moderate a listed
// group) and for the staff room, each in English (the default) and Chinese (language_code zh) — built from the one
// command list the router and /help use.
import type { MenuCommand } from '../../core/channel';

/** One setMyCommands call. */
export interface CommandMenu {
  scope: { type: 'all_private_chats' | 'all_group_chats' | 'all_chat_administrators' } | { type: 'chat'; chat_id: number };
  language_code?: 'zh';
  commands: { command: string; description: string }[];
}

/** Every setMyCommands call for `commands`: three scopes (and the staff room's own), two languages. */
export function commandMenus(commands: readonly MenuCommand[], staffChatId?: string): CommandMenu[] {
  const of = (menu: MenuCommand['menus'][number]) => commands.filter((c) => c.menus.includes(menu));
  const scopes: [CommandMenu['scope'], MenuCommand[]][] = [
    [{ type: 'all_private_chats' }, of('private')],
    [{ type: 'all_group_chats' }, of('group')],
    // Telegram shows admins this menu instead of the group's: theirs holds the group's commands too.
    [{ type: 'all_chat_administrators' }, [...of('group'), ...of('admins').filter((c) => !c.menus.includes('group'))]],
  ];
  if (staffChatId && /^-\d+$/.test(staffChatId)) scopes.push([{ type: 'chat', chat_id: Number(staffChatId) }, of('staff')]);
  return scopes.flatMap(([scope, entries]) =>
    (['en', 'zh'] as const).map((lang) => ({
      scope,
      ...(lang === 'zh' ? { language_code: 'zh' as const } : {}),
      // Telegram allows 100 commands a scope, descriptions of 3–256 characters.
      commands: entries.slice(0, 100).map((e) => ({ command: e.command, description: e.description[lang].slice(0, 256) })),
    })),
  );
}
