// The model adapter: the Assistant contract over any OpenAI-compatible chat-completions server (OpenAI, DeepSeek,
// Qwen's compatible mode, Ollama, vLLM) as a langchain tool-calling agent, with a deadline, retries and usage counts.
import { ChatOpenAI } from '@langchain/openai';
import { createAgent, modelCallLimitMiddleware, piiMiddleware, tool, type BaseMessage } from 'langchain';
import type { Logger } from 'pino';
import type { Assistant, AssistantAnswer, AssistantRequest } from '../core/assistant';
import { HearthError } from '../core/errors';
import { renderPrompt } from './prompts';
import { collectableAbortSignalAny } from './abort-signals';

/** Where the model is and how long to wait for it. */
export interface OpenAIAssistantConfig {
  apiKey: string;
  baseURL?: string;
  model: string;
  /** The whole turn (every model call and tool call in it) must finish within this. */
  timeoutMs: number;
  /** Retries of a failed request, with the SDK's exponential back-off, inside the deadline. */
  maxRetries: number;
  log: Logger;
}

function textOf(message: BaseMessage): string {
  const c = message.content;
  if (typeof c === 'string') return c;
  return c.map((part) => (typeof part === 'object' && 'text' in part && typeof part.text === 'string' ? part.text : '')).join('');
}

// What a member may type that the model has no need of: redacted from their words before anything leaves.
// Chinese mobile numbers (11 digits from 1[3-9], with or without +86) and international numbers written with a +.
const PHONE = '(?<![0-9])(?:(?:\\+|00)?86[- ]?)?1[3-9][0-9]{9}(?![0-9])|\\+[1-9][0-9]{0,2}[- ]?[0-9][0-9 -]{6,14}[0-9]';
/** Model calls in one turn: a question needs a round of tools and an answer, rarely more; a model looping is stopped. */
const MAX_MODEL_CALLS = 4;
const middleware = () => [
  modelCallLimitMiddleware({ runLimit: MAX_MODEL_CALLS, exitBehavior: 'error' }),
  piiMiddleware('email', { strategy: 'redact', applyToInput: true }),
  piiMiddleware('credit_card', { strategy: 'redact', applyToInput: true }),
  piiMiddleware('phone', { detector: PHONE, strategy: 'redact', applyToInput: true }),
];

/** An Assistant that talks to an OpenAI-compatible server. */
export function createOpenAIAssistant(config: OpenAIAssistantConfig): Assistant {
  collectableAbortSignalAny();
  const model = new ChatOpenAI({
    model: config.model,
    apiKey: config.apiKey,
    configuration: config.baseURL ? { baseURL: config.baseURL } : undefined,
    timeout: config.timeoutMs,
    maxRetries: config.maxRetries,
    temperature: 0.2,
  });
  return {
    model: config.model,
    async complete(request: AssistantRequest): Promise<AssistantAnswer> {
      const started = Date.now();
      const toolResults: string[] = [];
      const tools = request.tools.map((t) =>
        tool(
          (args: Record<string, unknown>) => {
            const result = t.run(args);
            toolResults.push(result);
            return result;
          },
          { name: t.name, description: t.description, schema: t.schema },
        ),
      );
      const agent = createAgent({ model, tools, middleware: middleware(), systemPrompt: renderPrompt(request.prompt, request.lang, request.vars) });
      let messages: BaseMessage[];
      try {
        const out = await agent.invoke({ messages: [{ role: 'user', content: request.message }] }, { signal: AbortSignal.timeout(config.timeoutMs), recursionLimit: 100 });
        messages = out.messages;
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        config.log.warn({ model: config.model, err: why, ms: Date.now() - started }, 'model call failed');
        throw new HearthError('model_failed', `the model did not answer: ${why}`);
      }
      let promptTokens = 0;
      let completionTokens = 0;
      for (const m of messages) {
        const usage = (m as { usage_metadata?: { input_tokens?: number; output_tokens?: number } }).usage_metadata;
        promptTokens += usage?.input_tokens ?? 0;
        completionTokens += usage?.output_tokens ?? 0;
      }
      const last = messages.at(-1);
      const text = last && last.getType() === 'ai' ? textOf(last).trim() : '';
      if (text === '') throw new HearthError('model_failed', 'the model gave no answer');
      return { text, toolResults, promptTokens, completionTokens, latencyMs: Date.now() - started };
    },
  };
}
