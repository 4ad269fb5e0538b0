// Live runs: every configured channel in one process, on one store, with one staff room. Hearth takes the database's
// instance lock first (a second process waits as a standby), connects the channels, serves HTTP (health, orders,
// webhooks) when anything needs it, finishes what a crash left, and runs its jobs, timers, retries and outbox flush
// until stopped.
import type { Logger } from 'pino';
import type { Program } from '../community/program';
import { openDatabase, type Db } from '../store/db';
import { holderOf, lockDatabase, noteHolder, type InstanceLock } from '../store/instance-lock';
import { systemClock } from './core/clock';
import type { Channel, MenuCommand } from './core/channel';
import type { ChannelInfo, Deployment } from './core/skill';
import { defaultMemberChannel, type Config } from './config';
import { createHearth, type Hearth } from './hearth';
import { modelSetupOf } from './llm';
import { Health } from './health';
import { runtimeCopy } from './copy';
import { localTime } from '../community/calendar';
import { createHttpApp, listen, type HttpServer } from './http';
import { COMMANDS } from '../skills/commands';
import type { Hono } from 'hono';

/** A running Hearth; `stop` stops the channels and timekeeping, waits for queued messages, closes the database. */
export interface LiveHearth {
  hearth: Hearth;
  http?: HttpServer;
  stop(): Promise<void>;
}

/** A channel to run, and anything it adds to the HTTP server (a webhook route). */
export interface LiveChannel {
  channel: Channel;
  webhook?: { path: string; mount(app: Hono): void };
}

/** How often messages whose handling failed are tried again, and the outbox is flushed. */
const RETRY_MS = 30_000;
const FLUSH_MS = 1_000;
/** A channel failing this long is reported to the staff room (a reconnect blip is not). */
const CHANNEL_DOWN_AFTER_MS = 2 * 60_000;

/**
 * Tell the staff room when a running channel has been down `afterMs` (its name is a part of `/health`), and again when
 * it is back, and when a platform throttles a whole account. Returns how to stop watching.
 */
function watchChannels(hearth: Hearth, health: Health, afterMs: number, flush: () => void): () => void {
  const { deployment, program } = hearth.deps;
  const pending = new Map<string, NodeJS.Timeout>();
  const told = new Set<string>();
  const say = runtimeCopy.to({ lang: program.escalation.staffLang, program });
  // Staff alerts go at once, as answers do: quiet hours are for members, not for an outage.
  const tell = (key: string, text: string) => {
    hearth.deps.queue(key, { channel: deployment.staffRoom.channel, chat: deployment.staffRoom.chat, text, kind: 'reply' }, systemClock.now());
    flush();
  };
  const names = { telegram: 'nameTelegram', wecom: 'nameWecom', wechat: 'nameWechat' } as const;
  const nameOf = (part: string) => (part in names ? say(names[part as keyof typeof names]) : part);
  // A platform throttled a whole account: managers hear it at once, once per episode. The line is queued like any other,
  // so when the staff room is on that channel it waits out the pause too (it would be one more refused send) and goes
  // when sending resumes; on another channel it goes at once.
  hearth.dispatcher.onThrottle((t) => {
    if (!deployment.staffRoom.chat) return;
    const minutes = Math.max(1, Math.round(t.pauseMs / 60_000));
    tell(`throttled:${t.channel}:${t.since.getTime()}`, say('channelThrottled', { channel: nameOf(t.channel), minutes, until: localTime(t.until, program.timezone) }));
  });
  health.onChange((part, problem) => {
    if (!(part in deployment.channels) || !deployment.staffRoom.chat) return;
    clearTimeout(pending.get(part));
    pending.delete(part);
    if (problem) {
      const timer = setTimeout(() => {
        pending.delete(part);
        const still = health.list().find((p) => p.part === part);
        if (!still) return;
        told.add(part);
        tell(`channel-down:${part}:${still.since.getTime()}`, say('channelDown', { channel: nameOf(part), reason: still.message }));
      }, afterMs);
      timer.unref();
      pending.set(part, timer);
    } else if (told.delete(part)) {
      tell(`channel-back:${part}:${systemClock.now().getTime()}`, say('channelBack', { channel: nameOf(part) }));
    }
  });
  return () => {
    for (const t of pending.values()) clearTimeout(t);
    pending.clear();
  };
}

/** The commands as platform menus show them, from the one command list. */
export function menuCommands(): MenuCommand[] {
  return COMMANDS.filter((c) => c.menus && c.menus.length > 0).map((c) => ({ command: c.name, description: c.description, menus: c.menus! }));
}

/**
 * Take the database's instance lock — waiting as a standby, with a line on stderr, while another Hearth holds it — then
 * open the database, connect and start every channel on one Hearth, serve HTTP when a webhook or the order endpoint
 * needs it, finish what was received and not handled before a restart, and start jobs, timers and the outbox flush.
 */
