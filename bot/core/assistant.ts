// The model contract: what a skill may ask of a language model and what comes back. The runtime's adapter (bot/llm/)
// implements it over any OpenAI-compatible server; skills see only this, so a Hearth without a model runs unchanged.
import type { z } from 'zod';
import type { Lang } from './types';

/** A read-only tool the model may call, scoped by the skill that built it (to the asking member). Returns JSON text. */
export interface AssistantTool {
  name: string;
  description: string;
  schema: z.ZodObject<z.ZodRawShape>;
  run(args: Record<string, unknown>): string;
}

/** One model turn: which prompt template (prompts/NAME.LANG.md) filled with `vars`, the member's words, the tools. */
export interface AssistantRequest {
  prompt: string;
  lang: Lang;
  vars: Record<string, string>;
  message: string;
  tools: AssistantTool[];
}

/** What the model said, what the tools it called returned (for the grounding guard), and what it cost. */
export interface AssistantAnswer {
  text: string;
  toolResults: string[];
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
}

/** What an answer cost, in the fields a usage record counts. */
export function spentBy(answer: AssistantAnswer): Pick<AssistantAnswer, 'promptTokens' | 'completionTokens' | 'latencyMs'> {
  return { promptTokens: answer.promptTokens, completionTokens: answer.completionTokens, latencyMs: answer.latencyMs };
}

/** A language model behind the contract; `complete` rejects with HearthError('model_failed') when slow, down or refusing. */
export interface Assistant {
  /** The model's name, for logs and usage records. */
  readonly model: string;
  complete(request: AssistantRequest): Promise<AssistantAnswer>;
}

/** A configured model and its daily token budgets (per member and overall), as skills reach it through HearthDeps. */
export interface ModelSetup {
  assistant: Assistant;
  memberDailyTokens: number;
  dailyTokens: number;
  /** `required`: a member's words go to the model only once they agreed (`/ai on`), as China's PIPL asks for a provider abroad. */
  consent: 'required' | 'not-required';
  /** How long to wait for a member's quick follow-ups before the model reads them together (0: no wait). */
  debounceMs: number;
  /** The classifier also reads group messages not said to the bot, for complaints and bulk enquiries the rules miss. */
  readGroups: boolean;
  /** How many nudges of one rule's run may carry a personal line from the model (0: none, the default). */
  nudgeLines: number;
}
