// The checks a model's answer passes before a member sees it: every number grounded in what the model was given, and
// the same reply rules as any reply (short, no link and no code that no tool gave).
import { ungroundedNumbers } from '../../community/grounding';

/** The longest model answer sent; a model rambling past it is replaced, not cut mid-sentence. */
export const MAX_MODEL_REPLY = 500;

const LINK = /\bhttps?:\/\/\S+|\bwww\.\S+|\b[a-z0-9-]+\.(?:com|cn|net|org|io|me|ly|top|xyz)\b/gi;
// A redemption code or an id: six or more capitals and digits with at least one digit (not a word in capitals).
const CODE = /\b(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9-]{6,}\b/g;

/** Why an answer may not be sent, or undefined when it may. `sources` are tool results, the rules and the member's words. */
export function replyProblem(answer: string, sources: readonly string[]): string | undefined {
  if (answer.length > MAX_MODEL_REPLY) return `too long (${answer.length} characters)`;
  const given = sources.join('\n');
  const link = answer.match(LINK)?.find((l) => !given.includes(l));
  if (link) return `a link no tool gave: ${link}`;
  const code = answer.match(CODE)?.find((c) => !given.includes(c));
  if (code) return `a code no tool gave: ${code}`;
  const invented = ungroundedNumbers(answer, sources);
  if (invented.length > 0) return `numbers no tool gave: ${invented.join(', ')}`;
  return undefined;
}
