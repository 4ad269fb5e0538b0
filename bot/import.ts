// `hearth import FILE.csv`: streams a shop's purchases and refunds into the ledger through the order handlers. A bad line
// is reported by its number and never stops the rest (a refund before its purchase is parked); a re-import changes nothing.
import { createReadStream, statSync } from 'node:fs';
import { IntlMessageFormat } from 'intl-messageformat';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse';
import { Presets, SingleBar } from 'cli-progress';
import { openDatabase } from '../store/db';
import { systemClock } from './core/clock';
import { defaultMemberChannel, loadConfig } from './config';
import { HearthError } from './core/errors';
import type { OrderEvent } from './core/skill';
import { createHearth, type Hearth } from './hearth';
import { createLogger } from './log';
import { loadProgram } from './program-file';
import { checkOrder, recordOrderBatch, type RawOrder } from './order-intake';

/** A line that was not imported, and why. */
export interface Rejection {
  line: number;
  reason: string;
}

/** What an import did. */
export interface ImportSummary {
  /** Data lines read (not counting the header and blank lines). */
  lines: number;
  imported: number;
  purchases: number;
  refunds: number;
  /** Order already recorded (an earlier import, the webhook, or earlier in this file), or a refund already parked. */
  duplicates: number;
  /** Refunds of orders not recorded yet: kept until the purchase arrives (`orders.parkRefundsDays`). Not rejections. */
  parked: number;
  rejected: Rejection[];
}

/** Where an import is, for a progress display. */
export interface ImportProgress {
  bytes: number;
  lines: number;
  imported: number;
  duplicates: number;
  parked: number;
  rejected: number;
}

type Field = keyof RawOrder;

/** Header names each column may go by (compared lower-case, without spaces, dashes and underscores). */
const HEADER_NAMES: Record<Field, string[]> = {
  member: ['member', 'memberid', 'user', 'userid', '会员', '会员id', '用户', '用户id'],
  // The shop's own number for the buyer, where it does not know their chat id.
  customer: ['customer', 'customerid', 'customerno', '客户', '客户号', '客户id'],
  orderId: ['orderid', 'order', 'orderno', 'ordernumber', '订单', '订单号', '订单id'],
  amount: ['amount', 'amountcny', 'total', 'cny', '金额', '订单金额'],
  at: ['at', 'time', 'timestamp', 'datetime', 'date', 'paidat', 'createdat', '时间', '下单时间', '支付时间'],
  type: ['type', 'kind', 'event', '类型'],
  channel: ['channel', 'platform', '渠道', '平台'],
  refundId: ['refundid', 'refundno', '退款单号', '退款id'],
};
/** Without a header the columns are, in order: member, order id, amount, time, type, channel, refund id. */
const POSITIONAL: Field[] = ['member', 'orderId', 'amount', 'at', 'type', 'channel', 'refundId'];
const REQUIRED: Field[] = ['member', 'orderId', 'amount', 'at'];

function headerField(cell: string): Field | undefined {
  const name = cell.toLowerCase().replace(/[\s_\-]/g, '');
  return (Object.keys(HEADER_NAMES) as Field[]).find((f) => HEADER_NAMES[f].includes(name));
}

/** The column of each field: from a header row when the first row is one, else positional (`header` false). */
function columnsOf(first: string[]): { header: boolean; columns: Partial<Record<Field, number>> } {
  const named: Partial<Record<Field, number>> = {};
  first.forEach((cell, i) => {
    const f = headerField(cell);
    if (f && named[f] === undefined) named[f] = i;
  });
  if (Object.keys(named).length < 2) {
    return { header: false, columns: Object.fromEntries(POSITIONAL.map((f, i) => [f, i])) };
  }
  // A line names its buyer by chat id (member) or by the shop's customer number.
  const missing = REQUIRED.filter((f) => named[f] === undefined && !(f === 'member' && named.customer !== undefined));
  if (missing.length > 0) {
    throw new HearthError('bad_input', `line 1: the header has no ${missing.map((f) => HEADER_NAMES[f][0]).join(', ')} column (expected member,order_id,amount,at,type)`);
  }
  return { header: true, columns: named };
}

// A line holding a quote must be well-formed CSV on its own: a stray quote would otherwise swallow the lines after it.
const QUOTED_FIELD = String.raw`[ \t]*"(?:[^"]|"")*"[ \t]*`;
const WELL_QUOTED = new RegExp(`^(?:${QUOTED_FIELD}|[^",]*)(?:,(?:${QUOTED_FIELD}|[^",]*))*$`);

/**
 * Splits the input into lines, counts bytes for progress, and blanks lines with broken quoting (reported by number),
 * so that every line reaches the CSV parser as exactly one record.
 */
class LineGuard extends Transform {
  bytes = 0;
  private line = 0;
  private rest = '';
  private readonly decoder = new StringDecoder('utf8');

