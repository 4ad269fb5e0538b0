// Turns the environment's model settings into the ModelSetup skills use, or nothing when no model is configured.
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { ModelSetup } from '../core/assistant';
import { createOpenAIAssistant } from './openai-assistant';

/** Defaults: a member waits at most 8 s; 2 retries; 2M tokens a day overall, 20k per member; 1.2 s for follow-ups. */
export const MODEL_DEFAULTS = { timeoutMs: 8000, retries: 2, dailyTokens: 2_000_000, memberDailyTokens: 20_000, debounceMs: 1200 } as const;

/** The model Hearth uses under `config`, or undefined (no HEARTH_LLM_MODEL): everything then works without one. */
export function modelSetupOf(config: Config, log: Logger): ModelSetup | undefined {
  if (config.HEARTH_LLM_MODEL === undefined) return undefined;
  const assistant = createOpenAIAssistant({
    // A local OpenAI-compatible server takes any key; the SDK insists on one.
    apiKey: config.OPENAI_API_KEY ?? 'no-key',
    baseURL: config.OPENAI_BASE_URL,
    model: config.HEARTH_LLM_MODEL,
    timeoutMs: config.HEARTH_LLM_TIMEOUT_MS ?? MODEL_DEFAULTS.timeoutMs,
    maxRetries: config.HEARTH_LLM_RETRIES ?? MODEL_DEFAULTS.retries,
    log,
  });
  return {
    assistant,
    dailyTokens: config.HEARTH_LLM_DAILY_TOKENS ?? MODEL_DEFAULTS.dailyTokens,
    memberDailyTokens: config.HEARTH_LLM_MEMBER_DAILY_TOKENS ?? MODEL_DEFAULTS.memberDailyTokens,
    consent: config.HEARTH_LLM_CONSENT,
    debounceMs: config.HEARTH_LLM_DEBOUNCE_MS ?? MODEL_DEFAULTS.debounceMs,
    readGroups: config.HEARTH_LLM_READ_GROUPS === 'on',
    nudgeLines: config.HEARTH_LLM_NUDGE_LINES ?? 0,
  };
}
