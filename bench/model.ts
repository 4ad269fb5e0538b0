// The model path's own cost: a question answered through the engine by a local fake provider that answers at once
// (a tool call, then a text), beside a fast-path question on the same engine in the same run; and memory over many.
// The fake provider is the tests' (test/bot/llm/openai-server.ts) and runs in this process, so its small share of the
// work (parsing and writing JSON over loopback HTTP) is counted in the model path's figure.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MODEL_ANSWER, modelUsageOn } from '../store/model-usage';
import { dueMessages } from '../store/outbox';
import { localDate } from '../community/calendar';
import type { InboundMessage } from '../bot/core/types';
import { startFakeOpenAI, toolResultsIn, type CompletionRequest, type Scripted } from '../test/bot/llm/openai-server';
import { modelSetupAt } from '../test/bot/llm/model-setup';
import { medianOf, report } from './util';
import { benchHearth } from './engine';

// HEARTH_BENCH_SCALE=0.1 runs a tenth of the questions (a quick look).
const SCALE = Number(process.env.HEARTH_BENCH_SCALE ?? 1);
const QUESTIONS = Math.max(20, Math.round(1_000 * SCALE));
const MEMORY_QUESTIONS = Math.max(40, Math.round(2_000 * SCALE));
const MEMORY_ROUNDS = 4;
/** Askers, each in their private chat; all of them ask once before anything is measured. */
const MEMBERS = 100;

const MODEL_QUESTION = 'write me a little poem about my journey with you';
const FOLLOW_UP = 'and make it rhyme';
const FAST_QUESTION = 'how many points do I have';
const FAST_REPLY = /^You have \d+ points/;
const MODEL_REPLY = /^Your journey so far: \d+ points/;

/** The classifier (no tools) finds nothing for staff; the member-assistant calls my_points, then answers from it. */
function script(req: CompletionRequest): Scripted {
  if (!req.tools?.length) return { text: '{"handoff": "none", "why": ""}', tokens: 50 };
  const results = toolResultsIn(req);
  if (results.length === 0) return { toolCalls: [{ name: 'my_points' }] };
  const { balance } = JSON.parse(results.at(-1)!) as { balance: number };
  return { text: `Your journey so far: ${balance} points, and many more to come.` };
}

/** A full collection: the flag is set at run time, as `npm run bench` (tsx) passes no node flags. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const ms = (v: number) => `${v.toFixed(2)} ms`;

/** Print the model path's figures. */
export async function runModelBench(): Promise<void> {
  const server = await startFakeOpenAI(script);
  // Budgets far beyond the run: every question reaches the model.
  const { hearth, dispose } = benchHearth({ llm: modelSetupAt(server.baseURL, { dailyTokens: 1e12, memberDailyTokens: 1e12 }) });
  const { db, clock, program } = hearth.deps;
  let n = 0;
  const ask = (member: number, text: string): Promise<void> => {
    const id = `u${member}`;
    const msg: InboundMessage = { id: `m${n++}`, channel: 'console', chat: id, chatType: 'private', from: { id, name: `Member ${member}` }, text, at: clock.now() };
    return hearth.handleMessage(msg);
  };
  const timed = async (member: number, text: string): Promise<number> => {
    const start = performance.now();
    await ask(member, text);
    return performance.now() - start;
  };
  // The fake keeps every request it saw; counted and let go, so the heap figures below are Hearth's, not the fake's.
  let requests = 0;
  const letGoOfRequests = () => {
    requests += server.requests.length;
    server.requests.length = 0;
  };
  try {
    for (let m = 0; m < MEMBERS; m++) {
      await ask(m, MODEL_QUESTION);
      await ask(m, FAST_QUESTION);
    }
    const asked = { model: MEMBERS, fast: MEMBERS };

    // Interleaved, alternating which goes first, so drift in the machine's pace falls on both alike.
    const model: number[] = [];
    const fast: number[] = [];
    for (let i = 0; i < QUESTIONS; i++) {
      const m = i % MEMBERS;
      if (i % 2) fast.push(await timed(m, FAST_QUESTION));
      model.push(await timed(m, MODEL_QUESTION));
      if (!(i % 2)) fast.push(await timed(m, FAST_QUESTION));
    }
    asked.model += QUESTIONS;
    asked.fast += QUESTIONS;
    const count = QUESTIONS.toLocaleString('en-US');
    report(`model: baseline, fast-path question (median of ${count})`, ms(medianOf(fast)));
    report(`model: model-answered, tool call + text (median of ${count})`, ms(medianOf(model)));
    report("model: the model path's own cost (difference of medians)", `${ms(medianOf(model) - medianOf(fast))}  (${(medianOf(model) / medianOf(fast)).toFixed(1)}× fast path)`);

    // Memory: rounds of model-answered questions, one in four with a follow-up sent in the same moment (read together
    // with it, so the read-together set is filled and emptied), a full collection before each reading.
    const gc = collector();
    letGoOfRequests();
    gc();
    const before = process.memoryUsage();
    const heaps: number[] = [before.heapUsed];
    const perRound = Math.ceil(MEMORY_QUESTIONS / MEMORY_ROUNDS);
    for (let r = 0; r < MEMORY_ROUNDS; r++) {
      for (let i = 0; i < perRound; i++) {
        const m = i % MEMBERS;
        await (i % 4 === 0 ? Promise.all([ask(m, MODEL_QUESTION), ask(m, FOLLOW_UP)]) : ask(m, MODEL_QUESTION));
      }
      letGoOfRequests();
      gc();
      heaps.push(process.memoryUsage().heapUsed);
    }
    asked.model += perRound * MEMORY_ROUNDS;
    const after = process.memoryUsage();
    const growth = heaps.slice(1).map((h, i) => h - heaps[i]!);
    const total = (perRound * MEMORY_ROUNDS).toLocaleString('en-US');
    report(`model: heap after GC, before → after ${total} questions`, `${mb(before.heapUsed)} → ${mb(after.heapUsed)} MB`);
    report(`model: RSS, before → after ${total} questions`, `${mb(before.rss)} → ${mb(after.rss)} MB`);
    report(`model: heap growth a round of ${perRound.toLocaleString('en-US')} (median of ${MEMORY_ROUNDS})`, `${mb(medianOf(growth))} MB, ${(medianOf(growth) / perRound / 1024).toFixed(1)} KB a question  (rounds: ${growth.map(mb).join(', ')})`);

    // The figures hold only if every question took the path it was meant to: checked, not assumed. Each model-answered
    // question is three requests (the classifier; the agent's tool round and its answer), a fast-path one none, and a
    // follow-up read together adds none and gets no reply of its own.
    const usage = modelUsageOn(db, localDate(clock.now(), program.timezone));
    const answers = usage.find((u) => u.purpose === MODEL_ANSWER);
    const replies = dueMessages(db, clock.now(), 1_000_000).map((r) => r.text);
    const modelReplies = replies.filter((t) => MODEL_REPLY.test(t)).length;
    const fastReplies = replies.filter((t) => FAST_REPLY.test(t)).length;
    if (requests !== 3 * asked.model || answers?.calls !== asked.model || answers.replaced !== 0 || answers.failures !== 0 || modelReplies !== asked.model || fastReplies !== asked.fast || replies.length !== asked.model + asked.fast) {
      throw new Error(`model bench: questions did not take the path measured (${JSON.stringify({ asked, requests, answers, modelReplies, fastReplies, replies: replies.length })})`);
    }
  } finally {
    dispose();
    await server.close();
  }
}