  constructor(private readonly reject: (r: Rejection) => void) {
    super({ readableObjectMode: false });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    const lines = (this.rest + this.decoder.write(chunk)).split('\n');
    this.rest = lines.pop()!;
    done(null, this.clean(lines));
  }

  override _flush(done: TransformCallback): void {
    const tail = this.rest + this.decoder.end();
    done(null, tail === '' ? '' : this.clean([tail]));
  }

  private clean(lines: string[]): string {
    for (let i = 0; i < lines.length; i++) {
      this.line++;
      let l = lines[i]!;
      if (l.endsWith('\r')) l = l.slice(0, -1);
      if (this.line === 1 && l.charCodeAt(0) === 0xfeff) l = l.slice(1);
      if (l.includes('"') && !WELL_QUOTED.test(l)) {
        this.reject({ line: this.line, reason: 'broken quoting: a quoted value must open and close on its line' });
        l = '';
      }
      lines[i] = l;
    }
    return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  }
}

/** How many checked lines go to the order handlers together (one transaction when they are synchronous). */
const BATCH = 1000;

/**
 * Import purchases and refunds from CSV text: member, order id, amount (CNY), time (ISO 8601), type (purchase or
 * refund, default purchase), optional channel; a header row names the columns, otherwise they come in that order.
 */
export async function importOrders(
  hearth: Hearth,
  input: Readable,
  options: { onProgress?: (p: ImportProgress) => void; batchSize?: number } = {},
): Promise<ImportSummary> {
  const summary: ImportSummary = { lines: 0, imported: 0, purchases: 0, refunds: 0, duplicates: 0, parked: 0, rejected: [] };
  const rejected = new Map<number, string>();
  let blanked = 0;
  const guard = new LineGuard((r) => {
    rejected.set(r.line, r.reason);
    blanked++;
  });
  // One record per line (the guard makes sure), blank lines included, so a record's index is its line number.
  const parser = parse({ relax_column_count: true, trim: true, record_delimiter: '\n' });
  const done = pipeline(input, guard, parser);
  done.catch(() => undefined);

  const batchSize = options.batchSize ?? BATCH;
  const { program } = hearth.deps;
  let batch: { line: number; event: OrderEvent }[] = [];
  let columns: Partial<Record<Field, number>> | undefined;
  let line = 0;

  const progress = () =>
    options.onProgress?.({
      bytes: guard.bytes,
      lines: summary.lines,
      imported: summary.imported,
      duplicates: summary.duplicates,
      parked: summary.parked,
      rejected: rejected.size,
    });
  const flush = async () => {
    const outcomes = await recordOrderBatch(hearth, batch.map((b) => b.event));
    outcomes.forEach((o, i) => {
      const { line: n, event } = batch[i]!;
      if (o.outcome === 'recorded') {
        summary.imported++;
        if (event.kind === 'purchase') summary.purchases++;
        else summary.refunds++;
      } else if (o.outcome === 'duplicate') summary.duplicates++;
      else if (o.outcome === 'parked') summary.parked++;
      else if (o.outcome === 'rejected') rejected.set(n, o.reason);
    });
    batch = [];
    progress();
  };

  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      line++;
      if (record.length === 1 && record[0] === '') continue;
      if (columns === undefined) {
        const found = columnsOf(record);
        columns = found.columns;
        if (found.header) continue;
      }
      summary.lines++;
      const raw: RawOrder = {};
      for (const [field, col] of Object.entries(columns) as [Field, number][]) raw[field] = record[col];
      const checked = checkOrder(raw, { now: hearth.deps.clock.now(), program });
      if (!checked.ok) rejected.set(line, checked.reason);
      else batch.push({ line, event: checked.event });
      if (batch.length >= batchSize) await flush();
    }
    await done;
  } catch (err) {
    input.destroy();
    throw err;
  }
  if (batch.length > 0) await flush();
  // Lines the guard blanked reached the parser empty, so they were not counted as data lines.
  summary.lines += blanked;
  summary.rejected = [...rejected].map(([n, reason]) => ({ line: n, reason })).sort((a, b) => a.line - b.line);
  progress();
  return summary;
}

/** Import a CSV file (see importOrders); the progress callback also gets the file size. */
export async function importOrdersFile(
  hearth: Hearth,
  path: string,
  options: { onProgress?: (p: ImportProgress & { totalBytes: number }) => void; batchSize?: number } = {},
): Promise<ImportSummary> {
  let totalBytes: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new Error('not a file');
    totalBytes = stat.size;
  } catch (err) {
    throw new HearthError('not_found', `cannot read ${path}: ${(err as Error).message}`);
  }
  const onProgress = options.onProgress;
  return importOrders(hearth, createReadStream(path, { highWaterMark: 64 * 1024 }), {
    batchSize: options.batchSize,
    onProgress: onProgress && ((p) => onProgress({ ...p, totalBytes })),
  });
}

