// Hearth's HTTP server (hono): `POST /orders` takes purchase and refund events signed with HMAC-SHA256 (each signature
// accepted once), `POST /bind-codes` gives the shop one-time codes binding a chat account to its customer,
// `POST /codes/check` and `POST /codes/use` let it check and consume redemption codes, and `GET /health`. Other parts (e.g. a Telegram webhook) add their routes to the same app before it listens.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { serve } from '@hono/node-server';
import { HearthError } from './core/errors';
import type { Hearth } from './hearth';
import { inboxBacklog } from '../store/inbox';
import { checkBindRequest, checkOrder, recordOrder } from './order-intake';
import { toFen } from '../community/earning';
import { claimSignedRequest, pruneSignedRequests, signedRequestSeen } from '../store/order-intake';
import { issueBindCode } from '../store/binding';
import { inTransaction } from '../store/db';
import { checkCode, codeJson, codeRequest, useCode } from './codes';

/** `sha256=<hex>`: HMAC-SHA256, keyed with the secret, of `<timestamp>.<raw body>`. */
export const SIGNATURE_HEADER = 'X-Hearth-Signature';
/** Unix seconds when the request was signed; part of the signed text, so it cannot be changed. */
export const TIMESTAMP_HEADER = 'X-Hearth-Timestamp';
/** Requests signed longer ago than this (or this far in the future) are refused as replays. */
export const MAX_SIGNATURE_AGE_MS = 5 * 60_000;
/** Accepted signatures are kept this long, a little past the longest a signed request can be replayed (2 × 5 minutes). */
export const SIGNATURE_RETENTION_MS = 10 * 60_000;
/** A shorter secret is too easy to guess: the endpoint will not start with one. */
export const MIN_SECRET_LENGTH = 16;
const MAX_BODY_BYTES = 64 * 1024;

/** The signature header value for a body signed at `timestamp` (unix seconds): what a shop's system must send. */
export function signOrderRequest(secret: string, timestamp: string | number, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

function checkSecret(secret: string | undefined): string {
  if (secret === undefined || secret.trim() === '') {
    throw new HearthError('bad_config', 'HEARTH_ORDERS_SECRET is not set: the order endpoint will not start without a signing secret');
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new HearthError('bad_config', `HEARTH_ORDERS_SECRET is too short: use at least ${MIN_SECRET_LENGTH} random characters`);
  }
  return secret;
}

function fail(c: Context, status: 400 | 401 | 409 | 413 | 422 | 500, error: string, message: string) {
  return c.json({ ok: false, error, message }, status);
}

/** Why a signed request is not authentic, or its signature (lower-case hex, so a re-cased copy is the same) when it is. */
function verify(
  secret: string,
  body: Uint8Array,
  signature: string | undefined,
  timestamp: string | undefined,
  now: Date,
): { problem: string } | { signature: string } {
  if (!signature) return { problem: `missing ${SIGNATURE_HEADER} header` };
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return { problem: `missing or malformed ${TIMESTAMP_HEADER} header (unix seconds)` };
  if (Math.abs(now.getTime() - Number(timestamp) * 1000) > MAX_SIGNATURE_AGE_MS) {
    return { problem: `${TIMESTAMP_HEADER} is more than 5 minutes from the server's clock: sign the request again with a fresh timestamp` };
  }
  const m = /^sha256=([0-9a-f]{64})$/i.exec(signature.trim());
  if (!m) return { problem: `malformed ${SIGNATURE_HEADER} header: expected sha256=<64 hex digits>` };
  const expected = Buffer.from(signOrderRequest(secret, timestamp, body).slice('sha256='.length), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(m[1]!, 'hex'))) return { problem: 'signature does not match the request' };
  return { signature: m[1]!.toLowerCase() };
}

const REPLAYED_MESSAGE = 'this signed request was received before and changed nothing now: sign it again with a fresh timestamp to send it again';

/**
 * The refund id of a webhook refund without the shop's id and without `at`: a hash of the event as sent (type, member,
 * channel, order, amount), so a redelivered body is the same refund although its time defaults to now. With `at`, the
 * store's own derivation (order, amount, time) applies, as for a CSV line: the same refund imported later counts once.
 */
