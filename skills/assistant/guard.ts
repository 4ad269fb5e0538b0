// The checks a model's answer passes before a member sees it: every number grounded in what the model was given, no
// claim of a change it cannot make, and the same reply rules as any reply (short, no link and no code no tool gave).
import type { Lang } from '../../bot/core/types';
import { ungroundedNumbers } from '../../community/grounding';

/** The longest model answer sent; a model rambling past it is replaced, not cut mid-sentence. */
export const MAX_MODEL_REPLY = 500;

const LINK = /\bhttps?:\/\/\S+|\bwww\.\S+|\b[a-z0-9-]+\.(?:com|cn|net|org|io|me|ly|top|xyz)\b/gi;
// A redemption code or an id: six or more capitals and digits with at least one digit (not a word in capitals).
const CODE = /\b(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9-]{6,}\b/g;

// The model changes nothing (its tools only read), so an answer saying it did is false, whatever numbers it names:
// "I've added 1,000 points", "已为你增加积分", "帮你兑换了". Said of the member or of history, it is not matched.
const CLAIMED_CHANGE = [
  /\b(?:I|we)(?:'ve| have| just| now| already)*\s+(?:added|credited|granted|gifted|given you|sent you|issued|transferred|redeemed|deducted|removed|refunded|restored|topped up|upgraded)\b/i,
  /(?:为你|给你|帮你|替你)(?:增加|添加|加上|加了|充值|充了|发放|发了|赠送|送了|转入|转了|兑换|扣除|退还|补发|补上|补了|升级|恢复)/,
];

// An answer that is a refusal and nothing more ("I'm sorry, but I can't help with that", "抱歉，我无法回答"): the
// member gets Hearth's own line instead, which offers a person.
const REFUSAL = [
  /^(?:(?:I'm|I am) sorry|sorry|I apologi[sz]e)?[,.!\s]*(?:but\s+)?I(?:'m| am)? (?:can(?:'|no)t|unable to|not able to|won't|will not) (?:help|assist|answer|do that|provide|comply)/i,
  /^(?:很?抱歉|对不起|不好意思)?[，,。！!\s]*(?:我)?(?:无法|不能|没法|不便)(?:回答|帮助|帮你|提供|协助|处理)/,
];

/** True when the whole answer is the model declining. */
export function isRefusal(answer: string): boolean {
  return REFUSAL.some((r) => r.test(answer.trim()));
}

const HAN_RUN = /\p{Script=Han}+/gu;

/**
 * Why a text is not in `lang`: Chinese with no Chinese in it, or English with Chinese the sources did not give (a
 * Chinese name or reward may stand in an English answer). One language a reply, the member's.
 */
export function languageProblem(text: string, lang: Lang, sources: readonly string[]): string | undefined {
  const han = text.match(HAN_RUN) ?? [];
  if (lang === 'zh') return han.length === 0 ? 'not in Chinese' : undefined;
  const given = sources.join('\n');
  return han.some((run) => !given.includes(run)) ? 'not in English' : undefined;
}

/** Markdown a chat shows as marks: bold, italics and code spans, and heading hashes, kept as their words. */
export function plainText(answer: string): string {
  return answer
    .replace(/\*\*(.+?)\*\*|__(.+?)__/g, (_m, a: string | undefined, b: string | undefined) => a ?? b ?? '')
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/^#{1,6}\s+/gm, '');
}

/** Why an answer may not be sent, or undefined when it may. `sources` are tool results, the rules and the member's words. */
export function replyProblem(answer: string, sources: readonly string[]): string | undefined {
  if (answer.length > MAX_MODEL_REPLY) return `too long (${answer.length} characters)`;
  const given = sources.join('\n');
  const link = answer.match(LINK)?.find((l) => !given.includes(l));
  if (link) return `a link no tool gave: ${link}`;
  const code = answer.match(CODE)?.find((c) => !given.includes(c));
  if (code) return `a code no tool gave: ${code}`;
  if (CLAIMED_CHANGE.some((claim) => claim.test(answer))) return 'claims to have changed something';
  const invented = ungroundedNumbers(answer, sources);
  if (invented.length > 0) return `numbers no tool gave: ${invented.join(', ')}`;
  return undefined;
}