const number = new Intl.NumberFormat('en-US');
// The summary's counts in English with ICU plurals: "1 purchase, 2 refunds", "1 line in 0.2 s".
const summaryLines = {
  head: new IntlMessageFormat('{file}: {lines, plural, one {# line} other {# lines}} in {seconds} s', 'en-US'),
  imported: new IntlMessageFormat('{imported, number} ({purchases, plural, one {# purchase} other {# purchases}}, {refunds, plural, one {# refund} other {# refunds}})', 'en-US'),
  parked: new IntlMessageFormat('{parked, number} ({parked, plural, one {a refund waiting for its purchase} other {refunds waiting for their purchase}})', 'en-US'),
};
/** Rejections listed one by one in the summary; beyond this only their count. */
const LISTED_REJECTIONS = 100;

/** The summary printed after an import. */
export function formatImportSummary(file: string, s: ImportSummary, seconds: number): string {
  const n = (v: number) => number.format(v);
  const out = [
    String(summaryLines.head.format({ file, lines: s.lines, seconds: seconds.toFixed(1) })),
    `  imported              ${String(summaryLines.imported.format({ imported: s.imported, purchases: s.purchases, refunds: s.refunds }))}`,
    `  parked                ${String(summaryLines.parked.format({ parked: s.parked }))}`,
    `  skipped as duplicate  ${n(s.duplicates)}`,
    `  rejected              ${n(s.rejected.length)}`,
  ];
  for (const r of s.rejected.slice(0, LISTED_REJECTIONS)) out.push(`    line ${r.line}: ${r.reason}`);
  if (s.rejected.length > LISTED_REJECTIONS) out.push(`    … and ${n(s.rejected.length - LISTED_REJECTIONS)} more`);
  return out.join('\n');
}

/** A progress display on stderr: a bar on a terminal, otherwise a plain line every few seconds. */
function progressDisplay(stream: NodeJS.WriteStream): { update(p: ImportProgress & { totalBytes: number }): void; stop(): void } {
  if (stream.isTTY) {
    const bar = new SingleBar(
      {
        stream,
        format: 'importing |{bar}| {percentage}% | {lines} lines: {imported} imported, {parked} parked, {duplicates} duplicate, {rejected} rejected | ETA {eta_formatted}',
        hideCursor: true,
        clearOnComplete: true,
      },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        const payload = { lines: number.format(p.lines), imported: number.format(p.imported), parked: p.parked, duplicates: p.duplicates, rejected: p.rejected };
        if (!started) {
          bar.start(Math.max(p.totalBytes, 1), p.bytes, payload);
          started = true;
        } else bar.update(p.bytes, payload);
      },
      stop: () => started && bar.stop(),
    };
  }
  let last = performance.now();
  return {
    update(p) {
      if (performance.now() - last < 5000) return;
      last = performance.now();
      const pct = p.totalBytes > 0 ? Math.floor((p.bytes / p.totalBytes) * 100) : 0;
      stream.write(`importing: ${pct}% (${number.format(p.lines)} lines, ${number.format(p.imported)} imported)\n`);
    },
    stop: () => undefined,
  };
}

/** `hearth import FILE.csv [--db FILE] [--program FILE]`: exit 0 when no line was rejected (parked refunds are not), 1 when some were, 2 on bad usage. */
export async function runImportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { program: { type: 'string' }, db: { type: 'string' } } });
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    process.stderr.write('usage: hearth import FILE.csv [--db FILE] [--program FILE]\n');
    return 2;
  }
  const config = loadConfig();
  const program = loadProgram(values.program ?? config.HEARTH_PROGRAM);
  const db = openDatabase(values.db ?? config.HEARTH_DB);
  const display = progressDisplay(process.stderr);
  try {
    const hearth = createHearth({
      db,
      program,
      clock: systemClock,
      // Refused lines are in the summary; a warning per line on stderr would only scramble the progress bar.
      log: createLogger(process.env.HEARTH_LOG_LEVEL ? config.HEARTH_LOG_LEVEL : 'error'),
      // An order naming a bare member id is theirs on the channel the running bot serves first, as in the webhook.
      deployment: { staffRoom: { channel: 'console', chat: 'staff' }, channels: {}, defaultChannel: defaultMemberChannel(config) },
    });
    const started = performance.now();
    let summary: ImportSummary;
    try {
      summary = await importOrdersFile(hearth, file, { onProgress: (p) => display.update(p) });
    } finally {
      display.stop();
    }
    process.stdout.write(`${formatImportSummary(file, summary, (performance.now() - started) / 1000)}\n`);
    return summary.rejected.length > 0 ? 1 : 0;
  } catch (err) {
    if (err instanceof HearthError && (err.code === 'bad_input' || err.code === 'not_found')) {
      process.stderr.write(`hearth import: ${err.message}\n`);
      return 2;
    }
    throw err;
  } finally {
    db.$client.close();
  }
}
