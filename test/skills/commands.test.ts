// The one command list agrees with what people meet: every command, its other slash names and its words reach a skill
// of their own through the real engine (not the question-answering skill, not the fallback); /help lists exactly the
// commands of the asker's role; and the Telegram menus, published to a local fake Bot API, hold the list's menu entries.
import { afterEach, describe, expect, it } from 'vitest';
import { COMMANDS, commandLine, type CommandSpec } from '../../skills/commands';
import { skillModules } from '../../bot/hearth';
import { menuCommands } from '../../bot/live';
import type { Skill, SkillModule } from '../../bot/core/skill';
import type { Role } from '../../bot/core/types';
import { createTelegramChannel } from '../../bot/channels/telegram';
import { silentLogger } from '../../bot/log';
import { VirtualClock } from '../../bot/core/clock';
import { ensureMember, setRole } from '../../store/members';
import { dueMessages } from '../../store/outbox';
import { hearthOn, tempDb, testHearth } from '../harness';
import { startFakeBotApi, type FakeBotApi } from '../../bench/fake-bot-api';

const at = new Date('2026-03-02T03:00:00Z');
const roleOf = (spec: CommandSpec): Role => (spec.audience === 'member' ? 'member' : spec.audience === 'staff' ? 'staff' : 'manager');

/** The skill that answered each message id, with every skill of the real modules watched. */
function watchedModules(answered: Map<string, string>): SkillModule[] {
  const watch = (skill: Skill): Skill => ({
    name: skill.name,
    async middleware(ctx, next) {
      let passed = false;
      await skill.middleware(ctx, () => {
        passed = true;
        return next();
      });
      if (!passed && !answered.has(ctx.msg.id)) answered.set(ctx.msg.id, skill.name);
    },
  });
  return skillModules().map((m) => ({ ...m, skills: m.skills?.map(watch) }));
}

describe('the command list and the router', () => {
  /** A Hearth with every real skill watched; `send` answers which skill took the message. */
  function rig() {
    const answered = new Map<string, string>();
    const { db } = tempDb();
    const hearth = testHearth(db, at, { modules: watchedModules(answered) });
    let n = 0;
    return async (text: string, role: Role, chatType: 'private' | 'group' = 'private') => {
      const id = `m${++n}`;
      const from = `${role}-${n}`;
      setRole(db, ensureMember(db, { channel: 'console', platformId: from, name: from, at }).id, role);
      await hearth.handleMessage({ id, channel: 'console', chat: chatType === 'private' ? from : 'g1', chatType, from: { id: from, name: from }, text, at });
      return answered.get(id);
    };
  }

  for (const spec of COMMANDS) {
    const ways = [...[spec.name, ...(spec.also ?? [])].map((s) => `/${s}`), ...spec.words.zh, ...spec.words.en];
    it(`${ways.join(' ')} reach a skill of their own`, async () => {
      const send = rig();
      for (const text of ways) {
        const by = await send(text, roleOf(spec), spec.name === 'group' ? 'group' : 'private');
        expect(by, `"${text}"`).toBeDefined();
        expect(['ask', 'fallback'], `"${text}" was answered by ${by}`).not.toContain(by);
      }
    });
  }

  it('a slash command that is not on the list is not claimed by a command skill', async () => {
    expect(['ask', 'fallback']).toContain(await rig()('/frobnicate', 'manager'));
  });
});

describe('the command list and /help', () => {
  for (const role of ['member', 'manager', 'staff'] as const) {
    it(`lists exactly the commands a ${role} may use, in both languages`, async () => {
      const { db } = tempDb();
      const hearth = testHearth(db, at);
      for (const [lang, text] of [['en', '/help'], ['zh', '帮助']] as const) {
        const from = `${role}-${lang}`;
        setRole(db, ensureMember(db, { channel: 'console', platformId: from, name: from, at }).id, role);
        await hearth.handleMessage({ id: `h-${from}`, channel: 'console', chat: from, chatType: 'private', from: { id: from, name: from }, text, at });
        const help = dueMessages(db, at).find((r) => r.chat === from)!.text;
        for (const spec of COMMANDS.filter((s) => s.name !== 'cancel')) {
          const allowed = role === 'manager' || spec.audience === 'member' || (role === 'staff' && spec.audience === 'staff');
          const line = commandLine(spec, lang);
          if (allowed) expect(help, `${role} ${lang} /help`).toContain(line);
          else expect(help, `${role} ${lang} /help`).not.toContain(line);
        }
      }
    });
  }
});

describe('the command list and the Telegram menus', () => {
  let fake: FakeBotApi | undefined;
  afterEach(async () => fake?.close());

  it('every menu entry is a listed command with its description, in the scopes the list names', async () => {
    fake = await startFakeBotApi();
    const channel = createTelegramChannel(
      { TELEGRAM_BOT_TOKEN: '123456:TEST-token', TELEGRAM_API_ROOT: fake.url },
      { log: silentLogger(), botInfo: { id: 6000000001, username: 'hearth_test_bot' } },
    );
    const { db } = tempDb();
    await hearthOn([channel], { db, clock: new VirtualClock(at), modules: [] });
    await channel.publishCommands!(menuCommands(), '-100999');
    const menus = (await fake.snapshot()).commands as { scope: { type: string }; language_code?: string; commands: { command: string; description: string }[] }[];
    const scopeOf = { private: 'all_private_chats', group: 'all_group_chats', admins: 'all_chat_administrators', staff: 'chat' } as const;
    for (const menu of menus) {
      for (const entry of menu.commands) {
        const spec = COMMANDS.find((s) => s.name === entry.command);
        expect(spec, `/${entry.command} in a menu`).toBeDefined();
        expect(entry.description).toBe(spec!.description[menu.language_code === 'zh' ? 'zh' : 'en']);
      }
    }
    for (const spec of COMMANDS) {
      for (const where of spec.menus ?? []) {
        for (const lang of [undefined, 'zh']) {
          const menu = menus.find((m) => m.scope.type === scopeOf[where] && m.language_code === lang)!;
          expect(menu.commands.map((c) => c.command), `${where} menu (${lang ?? 'en'})`).toContain(spec.name);
        }
      }
    }
    const shown = new Set(menus.flatMap((m) => m.commands.map((c) => c.command)));
    expect(COMMANDS.filter((s) => !s.menus?.length && shown.has(s.name)).map((s) => s.name)).toEqual([]);
  });
});