export function webhookRefundId(evt: { member: string; channel?: string; orderId: string; amount: number }): string {
  const canonical = JSON.stringify(['refund', evt.member, evt.channel ?? null, evt.orderId, toFen(evt.amount)]);
  return `body:${createHash('sha256').update(canonical).digest('hex').slice(0, 32)}`;
}

/**
 * A signed request from the shop, read: its signature (accepted once) and its JSON object, or the answer refusing it
 * (unsigned, stale, replayed, not one JSON object). `example` shows the expected body in the refusal.
 */
async function signedRequest(
  c: Context,
  hearth: Hearth,
  secret: string,
  example: string,
): Promise<{ now: Date; signature: string; raw: Record<string, unknown> } | { refused: Response }> {
  const now = hearth.deps.clock.now();
  const body = new Uint8Array(await c.req.arrayBuffer());
  const verified = verify(secret, body, c.req.header(SIGNATURE_HEADER), c.req.header(TIMESTAMP_HEADER), now);
  if ('problem' in verified) {
    hearth.deps.log.warn({ path: c.req.path, problem: verified.problem }, 'signed request refused');
    return { refused: fail(c, 401, 'unauthorized', verified.problem) };
  }
  const { db } = hearth.deps;
  // Only authentic requests write: forgetting expired signatures here keeps the table to ten minutes of traffic.
  pruneSignedRequests(db, new Date(now.getTime() - SIGNATURE_RETENTION_MS));
  if (signedRequestSeen(db, verified.signature)) return { refused: fail(c, 409, 'replayed', REPLAYED_MESSAGE) };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return { refused: fail(c, 400, 'bad_json', 'the body is not valid JSON') };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { refused: fail(c, 400, 'bad_request', `expected one JSON object: ${example}`) };
  return { now, signature: verified.signature, raw: json as Record<string, unknown> };
}

const tooLarge = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => fail(c, 413, 'too_large', `the body is larger than ${MAX_BODY_BYTES} bytes`) });

/**
 * Add `POST /bind-codes` to an app: the shop asks, signed as for orders, for a one-time code binding a chat account to
 * its customer (`{"customer":"C1001","minutes":10}`); the answer has the code, when it expires, and a link per channel
 * that opens the bot with it (where the channel has one).
 */
export function mountBindCodes(app: Hono, options: { hearth: Hearth; secret: string | undefined }): void {
  const secret = checkSecret(options.secret);
  const { hearth } = options;
  app.post('/bind-codes', tooLarge, async (c) => {
    const req = await signedRequest(c, hearth, secret, '{"customer":"C1001","minutes":10}');
    if ('refused' in req) return req.refused;
    const checked = checkBindRequest(req.raw);
    if (!checked.ok) return fail(c, 400, 'bad_request', checked.reason);
    const { customer, minutes } = checked;
    const { db, deployment } = hearth.deps;
    const issued = inTransaction(db, () => (claimSignedRequest(db, req.signature, req.now) ? issueBindCode(db, customer, req.now, minutes) : undefined));
    if (!issued) return fail(c, 409, 'replayed', REPLAYED_MESSAGE);
    const links = Object.fromEntries(
      Object.keys(deployment.channels).flatMap((ch) => {
        const link = hearth.deps.privateLink(ch, `bind-${issued.code}`);
        return link ? [[ch, link]] : [];
      }),
    );
    return c.json({ ok: true, code: issued.code, expiresAt: issued.expiresAt.toISOString(), links }, 200);
  });
}

/**
 * Add `POST /codes/check` and `POST /codes/use` to an app, signed as for orders: `{"code":"HX-7K2M-9QXD"}` answers
 * valid, used or unknown with the reward and member number; `{"code":…,"orderId":"SO-1001"}` uses the code once (the
 * same order again is a duplicate, any other use is refused with 409 already_used).
 */
