// The staff card's summary, where a model is configured: a new ticket sets a timer due at once, and its handler asks
// the model for two lines from the transcript (after the card is out, so no member waits and no transaction is open),
// checks them like any model words, and posts them under the card in the staff room.
import type { HearthDeps, ModuleHost, Timer } from '../../bot/core/skill';
import { HearthError } from '../../bot/core/errors';
import { spentBy } from '../../bot/core/assistant';
import { localDate } from '../../community/calendar';
import { setTimer } from '../../store/jobs';
import { getTicket } from '../../store/tickets';
import { recordModelUse } from '../../store/model-usage';
import { languageProblem, replyProblem } from '../assistant/guard';
import { reasonText } from './cards';
import { handoffCopy } from './copy';

const SUMMARY = 'ticket-summary';
/** The summary is two short lines, not a retelling. */
const MAX_SUMMARY = 240;

/** Ask for a new ticket's summary (nothing without a model). */
export function scheduleTicketSummary(deps: HearthDeps, ticketId: number, now: Date): void {
  if (deps.llm) setTimer(deps.db, `${SUMMARY}:${ticketId}`, SUMMARY, now, { ticketId });
}

async function summarise(deps: HearthDeps, ticketId: number, now: Date): Promise<void> {
  const llm = deps.llm;
  const t = getTicket(deps.db, ticketId);
  if (!llm || !t || t.transcript.length === 0) return;
  const staff = { lang: deps.program.escalation.staffLang, program: deps.program };
  // The model reads who said what, not who they are: no names, no ids.
  const words = t.transcript.map((l) => `${l.who}: ${l.text}`).join('\n');
  const use = { day: localDate(now, deps.program.timezone), memberId: t.memberId, purpose: 'summary', calls: 1 };
  try {
    const answer = await llm.assistant.complete({ prompt: 'staff-card-summary', lang: staff.lang, vars: { reason: reasonText(staff, t.reason) }, message: words, tools: [] });
    const text = answer.text.trim().split('\n').slice(0, 2).join('\n');
    const problem = text.length > MAX_SUMMARY ? 'too long' : (replyProblem(text, [words]) ?? languageProblem(text, staff.lang, [words]));
    recordModelUse(deps.db, { ...use, ...spentBy(answer), replaced: problem !== undefined });
    if (problem) {
      deps.log.warn({ ticketId, problem }, 'ticket summary dropped');
      return;
    }
    deps.queue(`${SUMMARY}:${ticketId}`, { ...deps.deployment.staffRoom, text: handoffCopy.say(staff, 'modelSummary', { id: t.id, summary: text }), kind: 'reply' }, now);
  } catch (err) {
    if (!(err instanceof HearthError)) throw err;
    recordModelUse(deps.db, { ...use, failed: true });
  }
}

/** Handle the summary timers. */
export function installTicketSummaries(host: ModuleHost): void {
  const handle = async (timer: Timer, now: Date): Promise<void> => {
    if (typeof timer.payload.ticketId === 'number') await summarise(host.deps, timer.payload.ticketId, now);
  };
  host.scheduler.onTimer(SUMMARY, handle, { slow: true });
}
