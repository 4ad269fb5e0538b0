// The model as tests and the bench set it up: the real openai/langchain adapter pointed at a local server speaking
// the chat-completions protocol, no retries, budgets out of the way and every use off unless a test turns it on.
import type { ModelSetup } from '../../../bot/core/assistant';
import { createOpenAIAssistant } from '../../../bot/llm/openai-assistant';
import { silentLogger } from '../../../bot/log';
import { textOf, type CompletionRequest } from './openai-server';

/** A ModelSetup over the server at `baseURL`; `setup` overrides any field, `timeoutMs` the adapter's deadline. */
export function modelSetupAt(baseURL: string, setup: Partial<ModelSetup> & { timeoutMs?: number } = {}): ModelSetup {
  const { timeoutMs = 5000, ...fields } = setup;
  return {
    assistant: createOpenAIAssistant({ apiKey: 'test', baseURL, model: 'test-model', timeoutMs, maxRetries: 0, log: silentLogger() }),
    dailyTokens: 1_000_000,
    memberDailyTokens: 100_000,
    consent: 'not-required',
    debounceMs: 0,
    readGroups: false,
    nudgeLines: 0,
    ...fields,
  };
}

/** The words a request asks about: its last message (the member's, or the nudge the line follows). */
export function askedIn(req: CompletionRequest): string {
  return textOf(req.messages.at(-1)!.content);
}