export function mountCodes(app: Hono, options: { hearth: Hearth; secret: string | undefined }): void {
  const secret = checkSecret(options.secret);
  const { hearth } = options;
  const { db, program } = hearth.deps;
  // Both routes: a signed request naming a code, its signature claimed once in the transaction that does the work.
  const codeRoute = <T>(path: string, example: string, work: (code: string, ref: string | undefined, now: Date) => T, answer: (c: Context, done: T) => Response) =>
    app.post(path, tooLarge, async (c) => {
      const req = await signedRequest(c, hearth, secret, example);
      if ('refused' in req) return req.refused;
      const asked = codeRequest(req.raw);
      if (!asked.ok) return fail(c, 400, 'bad_request', asked.reason);
      const done = inTransaction(db, () => (claimSignedRequest(db, req.signature, req.now) ? { value: work(asked.code, asked.ref, req.now) } : undefined));
      if (!done) return fail(c, 409, 'replayed', REPLAYED_MESSAGE);
      return answer(c, done.value);
    });
  codeRoute('/codes/check', '{"code":"HX-7K2M-9QXD"}', (code) => checkCode(db, program, code), (c, status) => c.json({ ok: true, ...codeJson(status) }, 200));
  codeRoute('/codes/use', '{"code":"HX-7K2M-9QXD","orderId":"SO-1001"}', (code, ref, now) => useCode(db, program, code, now, ref, 'http'), (c, use) => {
    switch (use.outcome) {
      case 'unknown':
        return c.json({ ok: false, error: 'unknown_code', message: `no redemption code "${use.code}"`, code: use.code, status: 'unknown' }, 404);
      case 'not-for-shop':
        return c.json({ ok: false, error: 'not_for_shop', message: `"${use.code.code}" is a make-up card: the member uses it in chat (补签), not at the shop`, ...codeJson(use.code) }, 422);
      case 'already-used': {
        if (use.sameUse) return c.json({ ok: true, duplicate: true, ...codeJson(use.code) }, 200);
        const forOrder = use.code.usedFor ? ` for order ${use.code.usedFor}` : '';
        return c.json({ ok: false, error: 'already_used', message: `code "${use.code.code}" was already used at ${use.code.usedAt!.toISOString()}${forOrder}`, ...codeJson(use.code) }, 409);
      }
      case 'used':
        return c.json({ ok: true, duplicate: false, ...codeJson(use.code) }, 200);
    }
  });
}

/** Add `POST /orders` to an app. Refuses (HearthError bad_config) without a secret of at least 16 characters. */
export function mountOrders(app: Hono, options: { hearth: Hearth; secret: string | undefined }): void {
  const secret = checkSecret(options.secret);
  const { hearth } = options;
  app.post(
    '/orders',
    tooLarge,
    async (c) => {
      const req = await signedRequest(c, hearth, secret, '{"type":"purchase","member":"…","orderId":"…","amount":1200,"at":"…"}');
      if ('refused' in req) return req.refused;
      const { now, raw } = req;
      if (raw.type !== 'purchase' && raw.type !== 'refund') return fail(c, 400, 'bad_request', 'type must be "purchase" or "refund"');
      const checked = checkOrder({ ...raw, at: raw.at === undefined ? now.toISOString() : raw.at }, { now, program: hearth.deps.program });
      if (!checked.ok) return fail(c, 400, 'bad_request', checked.reason);
      const event = checked.event;
      // Derived from the body before its missing time became now: the same body again is the same refund.
      if (event.kind === 'refund' && event.refundId === undefined && raw.at === undefined) event.refundId = webhookRefundId(event);
      const result = await recordOrder(hearth, event, { signature: req.signature });
      const { kind: type, orderId } = event;
      if (result.outcome === 'replayed') return fail(c, 409, 'replayed', REPLAYED_MESSAGE);
      if (result.outcome === 'rejected') {
        return result.code === 'internal' ? fail(c, 500, 'internal', 'the order could not be recorded; try again later') : fail(c, 422, result.code ?? 'refused', result.reason);
      }
      if (result.outcome === 'parked') return c.json({ ok: true, type, orderId, duplicate: false, parked: true }, 202);
      return c.json({ ok: true, type, orderId, duplicate: result.outcome === 'duplicate' }, 200);
    },
  );
}

