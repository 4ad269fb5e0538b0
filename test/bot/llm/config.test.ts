// The model's settings as a deployment writes them: off unless a model is named, a half setting refused with its
// name, and the defaults a member's wait and budgets start from.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../bot/config';
import { MODEL_DEFAULTS, modelSetupOf } from '../../../bot/llm';
import { silentLogger } from '../../../bot/log';

describe('model settings', () => {
  it('turn the model on only with a model name, and say which half is missing', () => {
    expect(modelSetupOf(loadConfig({}), silentLogger())).toBeUndefined();
    expect(() => loadConfig({ HEARTH_LLM_MODEL: 'gpt-4o-mini' })).toThrow(/OPENAI_API_KEY: HEARTH_LLM_MODEL is set but neither/);
    expect(() => loadConfig({ OPENAI_API_KEY: 'sk-x' })).toThrow(/HEARTH_LLM_MODEL: OPENAI_API_KEY is set but HEARTH_LLM_MODEL is not/);
    expect(() => loadConfig({ HEARTH_LLM_MODEL: 'm', OPENAI_BASE_URL: 'localhost:11434' })).toThrow(/OPENAI_BASE_URL: must be an http/);
    expect(() => loadConfig({ HEARTH_LLM_MODEL: 'm', OPENAI_API_KEY: 'k', HEARTH_LLM_TIMEOUT_MS: 'soon' })).toThrow(/HEARTH_LLM_TIMEOUT_MS: must be a whole number/);
  });

  it('take a local server without a key, with the defaults', () => {
    const setup = modelSetupOf(loadConfig({ HEARTH_LLM_MODEL: 'qwen2.5:7b', OPENAI_BASE_URL: 'http://localhost:11434/v1' }), silentLogger());
    expect(setup).toMatchObject({ dailyTokens: MODEL_DEFAULTS.dailyTokens, memberDailyTokens: MODEL_DEFAULTS.memberDailyTokens, consent: 'not-required', readGroups: false, nudgeLines: 0, debounceMs: MODEL_DEFAULTS.debounceMs });
    expect(setup!.assistant.model).toBe('qwen2.5:7b');
    const strict = modelSetupOf(loadConfig({ HEARTH_LLM_MODEL: 'deepseek-chat', OPENAI_API_KEY: 'k', HEARTH_LLM_CONSENT: 'required', HEARTH_LLM_READ_GROUPS: 'on', HEARTH_LLM_MEMBER_DAILY_TOKENS: '5000', HEARTH_LLM_NUDGE_LINES: '200' }), silentLogger());
    expect(strict).toMatchObject({ consent: 'required', readGroups: true, memberDailyTokens: 5000, nudgeLines: 200 });
  });
});
