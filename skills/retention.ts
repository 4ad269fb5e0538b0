// The daily retention prune: personal data is kept only for the program's `retention` days — received messages' text,
// messages the bot sent (codes included), closed tickets' transcripts, members' recent messages — in small batches.
import type { SkillModule, HearthDeps } from '../bot/core/skill';
import { pruneRetained, type PruneCounts } from '../store/retention';

/** When the prune runs, in the program's timezone: the quiet early morning, after the midnight jobs. */
export const RETENTION_CRON = '50 4 * * *';
/** Received messages' ids are kept at least this long, whatever inboxDays says: platforms may deliver them again. */
export const INBOX_KEY_DAYS = 30;
/** Signatures of shop requests: the signing window is minutes, so a day is plenty to refuse a replayed request. */
const SIGNATURE_DAYS = 1;
const DAY = 86_400_000;

/** Prune everything past its retention as of `now`; returns how many rows each prune touched. */
export async function runRetention(deps: Pick<HearthDeps, 'db' | 'log' | 'program'>, now: Date): Promise<PruneCounts> {
  const days = deps.program.retention;
  const ago = (n: number) => new Date(now.getTime() - n * DAY);
  const counts = await pruneRetained(
    deps.db,
    {
      inboxPayloadBefore: ago(days.inboxDays),
      inboxKeysBefore: ago(Math.max(days.inboxDays, INBOX_KEY_DAYS)),
      sentBefore: ago(days.sentMessagesDays),
      transcriptsBefore: ago(days.transcriptsDays),
      recentBefore: ago(days.recentMessagesDays),
      signaturesBefore: ago(SIGNATURE_DAYS),
    },
    // Between batches the bot's own messages get their turn at the event loop and the write lock.
    () => new Promise<void>((resolve) => setImmediate(resolve)),
  );
  deps.log.info(counts, 'retention prune');
  return counts;
}

/** Installs the daily retention prune. */
export const retentionModule: SkillModule = {
  install(hearth) {
    hearth.scheduler.addJob({ name: 'retention-prune', cron: RETENTION_CRON, run: async (dueAt) => void (await runRetention(hearth.deps, dueAt)) });
  },
};
