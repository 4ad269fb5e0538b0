// The replay channel: delivers each message as a JSON line (DESIGN.md's output format) at the virtual time it is sent.
// It never leaves the process: no limits, and the bot may open a private chat with anyone.
import type { Channel } from '../core/channel';
import { UNLIMITED } from '../core/channel';
import type { Clock } from '../core/clock';
import { isoInZone } from '../../community/calendar';
import { LOCAL_BOT_ID, LOCAL_CAPABILITIES } from '../deployment';

/** One line of replay output. */
export interface ReplayOutput {
  at: string;
  chat: string;
  text: string;
  replyTo?: string;
  buttons?: string[];
  /** The names of members the message mentions (a channel renders them its own way). */
  mentions?: string[];
}

/** A channel (named as the replay file names it) that writes each delivered message as one JSON line. */
export function createReplayChannel(config: { name: string; clock: Clock; timezone: string; write: (line: string) => void }): Channel {
  return {
    name: config.name,
    capabilities: LOCAL_CAPABILITIES,
    limits: UNLIMITED,
    connect: async () => ({ botId: LOCAL_BOT_ID, botUsername: LOCAL_BOT_ID }),
    // Replay feeds the engine itself, line by line.
    start: async () => undefined,
    stop: async () => undefined,
    async deliver(message) {
      const out: ReplayOutput = { at: isoInZone(config.clock.now(), config.timezone), chat: message.chat, text: message.text };
      if (message.replyTo) out.replyTo = message.replyTo;
      if (message.buttons && message.buttons.length > 0) out.buttons = message.buttons.map((b) => b.label);
      if (message.mentions && message.mentions.length > 0) out.mentions = message.mentions.map((m) => m.name);
      config.write(JSON.stringify(out));
      return { status: 'sent' };
    },
  };
}
