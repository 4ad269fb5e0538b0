// Check-in traffic for the inbound mix: members checking in (签到 / "check in" / /checkin) across groups, with the
// duplicates of a real morning rush, and the rate of check-ins through the engine beside /help traffic.
import type { InboundMessage } from '../bot/core/types';
import { engineRate, helpTraffic } from './engine';
import { median, perSecond, report } from './util';

const words = ['签到', '打卡', 'check in', '/checkin'];

/**
 * The i-th check-in message: 1,000 members in 20 groups, each member writing about five times (the first check-in of
 * the day pays; the rest are answered "already checked in"). Shape matches helpTraffic, for engineRate.
 */
export function checkinTraffic(i: number): Omit<InboundMessage, 'at' | 'channel'> {
  const member = `u${i % 1000}`;
  return { id: `c${i}`, chat: `g${i % 20}`, chatType: 'group', from: { id: member, name: member }, text: words[i % words.length]! };
}

/** A mixed inbound stream: every `every`-th message is a check-in, the rest /help (a stand-in for chatter and questions). */
export function mixedTraffic(every = 4): (i: number) => Omit<InboundMessage, 'at' | 'channel'> {
  return (i) => (i % every === 0 ? { ...checkinTraffic(i / every), id: `mix-c${i}` } : { ...helpTraffic(i), id: `mix-h${i}` });
}

/** Print the check-in figures. */
export async function runCheckinBench(): Promise<void> {
  const help = await median(5, () => engineRate(helpTraffic, 5_000));
  const checkin = await median(5, () => engineRate(checkinTraffic, 5_000));
  const mixed = await median(5, () => engineRate(mixedTraffic(), 5_000));
  report('engine, /help traffic (median of 5)', perSecond(help));
  report('engine, check-in traffic, 1,000 members (median of 5)', `${perSecond(checkin)}  (${(checkin / help).toFixed(2)}× /help)`);
  report('engine, 1 in 4 check-ins, rest /help (median of 5)', `${perSecond(mixed)}  (${(mixed / help).toFixed(2)}× /help)`);
}
