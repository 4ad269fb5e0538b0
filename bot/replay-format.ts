// The replay file format (DESIGN.md's replay contract): one JSON event a line, validated before anything runs.
import { z } from 'zod';

const instant = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)), {
    message: 'expected an ISO 8601 time with an offset, e.g. 2026-03-01T09:00:00+08:00',
  });
const id = z.string().min(1).max(200);

const message = z.object({
  type: z.literal('message'),
  id,
  at: instant,
  channel: z.string().min(1).default('console'),
  chat: id,
  chatType: z.enum(['group', 'private']),
  from: id,
  name: z.string().max(200).optional(),
  text: z.string().max(20_000),
  replyTo: id.optional(),
  mentions: z.array(id).optional(),
  lang: z.string().optional(),
  /** A button press: the button's data. */
  action: z.string().optional(),
});
// A member named by id alone is on the console channel (as messages default to it): ids on two channels are two people.
const channel = z.string().min(1).default('console');
// An order names its buyer by chat id (`member`, on `channel`) or by the shop's own number (`customer`).
const buyer = { channel, member: id.optional(), customer: id.optional() };
const oneBuyer = (o: { member?: string; customer?: string }) => (o.member === undefined) !== (o.customer === undefined);
const oneBuyerMessage = { message: 'give either member or customer' };
const purchase = z.object({ type: z.literal('purchase'), at: instant, ...buyer, orderId: id, amount: z.number().positive().finite() }).refine(oneBuyer, oneBuyerMessage);
const refund = z
  .object({ type: z.literal('refund'), at: instant, ...buyer, orderId: id, amount: z.number().positive().finite(), refundId: id.optional() })
  .refine(oneBuyer, oneBuyerMessage);
const join = z.object({ type: z.literal('join'), at: instant, channel: z.string().min(1).default('console'), chat: id, from: id, name: z.string().optional(), invite: z.string().optional() });
const role = z.object({ type: z.literal('role'), at: instant.optional(), channel, member: id, role: z.enum(['manager', 'staff', 'member']) });
const profile = z.object({
  type: z.literal('profile'),
  at: instant.optional(),
  channel,
  member: id,
  birthday: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD').optional(),
  lang: z.enum(['zh', 'en']).optional(),
  name: z.string().optional(),
});
const tick = z.object({ type: z.literal('tick'), at: instant });
/** A member binds their chat account to a shop customer, as with a code from the shop (no message is said). */
const bind = z.object({ type: z.literal('bind'), at: instant, channel, member: id, customer: id });

export const replayEventSchema = z.discriminatedUnion('type', [message, purchase, refund, join, role, profile, tick, bind]);
export type ReplayEvent = z.infer<typeof replayEventSchema>;

/** A parsed line: the event and its line number. */
export interface ReplayLine {
  line: number;
  event: ReplayEvent;
}

/** A malformed replay file: the first bad line and why. */
export class ReplayFormatError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

/** Parse a whole replay file; throws ReplayFormatError at the first malformed line (blank lines are skipped). */
export function parseReplay(text: string): ReplayLine[] {
  const out: ReplayLine[] = [];
  let lastAt = -Infinity;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      throw new ReplayFormatError(line, `not valid JSON (${(err as Error).message})`);
    }
    const parsed = replayEventSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      throw new ReplayFormatError(line, `${where}${issue.message}`);
    }
    const event = parsed.data;
    if (event.at !== undefined) {
      const at = Date.parse(event.at);
      if (at < lastAt) throw new ReplayFormatError(line, 'event is earlier than the one before it (events must be in time order)');
      lastAt = at;
    }
    if (event.type === 'message' && event.chatType === 'private' && event.chat !== event.from)
      throw new ReplayFormatError(line, 'a private chat\'s "chat" must be the member\'s id ("from")');
    out.push({ line, event });
  });
  return out;
}
