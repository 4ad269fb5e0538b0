// Purchase and refund events from outside (CSV import, the signed HTTP endpoint): one set of checks (time bounds shared by
// every path) with a plain reason for each refusal, and recording through the order handlers with an outcome.
import { zonedTime } from '../community/calendar';
import { orderTimeProblem } from '../community/orders';
import { toFen } from '../community/earning';
import type { Program } from '../community/program';
import { inTransaction } from '../store/db';
import { claimSignedRequest, forgetSignedRequest, orderEventRecorded } from '../store/order-intake';
import { HearthError } from './core/errors';
import { SHOP_CHANNEL } from '../store/binding';
import type { OrderEvent, OrderReport } from './core/skill';
import type { Hearth } from './hearth';

/** The raw fields of one order event, as text (CSV) or JSON values (HTTP). */
export interface RawOrder {
  member?: unknown;
  /** The shop's own customer number, where the shop does not know the member's chat id: the points wait on it. */
  customer?: unknown;
  orderId?: unknown;
  amount?: unknown;
  at?: unknown;
  type?: unknown;
  channel?: unknown;
  refundId?: unknown;
}

/** Either a checked event or the reason it was refused. */
export type OrderCheck = { ok: true; event: OrderEvent } | { ok: false; reason: string };

/** Largest single order accepted, in CNY: anything bigger is far more likely a typo than a sale. */
export const MAX_ORDER_AMOUNT = 10_000_000;
const MAX_ID = 200;

const ISO_WITH_ZONE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})$/i;
const ISO_LOCAL = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.\d{1,9})?$/;
const AMOUNT_TEXT = /^\d{1,12}(\.\d{1,2})?$/;
const CONTROL = /[\u0000-\u001f\u007f]/;

const TYPES: Record<string, OrderEvent['kind']> = { purchase: 'purchase', refund: 'refund', 购买: 'purchase', 退款: 'refund' };

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function checkId(value: unknown, what: string): string | { reason: string } {
  const v = typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isInteger(value) ? String(value) : undefined;
  if (v === undefined || v === '') return { reason: `missing ${what}` };
  if (v.length > MAX_ID) return { reason: `${what} is longer than ${MAX_ID} characters` };
  if (CONTROL.test(v)) return { reason: `${what} contains control characters` };
  return v;
}

function checkAmount(value: unknown): number | { reason: string } {
  if (value === undefined || value === null || value === '') return { reason: 'missing amount' };
  let amount: number;
  if (typeof value === 'number') {
    // Binary floats: 19.99 * 100 is 1998.9999…, so compare after rounding to fen.
    if (!Number.isFinite(value) || Math.abs(Math.round(value * 100) - value * 100) > 1e-6) {
      return { reason: `bad amount "${value}": expected CNY with at most 2 decimals` };
    }
    amount = value;
  } else if (typeof value === 'string') {
    const v = value.trim().replace(/^[¥￥]/, '');
    if (!AMOUNT_TEXT.test(v)) return { reason: `bad amount "${value.trim()}": expected a number of CNY like 1200 or 99.50` };
    amount = Number(v);
  } else {
    return { reason: 'bad amount: expected a number of CNY' };
  }
  if (amount <= 0) return { reason: `bad amount "${text(value)}": must be more than 0` };
  if (amount > MAX_ORDER_AMOUNT) return { reason: `bad amount "${text(value)}": more than ${MAX_ORDER_AMOUNT} CNY` };
  return amount;
}

/** Parse an ISO 8601 time; without an offset it is read in the program's timezone. */
export function parseOrderTime(value: string, timezone: string): Date | undefined {
  const v = value.trim();
  let at: Date;
  let m = ISO_WITH_ZONE.exec(v);
  if (m) {
    const zone = m[3]!.toUpperCase() === 'Z' ? 'Z' : m[3]!.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
    at = new Date(`${m[1]}T${m[2]}${zone}`);
  } else if ((m = ISO_LOCAL.exec(v))) {
    if (Number.isNaN(Date.parse(`${m[1]}T${m[2]}Z`))) return undefined;
    at = zonedTime(m[1]!, m[2]!, timezone);
  } else {
    return undefined;
  }
  if (Number.isNaN(at.getTime())) return undefined;
  // Date accepts 2026-02-30 and rolls it over; a real calendar date must read back the same.
  const [y, mo, d] = m[1]!.split('-').map(Number) as [number, number, number];
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return undefined;
  return at;
}

