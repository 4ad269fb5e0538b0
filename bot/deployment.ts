// Deployments for channels that never leave this process — the console and replay — and how a deployment's channels
// are asked about: the bot's own id, its username, what the channel can do.
import type { ChannelCapabilities } from './core/channel';
import type { Deployment } from './core/skill';

/** The bot's own id on local channels (replay files mention it as "hearth"). */
export const LOCAL_BOT_ID = 'hearth';

/** What the console and replay can do: everything a person reading along needs; the bot may open a private chat with anyone. */
export const LOCAL_CAPABILITIES: ChannelCapabilities = {
  buttons: 'inline',
  maxTextLength: 100_000,
  mentions: 'text',
  privateMessages: 'anyone',
  handles: 'display-name',
  edits: false,
  streaming: false,
};

/**
 * What a local channel may be built with instead of LOCAL_CAPABILITIES, to stand in for a platform (the channel
 * conformance tests): a smaller text limit (it splits longer texts), no buttons (it shows a message's `buttonsText`),
 * private chats only once opened (the runtime then reroutes as on Telegram).
 */
export type LocalCapabilityOverrides = Partial<Pick<ChannelCapabilities, 'maxTextLength' | 'privateMessages'>> & { buttons?: 'inline' | 'none' };

/** A deployment of local channels (the console, or every channel a replay file names), every group listed. */
export function localDeployment(channels: string[], options: { staffRoom?: { channel: string; chat: string }; capabilities?: Partial<ChannelCapabilities> } = {}): Deployment {
  return {
    staffRoom: options.staffRoom ?? { channel: 'console', chat: 'staff' },
    channels: Object.fromEntries(
      channels.map((c) => [c, { botId: LOCAL_BOT_ID, botUsername: LOCAL_BOT_ID, capabilities: { ...LOCAL_CAPABILITIES, ...options.capabilities } }]),
    ),
    everyGroupListed: true,
  };
}
