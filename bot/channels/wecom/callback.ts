// WeCom's URL-callback mode (智能机器人 JSON callbacks and classic app XML callbacks): the URL check, opening a signed and
// encrypted POST, sealing a passive reply, and the hono route that acknowledges a callback only once it was handled.
import { timingSafeEqual } from 'node:crypto';
import { decrypt, encrypt, getSignature } from '@wecom/crypto';
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import { HearthError } from '../../core/errors';

/**
 * What the callback is configured with. `receiverId` is what WeCom writes after the message inside the ciphertext:
 * the corp id for an app's callback, the suite id for a third-party suite, and `''` for an enterprise's own
 * intelligent robot (developer.work.weixin.qq.com/document/path/101033: 「企业内部智能机器人场景中，ReceiveId为""」).
 */
export interface WecomCallbackKeys {
  token: string;
  aesKey: string;
  receiverId: string;
}

/** Why a callback was refused. Nothing was decrypted for the caller when it is refused. */
export type WecomRefusalReason = 'bad-signature' | 'bad-receiver' | 'malformed' | 'stale';

/** A refusal, with a short reason fit for a log line (never the plaintext, never a key). */
export interface WecomRefusal {
  ok: false;
  reason: WecomRefusalReason;
  detail: string;
}

/** The query WeCom signs: `msg_signature`, `timestamp` (unix seconds), `nonce`, and `echostr` for the URL check. */
export interface WecomSignedQuery {
  msg_signature?: string | null;
  timestamp?: string | null;
  nonce?: string | null;
  echostr?: string | null;
}

/** When a signed request is judged: `now` is the caller's clock; `maxSkewMs` the replay window (default 5 minutes). */
export interface WecomCheckOptions {
  now: Date;
  maxSkewMs?: number;
}

/** The URL check passed: answer `echo` as the plain response body. */
export interface WecomUrlChecked {
  ok: true;
  echo: string;
}

/** An authentic callback, decrypted: its plaintext, and the parsed value when the plaintext is JSON. */
export interface WecomOpened {
  ok: true;
  plaintext: string;
  json?: unknown;
  /** How the envelope came: the robot's (or a JSON app callback's) `{"encrypt": …}`, or the classic `<xml><Encrypt>`. */
  format: 'json' | 'xml';
  timestamp: string;
  /** The request's nonce: a passive reply must be sealed with it (document/path/101033, 加密与被动回复). */
  nonce: string;
}

/** A sealed passive reply in the robot's JSON mode, sent as the callback's response body. */
export interface WecomReplyEnvelope {
  encrypt: string;
  msgsignature: string;
  timestamp: number;
  nonce: string;
}

/**
 * WeCom signs the timestamp but the signature never expires, so a captured request stays valid forever: refusing
 * timestamps further than this from our clock bounds how long a recorded request can be replayed (and the inbox's
 * per-message dedupe covers replays inside the window). WeCom retries within seconds, well inside it.
 */
export const DEFAULT_MAX_SKEW_MS = 5 * 60_000;
/** Callback bodies are a few KiB (a robot's mixed message is text and image URLs); anything larger is refused. */
export const MAX_CALLBACK_BYTES = 128 * 1024;

const SIGNATURE = /^[0-9a-f]{40}$/i;
const TIMESTAMP = /^\d{1,12}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
// The doc: 43 characters from a-z, A-Z, 0-9, the Base64 of the 32-byte AES key without its '='.
const AES_KEY = /^[A-Za-z0-9]{43}$/;

function refuse(reason: WecomRefusalReason, detail: string): WecomRefusal {
  return { ok: false, reason, detail };
}

/** Throws HearthError bad_config when the token or EncodingAESKey cannot be right: a setup mistake, not bad input. */
export function checkWecomKeys(keys: WecomCallbackKeys): void {
  if (typeof keys.token !== 'string' || keys.token.trim() === '') {
    throw new HearthError('bad_config', 'the WeCom callback token is empty: copy it from the robot\'s API settings');
  }
  if (typeof keys.aesKey !== 'string' || !AES_KEY.test(keys.aesKey) || Buffer.from(`${keys.aesKey}=`, 'base64').length !== 32) {
    throw new HearthError('bad_config', 'the WeCom EncodingAESKey must be the 43 letters and digits shown in the API settings');
  }
  if (typeof keys.receiverId !== 'string') {
    throw new HearthError('bad_config', 'the WeCom receiver id must be a string (empty for an intelligent robot)');
  }
}

