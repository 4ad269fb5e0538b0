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
CREATE INDEX `ugc_member_day` ON `ugc_submissions` (`member_id`,`day`);