/** Check one raw order; `now` and the program's order settings bound the time, its timezone reads times without an offset. */
export function checkOrder(raw: RawOrder, options: { now: Date; program: Pick<Program, 'timezone' | 'orders'> }): OrderCheck {
  const typeText = text(raw.type)?.toLowerCase() ?? '';
  const kind = typeText === '' ? 'purchase' : TYPES[typeText];
  if (!kind) return { ok: false, reason: `unknown type "${text(raw.type)}": expected purchase or refund` };
  const named = (v: unknown) => v !== undefined && v !== null && v !== '';
  if (named(raw.member) && named(raw.customer)) return { ok: false, reason: 'name the member or the shop customer, not both' };
  const byCustomer = named(raw.customer);
  const member = byCustomer ? checkId(raw.customer, 'customer') : checkId(raw.member, 'member');
  if (typeof member !== 'string') return { ok: false, ...member };
  if (byCustomer && named(raw.channel)) return { ok: false, reason: 'a shop customer has no channel: give the channel with a member id instead' };
  const orderId = checkId(raw.orderId, 'order id');
  if (typeof orderId !== 'string') return { ok: false, ...orderId };
  const amount = checkAmount(raw.amount);
  if (typeof amount !== 'number') return { ok: false, ...amount };
  const atText = typeof raw.at === 'string' ? raw.at.trim() : undefined;
  if (!atText) return { ok: false, reason: 'missing time' };
  const at = parseOrderTime(atText, options.program.timezone);
  if (!at) return { ok: false, reason: `bad time "${atText}": expected ISO 8601 like 2026-03-01T09:30:00+08:00` };
  const problem = orderTimeProblem(options.program, at, options.now);
  if (problem) return { ok: false, reason: `bad time "${atText}": ${problem}` };
  const event: OrderEvent = { kind, member, orderId, amount, at, ...(byCustomer ? { channel: SHOP_CHANNEL } : {}) };
  if (named(raw.channel)) {
    const channel = checkId(raw.channel, 'channel');
    if (typeof channel !== 'string') return { ok: false, ...channel };
    event.channel = channel;
  }
  // Without the shop's refund id the store names the refund by order, amount and time (store/orders.ts refundIdOf).
  if (kind === 'refund' && named(raw.refundId)) {
    const refundId = checkId(raw.refundId, 'refund id');
    if (typeof refundId !== 'string') return { ok: false, ...refundId };
    event.refundId = refundId;
  }
  return { ok: true, event };
}

/** How long a bind code lives unless the shop asks otherwise, and the longest it may ask for. */
export const BIND_CODE_MINUTES = 10;
const MAX_BIND_CODE_MINUTES = 60;

/** Check a shop's request for a bind code (webhook or CLI): the customer as orders name it, and minutes 1–60. */
export function checkBindRequest(raw: { customer?: unknown; minutes?: unknown }): { ok: true; customer: string; minutes: number } | { ok: false; reason: string } {
  const customer = checkId(raw.customer, 'customer');
  if (typeof customer !== 'string') return { ok: false, ...customer };
  const minutes = raw.minutes ?? BIND_CODE_MINUTES;
  if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 1 || minutes > MAX_BIND_CODE_MINUTES) {
    return { ok: false, reason: `minutes must be a whole number from 1 to ${MAX_BIND_CODE_MINUTES}` };
  }
  return { ok: true, customer, minutes };
}

/**
 * What became of one event handed to the order handlers: `parked` is a refund that came before its purchase (applied
 * when the purchase arrives); `replayed` a signed request whose signature was accepted before (nothing changed).
 */
export type OrderResult =
  | { outcome: 'recorded' }
  | { outcome: 'duplicate' }
  | { outcome: 'parked' }
  | { outcome: 'replayed' }
  | { outcome: 'rejected'; reason: string; code?: string };

const RECORDED: OrderResult = { outcome: 'recorded' };
const DUPLICATE: OrderResult = { outcome: 'duplicate' };
const PARKED: OrderResult = { outcome: 'parked' };
const REPLAYED: OrderResult = { outcome: 'replayed' };

/** Whether each Hearth's order handlers finished synchronously the last time (then batches share a transaction). */
const handlersSync = new WeakMap<Hearth, boolean>();

// Several handlers' reports make one: any refusal wins, then a duplicate; undefined when none reported.
function combine(reports: (OrderReport | void)[]): OrderReport | undefined {
  const given = reports.filter((r): r is OrderReport => typeof r === 'object' && r !== null && 'status' in r);
  return given.find((r) => r.status === 'rejected') ?? given.find((r) => r.status === 'duplicate') ?? given[0];
}

// Like hearth.handleOrder, but stays synchronous when every handler is, so a caller can batch calls in one transaction.
function runHandlers(hearth: Hearth, evt: OrderEvent): OrderReport | undefined | Promise<OrderReport | undefined> {
  const handlers = hearth.events.order;
  const reports: (OrderReport | void)[] = [];
  for (let i = 0; i < handlers.length; i++) {
    const r = handlers[i]!(evt, hearth.deps);
    if (r instanceof Promise) {
      return r.then(async (first) => {
        reports.push(first);
        for (const h of handlers.slice(i + 1)) reports.push(await h(evt, hearth.deps));
        return combine(reports);
      });
    }
    reports.push(r);
  }
  return combine(reports);
}

