// Human handoff, as Chatwoot models it: a member's conversation in a chat is the bot's, then waiting for a person,
// then a staff member's, then the bot's again — and while it is not the bot's, no other skill runs. What the engine
// installs is two modules, because escalation must look at a message after the command skills and before the bot
// tries to answer it, while the gate must see every message first.
import type { SkillModule } from '../../bot/core/skill';
import { escalateOnSignal, escalateSilently, escalationSkill, humanCommand, misunderstood } from './escalation';
import { handoffGate } from './gate';
import { installSlaTimers } from './sla';
import { installTicketSummaries } from './summary';
import { handoffCommands } from './staff-commands';

export { handoffCopy } from './copy';
export { escalateOnSignal, escalateSilently, escalationSkill, handoffCommands, handoffGate, misunderstood };
export { requestOf, type Request } from './tickets';

/**
 * First in skillModules(): the gate (staff own the conversation: the bridge, silence), then the staff commands and
 * /stats, then a member's /human; and the SLA timers of waiting tickets.
 */
export const handoffModule: SkillModule = {
  skills: [handoffGate, handoffCommands, humanCommand],
  install: (host) => {
    installSlaTimers(host);
    installTicketSummaries(host);
  },
};

/** Escalation detection: after the command skills, before the ask skill and the fallback (which calls `misunderstood`). */
export const escalationModule: SkillModule = { skills: [escalationSkill] };