/** The signature, timestamp and nonce checks every signed request goes through, over `encrypted` as sent. */
function checkSigned(
  token: string,
  query: WecomSignedQuery,
  encrypted: string,
  options: WecomCheckOptions,
): WecomRefusal | { timestamp: string; nonce: string } {
  const { msg_signature: signature, timestamp, nonce } = query;
  if (!signature || !timestamp || !nonce) return refuse('malformed', 'msg_signature, timestamp and nonce are required');
  if (!TIMESTAMP.test(timestamp)) return refuse('malformed', 'timestamp must be unix seconds');
  if (!SIGNATURE.test(signature)) return refuse('bad-signature', 'msg_signature is not 40 hex digits');
  const expected = Buffer.from(getSignature(token, timestamp, nonce, encrypted), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return refuse('bad-signature', 'msg_signature does not match');
  // Checked after the signature, so "stale" always means an authentic request replayed (or a clock far off).
  const skew = Math.abs(options.now.getTime() - Number(timestamp) * 1000);
  if (skew > (options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS)) {
    return refuse('stale', `timestamp is ${Math.round(skew / 1000)} s from our clock`);
  }
  return { timestamp, nonce };
}

/**
 * Decrypt an authentic ciphertext and check who it was for. @wecom/crypto's decrypt neither checks the padding nor the
 * length field (a wrong key yields garbage, often with an empty receiver id, which a robot's `''` would accept), so
 * the result is sealed again with the same random prefix: only a well-formed plaintext gives back the same ciphertext.
 */
function openCiphertext(keys: WecomCallbackKeys, encrypted: string): WecomRefusal | { plaintext: string } {
  if (!BASE64.test(encrypted)) return refuse('malformed', 'the ciphertext is not Base64');
  const bytes = Buffer.from(encrypted, 'base64').length;
  if (bytes < 32 || bytes % 32 !== 0) return refuse('malformed', 'the ciphertext is not whole 32-byte blocks');
  let opened: { message: string; id: string; random: Buffer };
  try {
    opened = decrypt(keys.aesKey, encrypted);
  } catch {
    return refuse('malformed', 'the ciphertext does not decrypt');
  }
  if (encrypt(keys.aesKey, opened.message, opened.id, opened.random) !== encrypted) {
    return refuse('malformed', 'the decrypted message is not well-formed (wrong EncodingAESKey?)');
  }
  if (opened.id !== keys.receiverId) return refuse('bad-receiver', 'the message is for another receiver id');
  return { plaintext: opened.message };
}

/** The URL check (GET): verify `msg_signature` over token/timestamp/nonce/echostr and return the decrypted echostr. */
export function verifyWecomUrl(keys: WecomCallbackKeys, query: WecomSignedQuery, options: WecomCheckOptions): WecomUrlChecked | WecomRefusal {
  checkWecomKeys(keys);
  const { echostr } = query;
  if (!echostr) return refuse('malformed', 'echostr is required');
  const signed = checkSigned(keys.token, query, echostr, options);
  if ('ok' in signed) return signed;
  const opened = openCiphertext(keys, echostr);
  if ('ok' in opened) return opened;
  return { ok: true, echo: opened.plaintext };
}

/** The ciphertext of a callback body: `{"encrypt": …}` (the robot; `Encrypt` in JSON app callbacks) or `<xml><Encrypt>`. */
function envelopeOf(body: string): WecomRefusal | { encrypted: string; format: 'json' | 'xml' } {
  const text = body.replace(/^\uFEFF/, '').trim();
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return refuse('malformed', 'the body is not valid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return refuse('malformed', 'the body is not a JSON object');
    const fields = parsed as Record<string, unknown>;
    if ('encrypt' in fields && 'Encrypt' in fields) return refuse('malformed', 'the body has both encrypt and Encrypt');
    const encrypted = fields.encrypt ?? fields.Encrypt;
    if (typeof encrypted !== 'string' || encrypted === '') return refuse('malformed', 'the body has no encrypt field');
    return { encrypted, format: 'json' };
  }
  if (text.startsWith('<')) {
    const found = [...text.matchAll(/<Encrypt>\s*(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*?))\s*<\/Encrypt>/g)];
    if (found.length !== 1) return refuse('malformed', 'the XML body needs exactly one <Encrypt> element');
    const encrypted = found[0]![1] ?? found[0]![2] ?? '';
    if (encrypted === '') return refuse('malformed', 'the <Encrypt> element is empty');
    return { encrypted, format: 'xml' };
  }
  return refuse('malformed', 'the body is neither JSON nor XML');
}