function rejectedBy(hearth: Hearth, evt: OrderEvent, err: unknown): OrderResult {
  if (err instanceof HearthError) return { outcome: 'rejected', reason: err.message, code: err.code };
  hearth.deps.log.error({ err, orderId: evt.orderId }, 'order handler failed');
  return { outcome: 'rejected', reason: `could not record it: ${err instanceof Error ? err.message : String(err)}`, code: 'internal' };
}

// What the handlers said; when they said nothing, an event the store does not hold afterwards was refused.
function outcomeOf(hearth: Hearth, evt: OrderEvent, report: OrderReport | undefined): OrderResult {
  if (report?.status === 'rejected') return { outcome: 'rejected', reason: report.reason ?? 'refused by the order handler', code: report.code };
  if (report?.status === 'duplicate') return DUPLICATE;
  if (report?.status === 'parked') return PARKED;
  if (report === undefined && !recordedBefore(hearth, evt)) {
    return { outcome: 'rejected', reason: 'not recorded by the order handler (see the log)', code: 'not_recorded' };
  }
  return RECORDED;
}

function recordedBefore(hearth: Hearth, evt: OrderEvent): boolean {
  return orderEventRecorded(hearth.deps.db, { kind: evt.kind, orderId: evt.orderId, amountFen: toFen(evt.amount), at: evt.at, refundId: evt.refundId });
}

// The signature claim, the duplicate check and the handlers' writes share one transaction (a savepoint inside a batch),
// so two deliveries of the same order cannot both count as recorded, and a request refused or failed leaves its
// signature unclaimed (it may be sent again). A known event skips the handlers: a re-import costs one read a line.
function attempt(hearth: Hearth, evt: OrderEvent, signature?: string): OrderResult | Promise<OrderResult> {
  const { db } = hearth.deps;
  // Only for handlers that went async: their writes commit apart from the claim, so a refusal gives the signature back.
  const unclaim = (result: OrderResult): OrderResult => {
    if (signature !== undefined && result.outcome === 'rejected') forgetSignedRequest(db, signature);
    return result;
  };
  try {
    const ran = inTransaction(db, (): { result?: OrderResult; pending?: Promise<OrderReport | undefined> } => {
      if (signature !== undefined && !claimSignedRequest(db, signature, hearth.deps.clock.now())) return { result: REPLAYED };
      if (recordedBefore(hearth, evt)) return { result: DUPLICATE };
      const report = runHandlers(hearth, evt);
      if (report instanceof Promise) return { pending: report };
      const result = outcomeOf(hearth, evt, report);
      // A refused event leaves nothing behind (not even a member created on the way).
      if (result.outcome === 'rejected') throw new Refused(result);
      handlersSync.set(hearth, true);
      return { result };
    });
    if (ran.result) return ran.result;
    handlersSync.set(hearth, false);
    return ran.pending!.then(
      (report) => unclaim(outcomeOf(hearth, evt, report)),
      (err: unknown) => unclaim(rejectedBy(hearth, evt, err)),
    );
  } catch (err) {
    if (err instanceof Refused) {
      handlersSync.set(hearth, true);
      return err.result;
    }
    return rejectedBy(hearth, evt, err);
  }
}

class Refused extends Error {
  constructor(readonly result: OrderResult) {
    super('refused');
  }
}

function requireHandler(hearth: Hearth): void {
  if (hearth.events.order.length === 0) throw new HearthError('bad_config', 'no order handler is installed: purchases cannot be recorded');
}

/**
 * Record one purchase or refund through the order handlers, telling whether it was new, a duplicate, parked or refused.
 * With `signature` (a signed request's), the signature is claimed in the event's transaction: one claimed before makes
 * the outcome `replayed` with nothing changed; a refused or failed event leaves it unclaimed.
 */
export async function recordOrder(hearth: Hearth, evt: OrderEvent, options: { signature?: string } = {}): Promise<OrderResult> {
  requireHandler(hearth);
  return attempt(hearth, evt, options.signature);
}

/**
 * Record events in order. While the handlers are synchronous the whole batch is one transaction (each event in its
 * own savepoint, so a refused one leaves the others); otherwise one event after another.
 */
export async function recordOrderBatch(hearth: Hearth, events: OrderEvent[]): Promise<OrderResult[]> {
  requireHandler(hearth);
  const results: OrderResult[] = [];
  let i = 0;
  while (i < events.length) {
    if (handlersSync.get(hearth) !== true) {
      results.push(await attempt(hearth, events[i++]!));
      continue;
    }
    let async: Promise<OrderResult> | undefined;
    inTransaction(hearth.deps.db, () => {
      while (i < events.length) {
        const r = attempt(hearth, events[i++]!);
        if (r instanceof Promise) {
          // A handler went async after all: commit what ran, and finish this event outside the transaction.
          async = r;
          return;
        }
        results.push(r);
      }
    });
    if (async) results.push(await async);
  }
  return results;
}
