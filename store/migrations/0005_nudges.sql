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
CREATE INDEX `nudge_sends_rule` ON `nudge_sends` (`rule_id`,`at`);