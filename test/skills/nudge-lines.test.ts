// The personal line in a nudge, through the real engine, scheduler, openai/langchain client and a local server
// speaking the chat-completions protocol: off unless asked, first names only, every line checked, in the member's
// language and script, the setting's cap, consent, and the nudge going on time as written when the model fails.
import { afterEach, describe, expect, it } from 'vitest';
import { msg } from '../harness';
import { replayOnFile } from './community-helpers';
import { startFakeOpenAI, textOf, type CompletionRequest, type FakeOpenAI, type Scripted } from '../bot/llm/openai-server';
import { askedIn, modelSetupAt } from '../bot/llm/model-setup';
import type { ModelSetup } from '../../bot/core/assistant';
import { modelUsageOn } from '../../store/model-usage';

let server: FakeOpenAI | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function modelAt(script: (req: CompletionRequest) => Scripted, setup: Partial<ModelSetup> = {}): Promise<ModelSetup> {
  server = await startFakeOpenAI(script);
  return modelSetupAt(server.baseURL, { nudgeLines: 10, ...setup });
}

/** Alice (full name given) in her private chat and Bob in group g1 go quiet on 1 March; dormant-30 runs 31 March 11:00. */
function quietPair(bob = 'Morning all, any news on the spring sale?', alice = '/help') {
  return [
    msg('a1', '2026-03-01T09:00:00+08:00', 'u1', alice, { name: 'Alice Wang' }),
    msg('b1', '2026-03-01T09:00:00+08:00', 'u2', bob, { chat: 'g1', name: 'Bob' }),
    msg('z1', '2026-03-31T11:30:00+08:00', 'u9', '/help', { name: 'Zed' }),
  ];
}

const nudges = (out: { replyTo?: string; at: string; chat: string; text: string }[]) => out.filter((o) => o.replyTo === undefined && o.at === '2026-03-31T11:00:00+08:00');

describe('a personal line in nudges', () => {
  it('adds the checked line after the nudge, drops one with an invented number, and sends the model a first name only', async () => {
    const llm = await modelAt((req) => ({ text: askedIn(req).startsWith('Alice') ? '"Good to have you in the community."' : 'You still have 500 points to spend!', tokens: 40 }));
    const { out, db } = await replayOnFile(quietPair(), { llm });
    expect(nudges(out).map((o) => [o.chat, o.text])).toEqual([
      ['u1', 'Alice Wang, we miss you! Send "check in" to pick up today\'s points.\nGood to have you in the community.'],
      ['g1', 'Bob, we miss you! Send "check in" to pick up today\'s points.'],
    ]);
    const sent = JSON.stringify(server!.requests);
    expect(server!.requests).toHaveLength(2);
    expect(sent).toContain('Alice');
    expect(sent).not.toMatch(/Wang|u1|u2/);
    // Bob's nudge is a mention in his group: the model is told nothing of his points for it.
    const forBob = server!.requests.find((r) => askedIn(r).startsWith('Bob'))!;
    expect(textOf(forBob.messages[0]!.content)).toContain('"tier":"Member"');
    expect(textOf(forBob.messages[0]!.content)).not.toContain('points":');
    expect(modelUsageOn(db, '2026-03-31').find((u) => u.purpose === 'nudge-line')).toMatchObject({ calls: 2, replaced: 1 });
  });

  it('asks nothing of the model unless the setting asks for lines', async () => {
    const llm = await modelAt(() => ({ text: 'Good to have you in the community.' }), { nudgeLines: 0 });
    const { out } = await replayOnFile(quietPair(), { llm });
    expect(nudges(out).map((o) => o.text)).toEqual(['Alice Wang, we miss you! Send "check in" to pick up today\'s points.', 'Bob, we miss you! Send "check in" to pick up today\'s points.']);
    expect(server!.requests).toHaveLength(0);
  });

  it('asks for at most the set number of lines, and sends every nudge on time as written when the model fails', async () => {
    const llm = await modelAt(() => ({ status: 500 }), { nudgeLines: 1 });
    const { out, db } = await replayOnFile(quietPair(), { llm });
    expect(nudges(out).map((o) => o.text)).toEqual(['Alice Wang, we miss you! Send "check in" to pick up today\'s points.', 'Bob, we miss you! Send "check in" to pick up today\'s points.']);
    expect(server!.requests).toHaveLength(1);
    expect(modelUsageOn(db, '2026-03-31').find((u) => u.purpose === 'nudge-line')).toMatchObject({ calls: 1, failures: 1 });
  });

  it("writes in the member's language and script, and drops a line in the other language", async () => {
    const llm = await modelAt((req) => ({ text: askedIn(req).startsWith('Bob') ? '欢迎常回来看看。' : 'Welcome back any time.' }));
    const { out } = await replayOnFile(quietPair('大家早安，春季特賣有消息嗎？', '你好，我想問一下積分'), { llm });
    expect(nudges(out).map((o) => o.text)).toEqual(['Alice Wang，好久不見！發送「簽到」回來領今天的積分吧。', 'Bob，好久不見！發送「簽到」回來領今天的積分吧。\n歡迎常回來看看。']);
  });

  it('asks only for members who agreed, where consent is required', async () => {
    const llm = await modelAt(() => ({ text: 'Good to have you in the community.' }), { consent: 'required' });
    const { out } = await replayOnFile([msg('a0', '2026-03-01T08:59:00+08:00', 'u1', '/ai on', { name: 'Alice Wang' }), ...quietPair()], { llm });
    expect(nudges(out).map((o) => o.text)).toEqual([
      'Alice Wang, we miss you! Send "check in" to pick up today\'s points.\nGood to have you in the community.',
      'Bob, we miss you! Send "check in" to pick up today\'s points.',
    ]);
    expect(server!.requests).toHaveLength(1);
  });
});
