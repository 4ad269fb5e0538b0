DROP INDEX `outbox_chat`;--> statement-breakpoint
DROP INDEX `outbox_pending`;--> statement-breakpoint
CREATE INDEX `outbox_chat_pending` ON `outbox` (`channel`,`chat`,`id`) WHERE "outbox"."sent_at" IS NULL AND "outbox"."failed_at" IS NULL;--> statement-breakpoint
CREATE INDEX `outbox_pending` ON `outbox` (`not_before`) WHERE "outbox"."sent_at" IS NULL AND "outbox"."failed_at" IS NULL;--> statement-breakpoint
DROP INDEX `chat_members_member`;--> statement-breakpoint
CREATE INDEX `chat_members_member` ON `chat_members` (`member_id`,`last_seen_at`,`channel`,`chat_id`);--> statement-breakpoint
DROP INDEX `conversations_member`;--> statement-breakpoint
CREATE INDEX `conversations_member` ON `conversations` (`member_id`,`state`);--> statement-breakpoint
DROP INDEX `identities_member`;--> statement-breakpoint
CREATE INDEX `identities_private` ON `identities` (`member_id`,`channel`,`platform_id`) WHERE "identities"."can_message_privately" = 1;--> statement-breakpoint
CREATE INDEX `identities_member` ON `identities` (`member_id`,`channel`,`platform_id`);--> statement-breakpoint
DROP INDEX `lots_expiry`;--> statement-breakpoint
CREATE INDEX `lots_expiry` ON `point_lots` (`expires_at`,`member_id`,`remaining`) WHERE remaining > 0;--> statement-breakpoint
CREATE INDEX `members_last_active` ON `members` (`last_active_at`);--> statement-breakpoint
-- Hand-corrected: drizzle-kit 0.31 splits an index expression at its commas (drizzle-orm issue #6062).
CREATE INDEX `members_birthday_md` ON `members` (substr("birthday", 6, 5)) WHERE "members"."birthday" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `member_points_grace` ON `member_points` (`grace_until`) WHERE "member_points"."grace_until" IS NOT NULL;