// The optional personal line in a nudge (HEARTH_LLM_NUDGE_LINES, off by default): before a rule's run queues its
// nudges, the model writes one short sentence for each of the first members it will reach, from that member's tier,
// balance and the rewards they can get now; each line passes the reply checks, and a nudge without one goes as written.
import type { HearthDeps } from '../bot/core/skill';
import { spentBy } from '../bot/core/assistant';
import type { NudgeLang } from '../community/nudges';
import type { NudgeAudienceRow } from '../store/nudges';
import { HearthError } from '../bot/core/errors';
import { localDate } from '../community/calendar';
import { redeemGap } from '../community/rewards';
import { tierById } from '../community/tiers';
import { recordModelUse } from '../store/model-usage';
import { firstName, mayUseModelFor } from './assistant/access';
import { languageProblem, replyProblem } from './assistant/guard';

type LineDeps = Pick<HearthDeps, 'db' | 'program' | 'llm' | 'log'>;

/** Lines are one sentence: longer is a model rambling, and it is dropped. */
const MAX_LINE = { zh: 60, en: 160 } as const;
/** Model calls at once for one run (a provider's rate limit, and the rest of Hearth, share the connection). */
const AT_ONCE = 3;
/** A run's lines stop being asked for after this long; the nudges still go, the rest without a line. */
const LINES_DEADLINE_MS = 120_000;

/** A candidate's nudge as the model sees it: the text with the first name only, and the facts a line may use. */
export interface LineRequest {
  row: NudgeAudienceRow;
  lang: NudgeLang;
  /** The nudge rendered for the model (first name only). */
  text: string;
  /** What the nudge is about, in the member's language. */
  about: string;
}

function factsOf(deps: LineDeps, row: NudgeAudienceRow, lang: NudgeLang): string {
  const { program } = deps;
  const who = { name: firstName(row.name), tier: tierById(program, row.tierId).name[lang] };
  // A nudge said in a group (a mention) carries nothing of the member's points: the model is not told them.
  if (row.target.mention !== undefined) return JSON.stringify(who);
  const rewards = program.rewards.filter((r) => !redeemGap(program, r, row.tierId, row.balance)).slice(0, 5);
  return JSON.stringify({ ...who, points: row.balance, rewardsTheyCanGetNow: rewards.map((r) => ({ reward: r.name[lang], cost: r.cost })) });
}

/** Why a line may not go in the nudge, or undefined when it may. */
function lineProblem(line: string, lang: NudgeLang, sources: string[]): string | undefined {
  if (line === '') return 'empty';
  if (line.includes('\n')) return 'more than one line';
  if ([...line].length > MAX_LINE[lang]) return 'too long';
  // A line in the other language would put both in one message.
  return languageProblem(line, lang, sources) ?? replyProblem(line, sources);
}

async function lineFor(deps: LineDeps, req: LineRequest, day: string): Promise<string | undefined> {
  const llm = deps.llm!;
  const facts = factsOf(deps, req.row, req.lang);
  const use = { day, memberId: req.row.memberId, purpose: 'nudge-line', calls: 1 };
  try {
    const answer = await llm.assistant.complete({ prompt: 'nudge-line', lang: req.lang, vars: { about: req.about, facts }, message: req.text, tools: [] });
    const line = answer.text.trim().replace(/^["“「']+|["”」']+$/g, '').trim();
    const problem = lineProblem(line, req.lang, [req.text, facts]);
    recordModelUse(deps.db, { ...use, ...spentBy(answer), replaced: problem !== undefined });
    if (!problem) return line;
    deps.log.warn({ memberId: req.row.memberId, problem, line: line.slice(0, 200) }, 'nudge line dropped');
  } catch (err) {
    if (!(err instanceof HearthError)) throw err;
    recordModelUse(deps.db, { ...use, failed: true });
  }
  return undefined;
}

/**
 * Lines for the members `requests` name (the caller takes as many as the setting allows), by member id: only members
 * whose data may go to the model today (consent where asked, both budgets), a few calls at a time, and none begun
 * after the deadline.
 */
export async function personalLines(deps: LineDeps, requests: readonly LineRequest[], now: Date): Promise<Map<number, string>> {
  const lines = new Map<number, string>();
  const llm = deps.llm;
  if (!llm) return lines;
  const day = localDate(now, deps.program.timezone);
  const deadline = performance.now() + LINES_DEADLINE_MS;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests.length && performance.now() < deadline) {
      const req = requests[next++]!;
      // Checked before each call: the run's own lines count against today's budgets too.
      if (!mayUseModelFor(deps, llm, req.row.memberId, day)) continue;
      const line = await lineFor(deps, req, day);
      if (line !== undefined) lines.set(req.row.memberId, line);
    }
  };
  await Promise.all(Array.from({ length: Math.min(AT_ONCE, requests.length) }, worker));
  return lines;
}
