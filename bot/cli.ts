// The `hearth` command: start (every channel whose variables are set — Telegram, WeCom — else the console), console, replay, check-program, role.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { configuredChannels, loadConfig, staffRoomOf, wechatLimitsOf, type Config } from './config';
import { createLogger } from './log';
import { loadProgram } from './program-file';
import { HearthError } from './core/errors';
import { parseReplay, ReplayFormatError } from './replay-format';
import { runReplay } from './replay';
import { modelSetupOf } from './llm';
import { openDatabase } from '../store/db';
import { tryLockDatabase } from '../store/instance-lock';
import { parseRef, refText } from '../community/refs';
import { startLive, type LiveChannel, type LiveHearth } from './live';
import { systemClock } from './core/clock';
import { createConsoleChannel } from './channels/console';
import { ensureMember, findMemberByPlatformId, setRole } from '../store/members';
import { audit } from '../store/audit';
import { runNudgesCommand } from './nudges-cli';
import { runImportCommand } from './import';
import { runMembersCommand } from './members-cli';
import { runCodesCommand } from './codes';
import { backupDatabase, restoreDatabase } from '../store/retention';
import { createTelegramChannel } from './channels/telegram';
import { createWecomChannel } from './channels/wecom';
import { createWecomCallbackChannel } from './channels/wecom/callback-channel';
import { createWechatyChannel } from './channels/wechaty';
import { Health } from './health';
import { checkBindRequest } from './order-intake';
import { issueBindCode } from '../store/binding';
import { ALL_CATALOGS } from './program-file';
import { stringify as stringifyYaml } from 'yaml';

const usage = `Usage: hearth <command>
  start                          run the bot on every channel set up (TELEGRAM_BOT_TOKEN; WECOM_BOT_ID and
                                 WECOM_BOT_SECRET, or WECOM_CALLBACK_TOKEN and WECOM_CALLBACK_AES_KEY; WECHATY_PUPPET),
                                 else the console chat
  console                        chat with the bot in this terminal
  replay FILE [--program FILE] [--db FILE]
                                 run a replay file and print every bot message as a JSON line
  check-program FILE             validate a program file
  copy [SKILL] [--program FILE]  every line Hearth says (or one skill's), as a program file's copy: section to edit
  bind-code CUSTOMER [--minutes N]
                                 a one-time code that binds a member's chat account to the shop customer CUSTOMER
  role grant|revoke MEMBER ROLE  make a member (by platform id) a manager or staff, or take it back
  nudges list | nudges preview RULE [--at TIME]
                                 the nudge rules, or who a rule would reach now and three sample messages (sends nothing)
  import FILE.csv [--db FILE] [--program FILE]
                                 record purchases and refunds from a CSV file (see README, "Importing purchases")
  members export MEMBER          print as JSON everything stored about a member (MEMBER: telegram:123456,
                                 wecom:zhangsan, or a bare console id)
  members erase MEMBER [--yes]   erase a member's personal data (ledger totals stay, anonymous); asks first
  members link MEMBER MEMBER [--yes]
                                 two identities of one person become one member (audited; a second run changes nothing)
  members unlink MEMBER [--yes]  undo the merge that brought MEMBER in, while nothing happened since
  codes show CODE                a redemption code: its reward, member, and whether it was used
  codes use CODE [--order ORDER] mark a redemption code used, once (as the shop's POST /codes/use does)
  db backup FILE                 copy the database to FILE, consistent even while the bot runs
  db restore FILE                replace the database with the backup FILE (stop the bot first)
Environment: HEARTH_DB (default ./data/hearth.db), HEARTH_PROGRAM, HEARTH_LOG_LEVEL, TELEGRAM_BOT_TOKEN, WECOM_BOT_ID,
  WECOM_BOT_SECRET, WECOM_WS_URL, WECOM_CALLBACK_TOKEN, WECOM_CALLBACK_AES_KEY, WECOM_CALLBACK_PATH, WECHATY_PUPPET,
  WECHATY_PUPPET_SERVICE_TOKEN, WECHATY_NAME, WECHATY_QR_FILE,
  HEARTH_ORDERS_SECRET (start then also serves POST /orders on HEARTH_HTTP_PORT, default 8080), …`;

