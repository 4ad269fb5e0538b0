// The replay channel: delivers outbox rows as JSON lines (DESIGN.md's output format) at the virtual time they are sent.
import type { Sender } from '../outbox';
import { isoInZone } from '../../community/calendar';
import type { Clock } from '../clock';

/** One line of replay output. */
export interface ReplayOutput {
  at: string;
  chat: string;
  text: string;
  replyTo?: string;
  buttons?: string[];
}

/** A sender that writes each delivered message as one JSON line. */
export function createReplayChannel(config: { clock: Clock; timezone: string; write: (line: string) => void }): { send: Sender } {
  return {
    async send(row) {
      const out: ReplayOutput = { at: isoInZone(config.clock.now(), config.timezone), chat: row.chat, text: row.text };
      if (row.replyTo) out.replyTo = row.replyTo;
      if (row.buttons && row.buttons.length > 0) out.buttons = row.buttons.map((b) => b.label);
      config.write(JSON.stringify(out));
    },
  };
}
