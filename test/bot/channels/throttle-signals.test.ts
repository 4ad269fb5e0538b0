// Which platform answers throttle the whole account and which only one chat, as each channel's deliver reports them:
// WeChat's "too frequent" (Ret 1205, however the puppet words it), Telegram's 429 for a second chat while the first
// still waits, WeCom's frequency and concurrency errcodes (not its "system busy").
import { describe, expect, it } from 'vitest';
import type { Delivery, DeliveryResult } from '../../../bot/core/channel';
import { silentLogger } from '../../../bot/log';
import { createWechatyDelivery, isTooFrequent } from '../../../bot/channels/wechaty/deliver';
import { createTelegramDelivery, TelegramApiFailure } from '../../../bot/channels/telegram/deliver';
import { createWecomDelivery, type WecomSender } from '../../../bot/channels/wecom/deliver';

const pacer = { next: async () => undefined };
let id = 0;
const delivery = (chat: string, group = false): Delivery => ({ id: ++id, chat, group, text: 'hello', kind: 'reply', secret: false });
const scopeOf = (r: DeliveryResult) => (r.status === 'retry' ? (r.scope ?? 'chat') : r.status);

describe('throttle signals', () => {
  it('WeChat: "too frequent" throttles the account, however the puppet says it (wechat4u: an AssertionError with Ret 1205)', async () => {
    // wechat4u's sendText: assert.equal(data.BaseResponse.Ret, 0, res) — the message is the response object, stringified.
    const wechat4u = Object.assign(new Error('[object Object]'), { name: 'AssertionError', actual: 1205, expected: 0, tips: '发送文本信息失败' });
    expect(isTooFrequent(wechat4u)).toBe(true);
    expect(isTooFrequent(new Error('发送消息过于频繁，请稍后再试'))).toBe(true);
    expect(isTooFrequent(Object.assign(new Error('[object Object]'), { actual: 1101 }))).toBe(false);
    let error: unknown = wechat4u;
    const wechat = createWechatyDelivery({
      log: silentLogger(),
      maxTextLength: 2000,
      tooFrequentRetryMs: 60_000,
      directory: {
        loggedIn: () => true,
        find: async () => ({
          say: async () => {
            throw error;
          },
        }),
      },
    });
    const r = await wechat.deliver(delivery('room@chatroom', true), pacer);
    expect(r).toEqual({ status: 'retry', afterMs: 60_000, reason: 'WeChat says too frequent: Ret 1205', scope: 'account' });
    error = new Error('not a friend');
    expect(await wechat.deliver(delivery('wxid_x'), pacer)).toMatchObject({ status: 'failed' });
  });

  it("Telegram: a 429 is the chat's own, unless another chat's 429 is still running: then the bot's overall limit", async () => {
    let t = 0;
    const call = async (): Promise<unknown> => {
      throw new TelegramApiFailure(429, 'Too Many Requests: retry after 5', 5);
    };
    const telegram = createTelegramDelivery({ log: silentLogger(), call, botUsername: () => 'hearth_bot', now: () => t });
    expect(scopeOf(await telegram.deliver(delivery('1001'), pacer))).toBe('chat');
    expect(scopeOf(await telegram.deliver(delivery('1001'), pacer))).toBe('chat'); // the same chat again: still its own
    t = 1000;
    const second = await telegram.deliver(delivery('1002'), pacer);
    expect(second).toMatchObject({ status: 'retry', afterMs: 5000, scope: 'account' });
    t = 20_000; // both waits are over: a lone 429 is one chat's again
    expect(scopeOf(await telegram.deliver(delivery('1003'), pacer))).toBe('chat');
  });

  it('WeCom: 45009 and 45033 throttle the robot; -1 (system busy) retries only that message', async () => {
    let refusal = { errcode: 45009, errmsg: 'api freq out of limit' };
    const client: WecomSender = {
      isConnected: true,
      replyStream: async () => undefined,
      replyStreamWithCard: async () => undefined,
      replyWelcome: async () => undefined,
      sendMessage: async () => Promise.reject(refusal),
    };
    const wecom = createWecomDelivery({ log: silentLogger(), client: () => client, frameFor: () => undefined, busyRetryMs: 60_000, maxTextLength: 1365 });
    expect(await wecom.deliver(delivery('wrkGroup', true), pacer)).toEqual({ status: 'retry', afterMs: 60_000, reason: 'WeCom errcode 45009: api freq out of limit', scope: 'account' });
    refusal = { errcode: 45033, errmsg: 'api concurrent out of limit' };
    expect(scopeOf(await wecom.deliver(delivery('wrkGroup', true), pacer))).toBe('account');
    refusal = { errcode: -1, errmsg: 'system busy' };
    expect(scopeOf(await wecom.deliver(delivery('wrkGroup', true), pacer))).toBe('chat');
  });
});
