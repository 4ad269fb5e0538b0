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
CREATE INDEX `lots_expiry` ON `point_lots` (`expires_at`);--> statement-breakpoint
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
CREATE INDEX `redemptions_member` ON `redemptions` (`member_id`);