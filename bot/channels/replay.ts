// The replay channel: delivers each message as a JSON line (DESIGN.md's output format) at the virtual time it is sent.
// It never leaves the process: no limits, and the bot may open a private chat with anyone.
import type { Channel } from '../core/channel';
import { UNLIMITED } from '../core/channel';
import type { Clock } from '../core/clock';
import { isoInZone } from '../../community/calendar';
import { splitText, textWithButtonsFallback } from '../core/text';
import { LOCAL_BOT_ID, LOCAL_CAPABILITIES, type LocalCapabilityOverrides } from '../deployment';

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

/**
 * A channel (named as the replay file names it) that writes each delivered message as one JSON line (a text longer
 * than its limit as one line a piece); `capabilities` stands in for another platform's.
 */
export function createReplayChannel(config: { name: string; clock: Clock; timezone: string; write: (line: string) => void; capabilities?: LocalCapabilityOverrides }): Channel {
  const capabilities = { ...LOCAL_CAPABILITIES, ...config.capabilities };
  return {
    name: config.name,
    capabilities,
    limits: UNLIMITED,
    connect: async () => ({ botId: LOCAL_BOT_ID, botUsername: LOCAL_BOT_ID }),
    // Replay feeds the engine itself, line by line.
    start: async () => undefined,
    stop: async () => undefined,
    async deliver(message, pacer) {
      // The reply and the mentions go with the first piece, the buttons with the last.
      const pieces = splitText(textWithButtonsFallback(message, capabilities.buttons), capabilities.maxTextLength);
      for (const [i, piece] of pieces.entries()) {
        if (i > 0) await pacer.next();
        const out: ReplayOutput = { at: isoInZone(config.clock.now(), config.timezone), chat: message.chat, text: piece };
        if (i === 0 && message.replyTo) out.replyTo = message.replyTo;
        if (i === pieces.length - 1 && capabilities.buttons === 'inline' && message.buttons && message.buttons.length > 0) out.buttons = message.buttons.map((b) => b.label);
        if (i === 0 && message.mentions && message.mentions.length > 0) out.mentions = message.mentions.map((m) => m.name);
        config.write(JSON.stringify(out));
      }
      return { status: 'sent' };
    },
  };
}
