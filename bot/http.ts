// Hearth's HTTP server (hono): `POST /orders` takes purchase and refund events signed with HMAC-SHA256, and
// `GET /health`. Other parts (e.g. a Telegram webhook) add their routes to the same app before it listens.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { serve } from '@hono/node-server';
import type { Logger } from 'pino';
import { HearthError } from './errors';
import type { Hearth } from './hearth';
import { checkOrder, recordOrder } from './order-intake';

/** `sha256=<hex>`: HMAC-SHA256, keyed with the secret, of `<timestamp>.<raw body>`. */
export const SIGNATURE_HEADER = 'X-Hearth-Signature';
/** Unix seconds when the request was signed; part of the signed text, so it cannot be changed. */
export const TIMESTAMP_HEADER = 'X-Hearth-Timestamp';
/** Requests signed longer ago than this (or this far in the future) are refused as replays. */
export const MAX_SIGNATURE_AGE_MS = 5 * 60_000;
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

function fail(c: Context, status: 400 | 401 | 413 | 422 | 500, error: string, message: string) {
  return c.json({ ok: false, error, message }, status);
}

/** Why a signed request is not authentic, or undefined when it is. */
function verify(secret: string, body: Uint8Array, signature: string | undefined, timestamp: string | undefined, now: Date): string | undefined {
  if (!signature) return `missing ${SIGNATURE_HEADER} header`;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return `missing or malformed ${TIMESTAMP_HEADER} header (unix seconds)`;
  if (Math.abs(now.getTime() - Number(timestamp) * 1000) > MAX_SIGNATURE_AGE_MS) {
    return `${TIMESTAMP_HEADER} is more than 5 minutes from the server's clock: sign the request again with a fresh timestamp`;
  }
  const m = /^sha256=([0-9a-f]{64})$/i.exec(signature.trim());
  if (!m) return `malformed ${SIGNATURE_HEADER} header: expected sha256=<64 hex digits>`;
  const expected = Buffer.from(signOrderRequest(secret, timestamp, body).slice('sha256='.length), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(m[1]!, 'hex'))) return 'signature does not match the request';
  return undefined;
}

/** Add `POST /orders` to an app. Refuses (HearthError bad_config) without a secret of at least 16 characters. */
export function mountOrders(app: Hono, options: { hearth: Hearth; secret: string | undefined }): void {
  const secret = checkSecret(options.secret);
  const { hearth } = options;
  const log: Logger = hearth.deps.log;
  app.post(
    '/orders',
    bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => fail(c, 413, 'too_large', `the body is larger than ${MAX_BODY_BYTES} bytes`) }),
    async (c) => {
      const now = hearth.deps.clock.now();
      const body = new Uint8Array(await c.req.arrayBuffer());
      const problem = verify(secret, body, c.req.header(SIGNATURE_HEADER), c.req.header(TIMESTAMP_HEADER), now);
      if (problem) {
        log.warn({ problem }, 'order request refused');
        return fail(c, 401, 'unauthorized', problem);
      }
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
      } catch {
        return fail(c, 400, 'bad_json', 'the body is not valid JSON');
      }
      if (typeof json !== 'object' || json === null || Array.isArray(json)) {
        return fail(c, 400, 'bad_request', 'expected one JSON object: {"type":"purchase","member":"…","orderId":"…","amount":1200,"at":"…"}');
      }
      const raw = json as Record<string, unknown>;
      if (raw.type !== 'purchase' && raw.type !== 'refund') return fail(c, 400, 'bad_request', 'type must be "purchase" or "refund"');
      const checked = checkOrder(
        { ...raw, at: raw.at === undefined ? now.toISOString() : raw.at },
        { now, timezone: hearth.deps.program.timezone },
      );
      if (!checked.ok) return fail(c, 400, 'bad_request', checked.reason);
      const result = await recordOrder(hearth, checked.event);
      const { kind: type, orderId } = checked.event;
      if (result.outcome === 'rejected') {
        return result.code === 'internal' ? fail(c, 500, 'internal', 'the order could not be recorded; try again later') : fail(c, 422, result.code ?? 'refused', result.reason);
      }
      return c.json({ ok: true, type, orderId, duplicate: result.outcome === 'duplicate' }, 200);
    },
  );
}

/** The app: `GET /health`, and `POST /orders` when a secret is given. Add more routes before it starts listening. */
export function createHttpApp(options: { hearth: Hearth; secret?: string }): Hono {
  const app = new Hono();
  app.get('/health', (c) => c.json({ ok: true }));
  if (options.secret !== undefined) mountOrders(app, { hearth: options.hearth, secret: options.secret });
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
