// The console channel: chat with Hearth in a terminal as demo members in a demo group, privately, or as staff.
import { createInterface } from 'node:readline';
import type { Hearth } from '../hearth';
import type { Sender } from '../outbox';
import { ensureMember, setRole } from '../../store/members';
import type { Role } from '../types';

export const CONSOLE_GROUP = 'demo-group';
export const CONSOLE_BOT_ID = 'hearth';

const consoleHelp = `Console commands:
  :as NAME        speak as another member (e.g. :as carol)
  :dm             switch to your private chat with the bot
  :group          switch back to the demo group
  :staff          speak in the staff room
  :role ROLE      make the current member a member, manager or staff
  :quit           leave (end of input works too)
Mention the bot in the group with @hearth; private chats need no mention.`;

/** Where the console user is and who they are. */
interface ConsoleState {
  who: string;
  where: 'group' | 'private' | 'staff';
  seq: number;
}

/** A sender that prints each bot message with the chat it goes to. */
export function createConsoleSender(write: (line: string) => void): Sender {
  return async (row) => {
    const where = row.chat === CONSOLE_GROUP ? '[group]' : row.chat === 'staff' ? '[staff room]' : `[to ${row.chat}]`;
    const buttons = row.buttons && row.buttons.length > 0 ? `\n   ${row.buttons.map((b) => `[ ${b.label} ]`).join(' ')}` : '';
    write(`${where} Hearth: ${row.text.replace(/\n/g, '\n   ')}${buttons}`);
  };
}

/** Run the console chat until `:quit` or end of input; every line goes through the real engine. */
export async function runConsoleChannel(
  hearth: Hearth,
  io: { input: NodeJS.ReadableStream; write: (line: string) => void; interactive: boolean },
): Promise<void> {
  const state: ConsoleState = { who: 'alice', where: 'group', seq: 0 };
  const { db, clock } = hearth.deps;
  hearth.dispatcher.register('console', createConsoleSender(io.write));
  if (io.interactive) io.write(`Hearth console — you are alice in the demo group. Type :help for console commands, /help for the bot.`);
  const rl = createInterface({ input: io.input, terminal: false });
  const prompt = () => {
    if (io.interactive) io.write(`${state.who}@${state.where === 'private' ? 'dm' : state.where}>`);
  };
  prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === '') {
      prompt();
      continue;
    }
    if (line.startsWith(':')) {
      const [cmd, arg] = line.slice(1).split(/\s+/, 2);
      if (cmd === 'quit' || cmd === 'q') break;
      if (cmd === 'as' && arg) state.who = arg.toLowerCase();
      else if (cmd === 'dm') state.where = 'private';
      else if (cmd === 'group') state.where = 'group';
      else if (cmd === 'staff') state.where = 'staff';
      else if (cmd === 'role' && (arg === 'member' || arg === 'manager' || arg === 'staff')) {
        const member = ensureMember(db, { channel: 'console', platformId: state.who, name: capitalise(state.who), at: clock.now() });
        setRole(db, member.id, arg as Role);
        io.write(`(${state.who} is now ${arg})`);
      } else io.write(consoleHelp);
      prompt();
      continue;
    }
    state.seq += 1;
    const chat = state.where === 'private' ? state.who : state.where === 'staff' ? 'staff' : CONSOLE_GROUP;
    await hearth.handleMessage({
      id: `console-${clock.now().getTime()}-${state.seq}`,
      channel: 'console',
      chat,
      chatType: state.where === 'private' ? 'private' : 'group',
      from: { id: state.who, name: capitalise(state.who) },
      text: line,
      mentions: /@hearth\b/i.test(line) ? [CONSOLE_BOT_ID] : [],
      at: clock.now(),
    });
    await hearth.dispatcher.flush(clock.now());
    prompt();
  }
  rl.close();
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