/** How long a received message may wait to be handled before /health calls it a problem. */
const STUCK_INBOX_MS = 5 * 60_000;

/**
 * What /health says: ok, or the problems (the database refusing writes, sent marks that cannot be recorded, a channel
 * down, messages received long ago and not handled), with the inbox backlog.
 */
export function healthReport(hearth: Hearth): { ok: boolean; problems: { part: string; message: string; since: string; count: number }[]; inbox?: { pending: number; oldest?: string } } {
  const { db, clock } = hearth.deps;
  const { health } = hearth;
  const problems = health.list().map((p) => ({ part: p.part, message: p.message, since: p.since.toISOString(), count: p.count }));
  let inbox: { pending: number; oldest?: string } | undefined;
  try {
    const backlog = inboxBacklog(db);
    inbox = { pending: backlog.pending, ...(backlog.oldestReceivedAt !== undefined ? { oldest: new Date(backlog.oldestReceivedAt).toISOString() } : {}) };
    if (backlog.oldestReceivedAt !== undefined && clock.now().getTime() - backlog.oldestReceivedAt > STUCK_INBOX_MS) {
      problems.push({ part: 'inbox', message: `${backlog.pending} received messages not handled yet`, since: inbox.oldest!, count: backlog.pending });
    }
  } catch (err) {
    problems.push({ part: 'database', message: `cannot read the inbox: ${(err as Error).message}`, since: clock.now().toISOString(), count: 1 });
  }
  return { ok: problems.length === 0, problems, ...(inbox ? { inbox } : {}) };
}

/** The app: `GET /health`, and `POST /orders` when a secret is given. Add more routes before it starts listening. */
export function createHttpApp(options: { hearth: Hearth; secret?: string }): Hono {
  const app = new Hono();
  app.get('/health', (c) => {
    const report = healthReport(options.hearth);
    return c.json(report, report.ok ? 200 : 503);
  });
  if (options.secret !== undefined) {
    mountOrders(app, { hearth: options.hearth, secret: options.secret });
    mountBindCodes(app, { hearth: options.hearth, secret: options.secret });
    mountCodes(app, { hearth: options.hearth, secret: options.secret });
  }
  app.notFound((c) => c.json({ ok: false, error: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` }, 404));
  app.onError((err, c) => {
    options.hearth.deps.log.error({ err }, 'http request failed');
    return c.json({ ok: false, error: 'internal', message: 'something went wrong' }, 500);
  });
  return app;
}

/** A listening server. */
export interface HttpServer {
  app: Hono;
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Listen with an app on a port (0 picks a free one); resolves once it accepts connections. */
export function listen(app: Hono, options: { port: number; hostname?: string }): Promise<HttpServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: options.hostname }, (info: AddressInfo) => {
      server.off('error', reject);
      const host = options.hostname ?? 'localhost';
      resolve({
        app,
        port: info.port,
        url: `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
    server.once('error', reject);
  });
}

/**
 * Start the order endpoint (and /health), plus any routes `routes` adds. Refuses to start without a secret.
 */
export async function createHttpServer(options: {
  hearth: Hearth;
  secret: string | undefined;
  port?: number;
  hostname?: string;
  routes?: (app: Hono) => void;
}): Promise<HttpServer> {
  const app = createHttpApp({ hearth: options.hearth, secret: checkSecret(options.secret) });
  options.routes?.(app);
  return listen(app, { port: options.port ?? 0, hostname: options.hostname });
}

/** For `hearth start`: the order endpoint on HEARTH_HTTP_PORT when HEARTH_ORDERS_SECRET is set, else nothing. */
export async function startOrdersEndpoint(
  hearth: Hearth,
  config: { HEARTH_ORDERS_SECRET?: string; HEARTH_HTTP_PORT: number },
): Promise<HttpServer | undefined> {
  if (config.HEARTH_ORDERS_SECRET === undefined) return undefined;
  const server = await createHttpServer({ hearth, secret: config.HEARTH_ORDERS_SECRET, port: config.HEARTH_HTTP_PORT });
  hearth.deps.log.info({ port: server.port }, 'order endpoint listening: POST /orders');
  return server;
}
