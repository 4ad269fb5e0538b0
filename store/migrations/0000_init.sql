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
CREATE TABLE `processed_messages` (
	`channel` text NOT NULL,
	`message_id` text NOT NULL,
	`at` integer NOT NULL,
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
CREATE INDEX `timers_due` ON `timers` (`fired_at`,`cancelled_at`,`due_at`);