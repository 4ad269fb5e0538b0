// Group chatter read by the classifier where the deployment asks (HEARTH_LLM_READ_GROUPS): after the message was
// handled, on a timer due at once, so a group's queue never waits on the model; what it finds reaches staff silently.
import type { HearthDeps, ModuleHost, SkillContext } from '../../bot/core/skill';
import type { ModelSetup } from '../../bot/core/assistant';
import { localDate } from '../../community/calendar';
import { setTimer } from '../../store/jobs';
import { inboundText } from '../../store/inbox';
import { getMember } from '../../store/members';
import { recordModelUse } from '../../store/model-usage';
import { escalateSilently, requestOf } from '../handoff';
import { MAX_MODEL_QUESTION, mayUseModelFor } from './access';
import { classify, verdictDetail } from './classifier';
import { z } from 'zod';

const GROUP_READ = 'group-read';
/** Group reads may spend at most this share of the day's overall tokens: members' own questions keep the rest. */
const GROUP_READ_SHARE = 0.5;

// What the timer keeps: where the words are, not the words (timers outlive the inbox's retention and an erase).
const groupReadSchema = z.object({
  memberId: z.number(),
  channel: z.string(),
  chatId: z.string(),
  platformId: z.string(),
  lang: z.enum(['zh', 'en']),
  messageId: z.string(),
  at: z.number(),
});

/**
 * Where the deployment asks for it (HEARTH_LLM_READ_GROUPS), a group message nobody claimed and not said to the bot
 * is read by the classifier alone, after it was handled (a timer due at once): the group's later messages never wait
 * on the model. A complaint or bulk enquiry the rules missed reaches staff silently, as the rules' own do; nothing is
 * ever said in the group.
 */
export function readGroupLater(ctx: SkillContext, llm: ModelSetup, day: string): void {
  if (!mayReadGroups(ctx.deps, llm, ctx.member.id, day)) return;
  const { memberId, channel, chatId, platformId, lang, messageId, at } = requestOf(ctx);
  const payload = { memberId, channel, chatId, platformId, lang, messageId, at: at.getTime() };
  ctx.afterHandled(() => setTimer(ctx.deps.db, `${GROUP_READ}:${channel}:${messageId}`, GROUP_READ, ctx.now, payload));
}

/** Group reads stay within the member's budget and their share of everyone's. */
function mayReadGroups(deps: HearthDeps, llm: ModelSetup, memberId: number, day: string): boolean {
  return mayUseModelFor(deps, llm, memberId, day, { purpose: GROUP_READ, of: GROUP_READ_SHARE });
}

async function readGroupMessage(deps: HearthDeps, payload: unknown, now: Date): Promise<void> {
  const read = groupReadSchema.safeParse(payload);
  const llm = deps.llm;
  if (!read.success || !llm) return;
  const text = inboundText(deps.db, read.data.channel, read.data.messageId);
  const member = getMember(deps.db, read.data.memberId);
  if (text === undefined || !member || member.erasedAt !== null) return;
  const r = { ...read.data, chatType: 'group' as const, name: member.name, text, at: new Date(read.data.at) };
  const day = localDate(now, deps.program.timezone);
  if (!mayReadGroups(deps, llm, r.memberId, day)) return;
  const { verdict, use } = await classify(deps, r.memberId, day, r.text, GROUP_READ);
  recordModelUse(deps.db, use);
  if (verdict.handoff !== 'none') escalateSilently(deps, r, verdict.handoff, verdictDetail(verdict), now);
}

/** A group message the classifier may read (where asked): a member's, in a listed group, short, and not for the bot. */
export function groupMessageToRead(ctx: SkillContext, llm: ModelSetup): boolean {
  const { msg } = ctx;
  return llm.readGroups && !ctx.addressed && msg.chatType === 'group' && ctx.communityGroup && ctx.role === 'member' && msg.text.trim().length >= 4 && msg.text.length <= MAX_MODEL_QUESTION;
}

/** Handle the group-read timers. */
export function installGroupReads(host: ModuleHost): void {
  host.scheduler.onTimer(GROUP_READ, (timer, now) => readGroupMessage(host.deps, timer.payload, now), { slow: true });
}
