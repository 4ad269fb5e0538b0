CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor_member_id` integer,
	`action` text NOT NULL,
	`target_member_id` integer,
	`details` text
);
--> statement-breakpoint
CREATE INDEX `audit_at` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `chat_members` (
	`channel` text NOT NULL,
	`chat_id` text NOT NULL,
	`member_id` integer NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	PRIMARY KEY(`channel`, `chat_id`, `member_id`),
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `chat_members_member` ON `chat_members` (`member_id`);--> statement-breakpoint
CREATE TABLE `chats` (
	`channel` text NOT NULL,
	`chat_id` text NOT NULL,
	`type` text NOT NULL,
	`title` text,
	`first_seen_at` integer NOT NULL,
	PRIMARY KEY(`channel`, `chat_id`)
);
--> statement-breakpoint
CREATE TABLE `conversations` (
	`channel` text NOT NULL,
	`chat_id` text NOT NULL,
	`member_id` integer NOT NULL,
	`state` text DEFAULT 'bot' NOT NULL,
	`ticket_id` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`channel`, `chat_id`, `member_id`),
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `conversations_member` ON `conversations` (`member_id`);--> statement-breakpoint
CREATE TABLE `identities` (
	`channel` text NOT NULL,
	`platform_id` text NOT NULL,
	`member_id` integer NOT NULL,
	`username` text,
	`can_message_privately` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`channel`, `platform_id`),
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `identities_member` ON `identities` (`member_id`);--> statement-breakpoint
CREATE INDEX `identities_platform` ON `identities` (`platform_id`);--> statement-breakpoint
CREATE TABLE `job_runs` (
	`job` text NOT NULL,
	`due_at` integer NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`error` text,
	PRIMARY KEY(`job`, `due_at`)
);
--> statement-breakpoint
CREATE TABLE `members` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`lang` text,
	`lang_fixed` integer DEFAULT false NOT NULL,
	`birthday` text,
	`role` text DEFAULT 'member' NOT NULL,
	`created_at` integer NOT NULL,
	`last_active_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`channel` text NOT NULL,
	`chat` text NOT NULL,
	`text` text NOT NULL,
	`reply_to` text,
	`thread` text,
	`mention` text,
	`buttons` text,
	`kind` text NOT NULL,
	`created_at` integer NOT NULL,
	`not_before` integer NOT NULL,
	`sent_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`failed_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_key` ON `outbox` (`key`);--> statement-breakpoint
CREATE INDEX `outbox_pending` ON `outbox` (`sent_at`,`failed_at`,`not_before`);--> statement-breakpoint
CREATE INDEX `outbox_chat` ON `outbox` (`channel`,`chat`,`id`);--> statement-breakpoint
CREATE TABLE `processed_messages` (
	`channel` text NOT NULL,
	`message_id` text NOT NULL,
	`at` integer NOT NULL,
	`done_at` integer,
	PRIMARY KEY(`channel`, `message_id`)
);
--> statement-breakpoint
CREATE TABLE `timers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`kind` text NOT NULL,
	`due_at` integer NOT NULL,
	`payload` text NOT NULL,
	`fired_at` integer,
	`cancelled_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `timers_key` ON `timers` (`key`);--> statement-breakpoint
CREATE INDEX `timers_due` ON `timers` (`fired_at`,`cancelled_at`,`due_at`);--> statement-breakpoint
CREATE TABLE `ledger_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` integer NOT NULL,
	`kind` text NOT NULL,
	`points` integer NOT NULL,
	`growth` integer DEFAULT 0 NOT NULL,
	`key` text NOT NULL,
	`reason` text NOT NULL,
	`ref` text,
	`at` integer NOT NULL,
	`actor_member_id` integer,
	`note` text,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_key` ON `ledger_entries` (`key`);--> statement-breakpoint
