// The console channel: chat with Hearth in a terminal as demo members in a demo group, privately, or as staff. Lines
// typed go to the engine; what the bot sends is printed with the chat it goes to.
import { createInterface } from 'node:readline';
import type { Channel, InboundSink } from '../core/channel';
import { UNLIMITED } from '../core/channel';
import type { Role } from '../core/types';
import { splitText, textWithButtonsFallback } from '../core/text';
import { LOCAL_BOT_ID, LOCAL_CAPABILITIES, type LocalCapabilityOverrides } from '../deployment';

export const CONSOLE_GROUP = 'demo-group';
export const CONSOLE_BOT_ID = LOCAL_BOT_ID;

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

/** The console: `start` reads lines until `:quit` or end of input (`done` resolves then). */
export interface ConsoleChannel extends Channel {
  readonly done: Promise<void>;
}

/**
 * The console channel. `settle` waits until what a line led to is handled and printed (so the prompt comes after the
 * answer); `setRole` is what `:role` does (the runtime owns the store); `capabilities` stands in for another platform's.
 */
export function createConsoleChannel(io: {
  input: NodeJS.ReadableStream;
  write: (line: string) => void;
  interactive: boolean;
  now: () => Date;
  settle: () => Promise<void>;
  setRole: (platformId: string, name: string, role: Role) => void;
  capabilities?: LocalCapabilityOverrides;
}): ConsoleChannel {
  const capabilities = { ...LOCAL_CAPABILITIES, ...io.capabilities };
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finished = resolve));

  async function run(sink: InboundSink): Promise<void> {
    const state: ConsoleState = { who: 'alice', where: 'group', seq: 0 };
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
          io.setRole(state.who, capitalise(state.who), arg);
          io.write(`(${state.who} is now ${arg})`);
        } else io.write(consoleHelp);
        prompt();
        continue;
      }
      state.seq += 1;
      const chat = state.where === 'private' ? state.who : state.where === 'staff' ? 'staff' : CONSOLE_GROUP;
      await sink.receive({
        kind: 'message',
        msg: {
          id: `console-${io.now().getTime()}-${state.seq}`,
          channel: 'console',
          chat,
          chatType: state.where === 'private' ? 'private' : 'group',
          from: { id: state.who, name: capitalise(state.who) },
          text: line,
          mentions: /@hearth\b/i.test(line) ? [CONSOLE_BOT_ID] : [],
          at: io.now(),
        },
      });
      await io.settle();
      prompt();
    }
    rl.close();
  }

  return {
    name: 'console',
    capabilities,
    limits: UNLIMITED,
    done,
    connect: async () => ({ botId: CONSOLE_BOT_ID, botUsername: CONSOLE_BOT_ID }),
    async start(sink) {
      void run(sink).finally(finished);
    },
    stop: async () => undefined,
    async deliver(message, pacer) {
      const where = message.chat === CONSOLE_GROUP ? '[group]' : message.chat === 'staff' ? '[staff room]' : `[to ${message.chat}]`;
      const mentions = (message.mentions ?? []).map((m) => `@${m.name} `).join('');
      const labels = capabilities.buttons === 'inline' && message.buttons && message.buttons.length > 0 ? `\n   ${message.buttons.map((b) => `[ ${b.label} ]`).join(' ')}` : '';
      // Mentions open the first piece, buttons hang under the last.
      const pieces = splitText(textWithButtonsFallback(message, capabilities.buttons), capabilities.maxTextLength - mentions.length);
      for (const [i, piece] of pieces.entries()) {
        if (i > 0) await pacer.next();
        const body = `${i === 0 ? mentions : ''}${piece}`.replace(/\n/g, '\n   ');
        io.write(`${where} Hearth: ${body}${i === pieces.length - 1 ? labels : ''}`);
      }
      return { status: 'sent' };
    },
  };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