export async function startLive(options: {
  config: Config;
  log: Logger;
  program: Program;
  channels: LiveChannel[];
  staffRoom: { channel: string; chat: string };
  /** Every group counts as listed (the console). */
  everyGroupListed?: boolean;
  health?: Health;
  /** Told when this process waits for another to stop (default: a line on stderr). */
  onStandby?: (message: string) => void;
  /** How long a channel must be down before the staff room is told (default 2 minutes). */
  channelDownAfterMs?: number;
}): Promise<LiveHearth> {
  const { config } = options;
  const lock = await lockDatabase(config.HEARTH_DB, { waiting: () => standby(options) });
  if (!lock) throw new Error('the instance lock was not taken');
  let db: Db;
  try {
    db = openDatabase(config.HEARTH_DB, { synchronous: config.HEARTH_DB_SYNC });
    noteHolder(db, systemClock.now());
  } catch (err) {
    lock.release();
    throw err;
  }
  try {
    return await run(db, lock, options);
  } catch (err) {
    db.$client.close();
    lock.release();
    throw err;
  }
}

function standby(options: { config: Config; log: Logger; onStandby?: (message: string) => void }): void {
  const { config } = options;
  let holder = '';
  try {
    const peek = openDatabase(config.HEARTH_DB);
    const h = holderOf(peek);
    peek.$client.close();
    if (h) holder = ` (pid ${h.pid} on ${h.host}, since ${h.since})`;
  } catch {
    // the holder's details are a courtesy
  }
  const line = `hearth: another Hearth is running on ${config.HEARTH_DB}${holder}; waiting as a standby — this one takes over when it stops`;
  (options.onStandby ?? ((m: string) => process.stderr.write(`${m}\n`)))(line);
  options.log.warn({ db: config.HEARTH_DB }, 'database held by another Hearth: standing by');
}

async function run(db: Db, lock: InstanceLock, options: Parameters<typeof startLive>[0]): Promise<LiveHearth> {
  const { config, log } = options;
  const infos: Record<string, ChannelInfo> = {};
  for (const { channel } of options.channels) {
    const me = await channel.connect();
    infos[channel.name] = { botId: me.botId, ...(me.botUsername ? { botUsername: me.botUsername } : {}), capabilities: channel.capabilities };
  }
  const deployment: Deployment = {
    staffRoom: options.staffRoom,
    channels: infos,
    groups: config.HEARTH_GROUPS,
    defaultChannel: defaultMemberChannel(config),
    ...(options.everyGroupListed ? { everyGroupListed: true } : {}),
  };
  const health = options.health ?? new Health();
  const hearth = createHearth({ db, program: options.program, clock: systemClock, log, deployment, channels: options.channels.map((c) => c.channel), health, llm: modelSetupOf(config, log) });
  const flush = () => hearth.dispatcher.flush(systemClock.now()).catch((err: unknown) => log.error({ err }, 'outbox flush failed'));
  const stopWatching = watchChannels(hearth, health, options.channelDownAfterMs ?? CHANNEL_DOWN_AFTER_MS, () => void flush());
  hearth.onHandled(() => void flush()); // answers go out as soon as they are committed
  hearth.scheduler.start(systemClock, async () => void (await flush()));
  const flushTimer = setInterval(() => void flush(), FLUSH_MS);
  flushTimer.unref();
  const resume = () => {
    try {
      hearth.engine.resume();
    } catch (err) {
      log.error({ err }, 'could not read the inbox');
    }
  };
  const retryTimer = setInterval(resume, RETRY_MS);
  retryTimer.unref();

  let http: HttpServer | undefined;
  const webhooks = options.channels.filter((c) => c.webhook);
  if (webhooks.length > 0 || config.HEARTH_ORDERS_SECRET !== undefined) {
    const app = createHttpApp({ hearth, secret: config.HEARTH_ORDERS_SECRET });
    for (const c of webhooks) c.webhook!.mount(app);
    http = await listen(app, { port: config.HEARTH_HTTP_PORT });
    log.info({ port: http.port }, 'http listening');
  }
  resume(); // what was received and not handled before a restart is finished now, in order per chat
  const menus = menuCommands();
  for (const { channel } of options.channels) {
    await channel.start(hearth);
    await channel.publishCommands?.(menus, options.staffRoom.channel === channel.name ? options.staffRoom.chat : undefined);
  }
  void flush(); // and what was written and not sent goes out
  return {
    hearth,
    http,
    async stop() {
      clearInterval(flushTimer);
      clearInterval(retryTimer);
      stopWatching();
      for (const { channel } of options.channels) await channel.stop();
      await http?.close();
      await hearth.scheduler.stop();
      await hearth.engine.idle();
      await flush();
      hearth.dispatcher.stop();
      db.$client.close();
      lock.release();
    },
  };
}