CREATE INDEX `ledger_member_at` ON `ledger_entries` (`member_id`,`at`);--> statement-breakpoint
CREATE INDEX `ledger_ref` ON `ledger_entries` (`ref`);--> statement-breakpoint
CREATE INDEX `ledger_growth_at` ON `ledger_entries` (`at`) WHERE growth <> 0;--> statement-breakpoint
CREATE TABLE `lot_draws` (
	`entry_id` integer NOT NULL,
	`lot_id` integer NOT NULL,
	`points` integer NOT NULL,
	PRIMARY KEY(`entry_id`, `lot_id`),
	FOREIGN KEY (`entry_id`) REFERENCES `ledger_entries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`lot_id`) REFERENCES `point_lots`(`entry_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `draws_lot` ON `lot_draws` (`lot_id`);--> statement-breakpoint
CREATE TABLE `member_points` (
	`member_id` integer PRIMARY KEY NOT NULL,
	`balance` integer DEFAULT 0 NOT NULL,
	`tier_id` text DEFAULT 'member' NOT NULL,
	`grace_until` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `orders` (
	`order_id` text PRIMARY KEY NOT NULL,
	`member_id` integer NOT NULL,
	`amount_fen` integer NOT NULL,
	`refunded_fen` integer DEFAULT 0 NOT NULL,
	`points` integer NOT NULL,
	`growth` integer NOT NULL,
	`entry_id` integer,
	`at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `orders_member` ON `orders` (`member_id`);--> statement-breakpoint
CREATE TABLE `point_lots` (
	`entry_id` integer PRIMARY KEY NOT NULL,
	`member_id` integer NOT NULL,
	`points` integer NOT NULL,
	`remaining` integer NOT NULL,
	`earned_at` integer NOT NULL,
	`available_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`entry_id`) REFERENCES `ledger_entries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `lots_member_open` ON `point_lots` (`member_id`,`expires_at`);--> statement-breakpoint
CREATE INDEX `lots_expiry` ON `point_lots` (`expires_at`) WHERE remaining > 0;--> statement-breakpoint
CREATE TABLE `redemptions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` integer NOT NULL,
	`reward_id` text NOT NULL,
	`code` text NOT NULL,
	`entry_id` integer NOT NULL,
	`at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `redemptions_code` ON `redemptions` (`code`);--> statement-breakpoint
CREATE INDEX `redemptions_member` ON `redemptions` (`member_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `redemptions_entry` ON `redemptions` (`entry_id`);--> statement-breakpoint
CREATE TABLE `checkins` (
	`member_id` integer NOT NULL,
	`day` text NOT NULL,
	`streak` integer NOT NULL,
	`at` integer NOT NULL,
	`channel` text NOT NULL,
	`chat` text NOT NULL,
	`message_id` text,
	`makeup` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `checkins_member_day` ON `checkins` (`member_id`,`day`);--> statement-breakpoint
CREATE INDEX `checkins_day` ON `checkins` (`day`);--> statement-breakpoint
CREATE INDEX `checkins_chat_day` ON `checkins` (`channel`,`chat`,`day`);--> statement-breakpoint
CREATE TABLE `invite_codes` (
	`code` text PRIMARY KEY NOT NULL,
	`member_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invite_codes_member` ON `invite_codes` (`member_id`);--> statement-breakpoint
CREATE TABLE `member_badges` (
	`member_id` integer NOT NULL,
	`badge_id` text NOT NULL,
	`granted_at` integer NOT NULL,
	`granted_by` integer,
	`revoked_at` integer,
	`revoked_by` integer,
	PRIMARY KEY(`member_id`, `badge_id`),
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `message_authors` (
	`channel` text NOT NULL,
	`message_id` text NOT NULL,
	`chat` text NOT NULL,
	`member_id` integer NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`channel`, `message_id`),
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `message_authors_at` ON `message_authors` (`at`);--> statement-breakpoint
CREATE TABLE `referrals` (
	`invitee_id` integer PRIMARY KEY NOT NULL,
	`inviter_id` integer NOT NULL,
	`code` text NOT NULL,
	`channel` text NOT NULL,
	`chat` text NOT NULL,
	`joined_at` integer NOT NULL,
	`rewarded_at` integer,
	FOREIGN KEY (`invitee_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`inviter_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `referrals_inviter` ON `referrals` (`inviter_id`);--> statement-breakpoint
CREATE TABLE `ugc_submissions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` integer NOT NULL,
	`channel` text NOT NULL,
	`chat` text NOT NULL,
	`message_id` text NOT NULL,
	`text` text NOT NULL,
	`normalized` text NOT NULL,
	`day` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`reason` text,
	`created_at` integer NOT NULL,
	`reviewed_at` integer,
	`reviewed_by` integer,
	`rewarded_text` text,
	`unrewarded_why` text,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ugc_message` ON `ugc_submissions` (`channel`,`message_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `ugc_rewarded_text` ON `ugc_submissions` (`rewarded_text`);--> statement-breakpoint
CREATE INDEX `ugc_status` ON `ugc_submissions` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `ugc_member_day` ON `ugc_submissions` (`member_id`,`day`);--> statement-breakpoint
CREATE TABLE `nudge_mutes` (
	`member_id` integer PRIMARY KEY NOT NULL,
	`muted_at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `nudge_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`schedule` text NOT NULL,
	`params` text NOT NULL,
	`template` text NOT NULL,
	`channel` text NOT NULL,
	`enabled` integer NOT NULL,
	`seed` text NOT NULL,
	`position` integer NOT NULL,
	`retired_at` integer,
	`updated_at` integer NOT NULL,
	`updated_by` integer
);
--> statement-breakpoint
CREATE TABLE `nudge_sends` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rule_id` text NOT NULL,
	`member_id` integer NOT NULL,
	`occasion` text NOT NULL,
	`at` integer NOT NULL,
	`deliver_at` integer NOT NULL,
	`channel` text NOT NULL,
	`chat` text NOT NULL,
	`outbox_key` text NOT NULL,
	`cancelled_at` integer,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `nudge_sends_occasion` ON `nudge_sends` (`rule_id`,`member_id`,`occasion`);--> statement-breakpoint
CREATE INDEX `nudge_sends_member` ON `nudge_sends` (`member_id`,`deliver_at`);--> statement-breakpoint
CREATE INDEX `nudge_sends_rule` ON `nudge_sends` (`rule_id`,`at`);--> statement-breakpoint
CREATE TABLE `recent_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel` text NOT NULL,
	`chat_id` text NOT NULL,
	`member_id` integer NOT NULL,
	`at` integer NOT NULL,
	`text` text NOT NULL,
	`misunderstood` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `recent_messages_chat_member` ON `recent_messages` (`channel`,`chat_id`,`member_id`,`id`);--> statement-breakpoint
CREATE TABLE `staff_desks` (
	`staff_member_id` integer PRIMARY KEY NOT NULL,
	`ticket_id` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`staff_member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `ticket_transitions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`at` integer NOT NULL,
	`from_state` text,
	`to_state` text NOT NULL,
	`actor_member_id` integer,
	`staff_member_id` integer,
	`why` text NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`staff_member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ticket_transitions_ticket` ON `ticket_transitions` (`ticket_id`);--> statement-breakpoint
CREATE TABLE `tickets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel` text NOT NULL,
	`chat_id` text NOT NULL,
	`chat_type` text NOT NULL,
	`member_id` integer NOT NULL,
	`platform_id` text NOT NULL,
	`lang` text NOT NULL,
	`reason` text NOT NULL,
	`detail` text,
	`priority` integer NOT NULL,
	`tier_id` text NOT NULL,
	`points` integer NOT NULL,
	`state` text NOT NULL,
	`staff_member_id` integer,
	`staff_channel` text,
	`staff_chat` text,
	`transcript` text NOT NULL,
	`open_message_id` text,
	`opened_at` integer NOT NULL,
	`taken_at` integer,
	`closed_at` integer,
	`held_note_at` integer,
	`rating` integer,
	`rated_at` integer,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`staff_member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `tickets_queue` ON `tickets` (`state`,`priority`,`opened_at`);--> statement-breakpoint
CREATE INDEX `tickets_member` ON `tickets` (`member_id`,`state`);--> statement-breakpoint
CREATE INDEX `tickets_opened` ON `tickets` (`opened_at`);--> statement-breakpoint
CREATE INDEX `tickets_staff` ON `tickets` (`staff_member_id`,`state`);