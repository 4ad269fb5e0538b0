// Channel-qualified references to people and groups (`telegram:123456`, `wecom:zhangsan`): platform ids are separate
// namespaces, so an id only means someone together with its channel. A bare id is a console id.

/** The channels Hearth knows, as they appear in ids, config and replay. */
export const CHANNELS = ['telegram', 'wechat', 'wecom', 'console'] as const;
export type ChannelName = (typeof CHANNELS)[number];

/** A person or group on one channel. */
export interface Ref {
  channel: string;
  id: string;
}

/** How a reference must be written, for error messages. */
export const REF_FORMAT = 'write it with its channel, e.g. telegram:123456789 or wecom:zhangsan (a bare id means the console)';

/** Parse `channel:id` (a bare id is the console's); the reason when it is not a reference. */
export function parseRef(text: string): Ref | { problem: string } {
  if (text !== text.trim() || text === '') return { problem: `"${text}" has spaces around it or is empty: ${REF_FORMAT}` };
  if (/[\s\u0000-\u001f\u007f]/.test(text)) return { problem: `"${text}" contains spaces or control characters` };
  if (text.length > 200) return { problem: 'a reference is at most 200 characters' };
  const colon = text.indexOf(':');
  if (colon === -1) return { channel: 'console', id: text };
  const channel = text.slice(0, colon);
  const id = text.slice(colon + 1);
  if (!(CHANNELS as readonly string[]).includes(channel)) {
    return { problem: `"${channel}" is not a channel (${CHANNELS.join(', ')}): ${REF_FORMAT}` };
  }
  if (id === '') return { problem: `"${text}" has no id after the channel` };
  return { channel, id };
}

/** The reference of an id on a channel, as written in the program file. */
export function refText(channel: string, id: string): string {
  return `${channel}:${id}`;
}

/** True when `refs` (program file entries) name this id on this channel. */
export function refsInclude(refs: readonly string[], channel: string, id: string): boolean {
  return refs.some((r) => {
    const ref = parseRef(r);
    return 'channel' in ref && ref.channel === channel && ref.id === id;
  });
}