/** Run the CLI with argv (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        return await start(loadConfig());
      case 'console':
        return await startConsole(loadConfig());
      case 'replay':
        return await replay(rest);
      case 'check-program':
        return checkProgram(rest);
      case 'copy':
        return copyLines(rest);
      case 'role':
        return role(rest);
      case 'bind-code':
        return bindCode(rest);
      case 'nudges':
        return await runNudgesCommand(rest);
      case 'import':
        return await runImportCommand(rest);
      case 'members':
        return await runMembersCommand(rest);
      case 'codes':
        return await runCodesCommand(rest);
      case 'db':
        return await database(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${usage}\n`);
        return command === undefined ? 1 : 0;
      default:
        process.stderr.write(`hearth: unknown command "${command}"\n${usage}\n`);
        return 1;
    }
  } catch (err) {
    if (err instanceof HearthError) {
      process.stderr.write(`hearth: ${err.message}\n`);
      return 1;
    }
    // Never a stack trace to a person: the message, and the details for whoever turns on debug logs.
    process.stderr.write(`hearth: something went wrong: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.HEARTH_LOG_LEVEL === 'debug' || process.env.HEARTH_LOG_LEVEL === 'trace') process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
    return 1;
  }
}

/**
 * `hearth start`: every channel whose variables are set (Telegram, WeCom, WeChat), in one process on one store, with the
 * staff room on any of them; the console chat when none is set.
 */
async function start(config: Config): Promise<number> {
  const on = configuredChannels(config);
  if (!on.telegram && !on.wecom && !on.wecomCallback && !on.wechat) return startConsole(config);
  const log = createLogger(config.HEARTH_LOG_LEVEL);
  const program = loadProgram(config.HEARTH_PROGRAM);
  const health = new Health();
  let stopped: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (stopped = resolve));
  const channels: LiveChannel[] = [];
  // Telegram, WeCom, WeChat: the order defaultMemberChannel (bot/config.ts) gives a bare member id from the shop.
  const telegram = config.TELEGRAM_BOT_TOKEN
    ? createTelegramChannel(config, {
        log,
        health,
        onStopped: (err) => {
          process.stderr.write(`hearth: Telegram polling stopped: ${err instanceof Error ? err.message : String(err)}\n`);
          stopped(1);
        },
      })
    : undefined;
  if (telegram) channels.push({ channel: telegram, webhook: telegram.webhook });
  const wecom = on.wecom
    ? createWecomChannel(config, {
        log,
        health,
        copy: program.copy,
        onStopped: (err) => {
          process.stderr.write(`hearth: WeCom connection stopped: ${err instanceof Error ? err.message : String(err)}\n`);
          stopped(1);
        },
      })
    : undefined;
  if (wecom) channels.push({ channel: wecom });
  // The robot's other API mode (config refuses both): WeCom POSTs to a route on the HTTP server, which then listens.
  const wecomCallback = on.wecomCallback ? createWecomCallbackChannel(config, { log }) : undefined;
  if (wecomCallback) channels.push({ channel: wecomCallback, webhook: wecomCallback.webhook });
  const wechat = config.WECHATY_PUPPET
    ? createWechatyChannel(config, {
        log,
        health,
        limits: wechatLimitsOf(config),
        copy: program.copy,
        onStopped: (err) => {
          process.stderr.write(`hearth: WeChat stopped: ${err instanceof Error ? err.message : String(err)}\n`);
          stopped(1);
        },
      })
    : undefined;
  if (wechat) channels.push({ channel: wechat });
  const staffRoom = staffRoomOf(config);
  if (!staffRoom) log.warn('HEARTH_STAFF_ROOM is not set: handoffs have no staff room to go to');
  else if (!channels.some((c) => c.channel.name === staffRoom.channel)) {
    log.warn({ staffRoom: staffRoom.channel }, 'the staff room is on a channel that is not running: handoffs have nowhere to go');
  }
  const live = await startLive({
    config,
    log,
    program,
    health,
    channels,
    staffRoom: staffRoom ?? { channel: channels[0]!.channel.name, chat: '' },
  });
  if (telegram) {
    const bot = live.hearth.deps.deployment.channels.telegram!;
    const how = telegram.webhook ? `webhook ${telegram.webhook.path} on port ${live.http!.port}` : 'long polling';
    process.stderr.write(`hearth: on Telegram as @${bot.botUsername} (${how}); Ctrl-C stops\n`);
  }
  if (wecom) process.stderr.write(`hearth: on WeCom as robot ${config.WECOM_BOT_ID} (long connection); Ctrl-C stops\n`);
  if (wecomCallback) process.stderr.write(`hearth: on WeCom (URL callbacks: POST ${wecomCallback.webhook.path} on port ${live.http!.port}); Ctrl-C stops\n`);
  if (wechat) process.stderr.write(`hearth: on WeChat as ${live.hearth.deps.deployment.channels.wechat?.botId ?? '?'} (wechaty, ${config.WECHATY_PUPPET}); Ctrl-C stops\n`);
  process.once('SIGINT', () => stopped(0));
  process.once('SIGTERM', () => stopped(0));
  try {
    return await finished;
  } finally {
    await live.stop();
  }
}

