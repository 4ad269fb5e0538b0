// Every catalog of words Hearth says, skills' and the runtime's: a program's `copy:` overrides are checked against these.
import type { Catalog } from '../bot/core/copy';
import { askCopy } from './ask.copy';
import { badgesCopy } from './badges.copy';
import { bindCopy } from './bind.copy';
import { checkinCopy } from './checkin.copy';
import { fallbackCopy } from './fallback.copy';
import { grantCopy } from './grant.copy';
import { groupsCopy } from './groups.copy';
import { handoffCopy } from './handoff/copy';
import { helpCopy } from './help.copy';
import { nudgesCopy } from './nudges.copy';
import { ordersCopy } from './orders.copy';
import { pointsCopy } from './points.copy';
import { privacyCopy } from './privacy.copy';
import { privateCopy } from './private.copy';
import { redeemCopy } from './redeem.copy';
import { statementCopy } from './statement.copy';
import { tiersCopy } from './tiers.copy';
import { ugcCopy } from './ugc.copy';
import { welcomeCopy } from './welcome.copy';

/** The catalogs, one per skill (or skill folder) that speaks. */
export const CATALOGS: readonly Catalog[] = [
  checkinCopy,
  badgesCopy,
  tiersCopy,
  ugcCopy,
  handoffCopy,
  bindCopy,
  helpCopy,
  askCopy,
  nudgesCopy,
  fallbackCopy,
  ordersCopy,
  pointsCopy,
  redeemCopy,
  welcomeCopy,
  grantCopy,
  groupsCopy,
  privateCopy,
  privacyCopy,
  statementCopy,
];
