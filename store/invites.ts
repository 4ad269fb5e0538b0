// Invite codes and referrals: each member's personal code, who invited whom, and the one-time referral reward mark.
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from './db';
import { inviteCodes, referrals } from './schema';
import { installSecret } from './secrets';

/** The `meta` key of the per-install secret invite codes are derived with. */
export const INVITE_SECRET_KEY = 'invite_secret';

/** The install's invite-code secret, made on first use (`seed`: replay's throwaway database, for stable scripts). */
export function inviteSecret(db: Db, seed?: string): string {
  return installSecret(db, INVITE_SECRET_KEY, seed);
}

export type ReferralRow = typeof referrals.$inferSelect;

/** The member's invite code, if one was made. */
export function inviteCodeOf(db: Db, memberId: number): string | undefined {
  return db.select({ code: inviteCodes.code }).from(inviteCodes).where(eq(inviteCodes.memberId, memberId)).get()?.code;
}

/** Store a code for a member; false when the code is taken (try another) or the member already has one. */
export function saveInviteCode(db: Db, memberId: number, code: string, at: Date): boolean {
  return db.insert(inviteCodes).values({ code, memberId, createdAt: at.getTime() }).onConflictDoNothing().run().changes === 1;
}

/** The member id behind an invite code (codes are matched case-insensitively). */
export function inviterOf(db: Db, code: string): number | undefined {
  return db.select({ memberId: inviteCodes.memberId }).from(inviteCodes).where(eq(inviteCodes.code, code.toUpperCase())).get()?.memberId;
}

/** Record who invited a member; false when the member was already recorded as invited. */
export function recordReferral(db: Db, r: { inviteeId: number; inviterId: number; code: string; channel: string; chat: string; at: Date }): boolean {
  return (
    db
      .insert(referrals)
      .values({ inviteeId: r.inviteeId, inviterId: r.inviterId, code: r.code, channel: r.channel, chat: r.chat, joinedAt: r.at.getTime() })
      .onConflictDoNothing()
      .run().changes === 1
  );
}

/** The referral that brought a member in, if any. */
export function referralOf(db: Db, inviteeId: number): ReferralRow | undefined {
  return db.select().from(referrals).where(eq(referrals.inviteeId, inviteeId)).get();
}

/** Mark a referral rewarded; false when it was rewarded before. */
export function markReferralRewarded(db: Db, inviteeId: number, at: Date): boolean {
  return (
    db
      .update(referrals)
      .set({ rewardedAt: at.getTime() })
      .where(and(eq(referrals.inviteeId, inviteeId), isNull(referrals.rewardedAt)))
      .run().changes === 1
  );
}