/** The console chat on the configured database (and the order endpoint when its secret is set). */
async function startConsole(config: Config): Promise<number> {
  const log = createLogger(config.HEARTH_LOG_LEVEL);
  let live: LiveHearth | undefined;
  const consoleChannel = createConsoleChannel({
    input: process.stdin,
    write: (line) => process.stdout.write(`${line}\n`),
    interactive: process.stdin.isTTY === true,
    now: () => systemClock.now(),
    settle: async () => {
      await live?.hearth.engine.idle();
      await live?.hearth.dispatcher.flush(systemClock.now());
    },
    setRole: (platformId, name, role) => {
      const db = live!.hearth.deps.db;
      setRole(db, ensureMember(db, { channel: 'console', platformId, name, at: systemClock.now() }).id, role);
    },
  });
  // The console is a demo: its one group needs no setup step.
  live = await startLive({ config, log, program: loadProgram(config.HEARTH_PROGRAM), channels: [{ channel: consoleChannel }], staffRoom: { channel: 'console', chat: 'staff' }, everyGroupListed: true });
  try {
    await consoleChannel.done;
  } finally {
    await live.stop();
  }
  return 0;
}

async function replay(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { program: { type: 'string' }, db: { type: 'string' } } });
  const file = positionals[0];
  if (!file) {
    process.stderr.write('usage: hearth replay FILE.jsonl [--program FILE] [--db FILE]\n');
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    process.stderr.write(`cannot read ${file}: ${(err as Error).message}\n`);
    return 2;
  }
  let lines;
  try {
    lines = parseReplay(text);
  } catch (err) {
    if (err instanceof ReplayFormatError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const program = loadProgram(values.program);
  const log = createLogger(process.env.HEARTH_LOG_LEVEL ?? 'error');
  // A replay must never run on a live bot's database: its virtual clock and unsynced writes would corrupt the record.
  const lock = values.db ? tryLockDatabase(values.db) : undefined;
  if (values.db && !lock) {
    process.stderr.write(`hearth: ${values.db} is in use by a running Hearth; replay on a copy (hearth db backup) instead\n`);
    return 2;
  }
  try {
    // With OPENAI_* set, the model answers what the fast path cannot, as it would live.
    // A replay hands messages over one at a time: waiting for follow-ups would only slow it.
    const model = modelSetupOf(loadConfig(), log);
    const llm = model && { ...model, debounceMs: 0 };
    await runReplay(lines, { program, dbPath: values.db, log, llm, write: (line) => process.stdout.write(`${line}\n`) });
  } finally {
    lock?.release();
  }
  return 0;
}

function checkProgram(args: string[]): number {
  const file = args[0];
  if (!file) {
    process.stderr.write('usage: hearth check-program FILE\n');
    return 2;
  }
  let program: ReturnType<typeof loadProgram>;
  try {
    program = loadProgram(file);
  } catch (err) {
    // Whatever goes wrong with a file is a problem with that file, never a crash of the checker.
    if (err instanceof HearthError) throw err;
    throw new HearthError('bad_program', `${file}:1: cannot read the program file (${err instanceof Error ? err.message : String(err)})`);
  }
  process.stdout.write(
    `${file}: ok — ${program.tiers.length} tiers, ${program.rewards.length} rewards, ${program.badges.length} badges, ${program.nudges.rules.length} nudge rules\n`,
  );
  return 0;
}

/** `hearth copy [SKILL]`: the catalogs' lines (with the program's overrides) as YAML a brand can paste under `copy:`. */
function copyLines(args: string[]): number {
  const { values, positionals } = parseArgs({ args, options: { program: { type: 'string' } }, allowPositionals: true });
  const program = loadProgram(values.program ?? process.env.HEARTH_PROGRAM ?? undefined);
  const wanted = positionals[0];
  const catalogs = ALL_CATALOGS.filter((c) => wanted === undefined || c.prefix === wanted);
  if (catalogs.length === 0) {
    process.stderr.write(`hearth: no skill called "${wanted}" says anything; skills: ${ALL_CATALOGS.map((c) => c.prefix).join(', ')}\n`);
    return 2;
  }
  const copy: Record<string, { zh: string; en: string }> = {};
  for (const c of catalogs) {
    for (const [name, line] of Object.entries(c.lines)) {
      const key = `${c.prefix}.${name}`;
      copy[key] = { zh: program.copy[key]?.zh ?? line.zh, en: program.copy[key]?.en ?? line.en };
    }
  }
  process.stdout.write(`# Placeholders in {braces} are filled in by Hearth; keep the ones you need. Delete the lines you keep as they are.\n${stringifyYaml({ copy }, { lineWidth: 0 })}`);
  return 0;
}

/** `hearth bind-code CUSTOMER [--minutes N]`: a one-time code binding a member's chat account to a shop customer. */
function bindCode(args: string[]): number {
  const { values, positionals } = parseArgs({ args, options: { minutes: { type: 'string' } }, allowPositionals: true, strict: false });
  const checked = checkBindRequest({ customer: positionals[0], minutes: values.minutes === undefined ? undefined : Number(values.minutes) });
  if (positionals.length !== 1 || !checked.ok) {
    process.stderr.write(`usage: hearth bind-code CUSTOMER [--minutes 1-60]   (CUSTOMER: the shop's customer number)${checked.ok ? '' : `: ${checked.reason}`}\n`);
    return 2;
  }
  const { customer, minutes } = checked;
  const db = openDatabase(loadConfig().HEARTH_DB);
  try {
    const { code, expiresAt } = issueBindCode(db, customer, systemClock.now(), minutes);
    process.stdout.write(`${code}  (for customer ${customer}; the member sends "/bind ${code}" or "绑定 ${code}" before ${expiresAt.toISOString()})\n`);
  } finally {
    db.$client.close();
  }
  return 0;
}

function role(args: string[]): number {
  const [action, who, roleName] = args;
  if ((action !== 'grant' && action !== 'revoke') || !who || (roleName !== 'manager' && roleName !== 'staff')) {
    process.stderr.write('usage: hearth role grant|revoke MEMBER manager|staff   (MEMBER with its channel: telegram:123456, wecom:zhangsan; a bare id is a console id)\n');
    return 2;
  }
  // An id means someone only together with its channel: never the first identity with that id on any channel.
  const ref = parseRef(who);
  if ('problem' in ref) {
    process.stderr.write(`hearth: ${ref.problem}\n`);
    return 2;
  }
  const config = loadConfig();
  const db = openDatabase(config.HEARTH_DB);
  try {
    const now = systemClock.now();
    const member = findMemberByPlatformId(db, ref.channel, ref.id) ?? ensureMember(db, { channel: ref.channel, platformId: ref.id, at: now });
    setRole(db, member.id, action === 'grant' ? roleName : 'member');
    audit(db, { at: now, action: `role.${action}`, targetMemberId: member.id, details: { role: roleName, channel: ref.channel, via: 'cli' } });
    process.stdout.write(`${refText(ref.channel, ref.id)} is now ${action === 'grant' ? roleName : 'a member'}\n`);
  } finally {
    db.$client.close();
  }
  return 0;
}

/** `hearth db backup FILE` (beside a running bot: no instance lock) and `hearth db restore FILE` (refused while one runs). */
async function database(args: string[]): Promise<number> {
  const [action, file, ...extra] = args;
  if ((action !== 'backup' && action !== 'restore') || !file || extra.length > 0) {
    process.stderr.write('usage: hearth db backup FILE | hearth db restore FILE (the database is HEARTH_DB)\n');
    return 2;
  }
  const dbPath = loadConfig().HEARTH_DB;
  if (action === 'backup') {
    const done = await backupDatabase(dbPath, file);
    process.stdout.write(`backed up ${dbPath} to ${file} (${done.pages} pages)\n`);
    return 0;
  }
  const done = restoreDatabase(dbPath, file);
  process.stdout.write(`restored ${dbPath} from ${file} (${done.members} members)\n`);
  return 0;
}