/** Open a callback POST: verify `msg_signature` over token/timestamp/nonce/encrypt, decrypt, check the receiver id. */
export function openWecomCallback(
  keys: WecomCallbackKeys,
  query: WecomSignedQuery,
  body: string,
  options: WecomCheckOptions,
): WecomOpened | WecomRefusal {
  checkWecomKeys(keys);
  const envelope = envelopeOf(body);
  if ('ok' in envelope) return envelope;
  const signed = checkSigned(keys.token, query, envelope.encrypted, options);
  if ('ok' in signed) return signed;
  const opened = openCiphertext(keys, envelope.encrypted);
  if ('ok' in opened) return opened;
  const result: WecomOpened = { ok: true, plaintext: opened.plaintext, format: envelope.format, ...signed };
  if (/^\s*[[{]/.test(opened.plaintext)) {
    try {
      result.json = JSON.parse(opened.plaintext) as unknown;
    } catch {
      // Not JSON after all: the plaintext is still returned, as the caller may want to say what was wrong with it.
    }
  }
  return result;
}

/** Seal a passive reply (JSON mode) with @wecom/crypto's encrypt and getSignature; `nonce` is the request's nonce. */
export function sealWecomReply(
  keys: WecomCallbackKeys,
  plaintext: string,
  options: { now: Date; nonce: string; random?: Buffer },
): WecomReplyEnvelope {
  checkWecomKeys(keys);
  if (options.nonce === '') throw new HearthError('bad_input', 'a WeCom passive reply needs the callback\'s nonce');
  if (options.random !== undefined && options.random.length !== 16) throw new HearthError('bad_input', 'the random prefix must be 16 bytes');
  const timestamp = Math.floor(options.now.getTime() / 1000);
  const sealed = encrypt(keys.aesKey, plaintext, keys.receiverId, options.random);
  return { encrypt: sealed, msgsignature: getSignature(keys.token, timestamp, options.nonce, sealed), timestamp, nonce: options.nonce };
}

/**
 * What `wecomCallbackRoute` needs. `onMessage` resolves once the message is recorded; it may return a sealed reply.
 * `signal` aborts when WeCom closes the connection (a reply then reaches nobody).
 */
export interface WecomCallbackRouteOptions extends WecomCallbackKeys {
  path: string;
  now: () => Date;
  onMessage: (plaintext: string, opened: WecomOpened, signal?: AbortSignal) => Promise<WecomReplyEnvelope | void> | WecomReplyEnvelope | void;
  maxSkewMs?: number;
  maxBodyBytes?: number;
  log?: Pick<Logger, 'warn' | 'error'>;
}

/** The callback route: GET answers the URL check with the plain echostr; POST is acknowledged only after onMessage. */
export function wecomCallbackRoute(options: WecomCallbackRouteOptions): { path: string; mount(app: Hono): void } {
  const keys: WecomCallbackKeys = { token: options.token, aesKey: options.aesKey, receiverId: options.receiverId };
  checkWecomKeys(keys);
  const { path, log } = options;
  const maxSize = options.maxBodyBytes ?? MAX_CALLBACK_BYTES;
  const status = (reason: WecomRefusalReason) => (reason === 'malformed' ? 400 : 401);
  // hono turns a raw '+' in the query into a space; Base64 has no spaces, so one there was a '+'.
  const signedQuery = (q: (name: string) => string | undefined): WecomSignedQuery => ({
    msg_signature: q('msg_signature'),
    timestamp: q('timestamp'),
    nonce: q('nonce'),
    echostr: q('echostr')?.replace(/ /g, '+'),
  });

  return {
    path,
    mount(app: Hono) {
      app.get(path, (c) => {
        const checked = verifyWecomUrl(keys, signedQuery((n) => c.req.query(n)), { now: options.now(), maxSkewMs: options.maxSkewMs });
        if (!checked.ok) {
          log?.warn({ reason: checked.reason, detail: checked.detail }, 'wecom URL check refused');
          return c.text(checked.reason, status(checked.reason));
        }
        // The doc: answer the plaintext as is — no quotes, no BOM, no newline.
        return c.text(checked.echo, 200);
      });

      app.post(path, bodyLimit({ maxSize, onError: (c) => c.text('too large', 413) }), async (c) => {
        const query = signedQuery((n) => c.req.query(n));
        const opened = openWecomCallback(keys, { ...query, echostr: undefined }, await c.req.text(), {
          now: options.now(),
          maxSkewMs: options.maxSkewMs,
        });
        if (!opened.ok) {
          log?.warn({ reason: opened.reason, detail: opened.detail }, 'wecom callback refused; nothing processed');
          return c.text(opened.reason, status(opened.reason));
        }
        let reply: WecomReplyEnvelope | void;
        try {
          reply = await options.onMessage(opened.plaintext, opened, c.req.raw.signal);
        } catch (err) {
          // Not handled: a 200 would lose it. WeCom retries a callback that is not answered with 200.
          log?.error({ err: err instanceof Error ? err.message : String(err) }, 'wecom callback not recorded; answering 500 so WeCom retries');
          return c.text('unavailable', 500);
        }
        // An empty 200 is WeCom's "received, no passive reply" (回复空包 / 空串): it neither retries nor shows anything.
        return reply ? c.json(reply, 200) : c.body(null, 200);
      });
    },
  };
}
