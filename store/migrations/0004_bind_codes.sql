CREATE TABLE `bind_codes` (
	`code` text PRIMARY KEY NOT NULL,
	`customer` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`used_by_member_id` integer,
	FOREIGN KEY (`used_by_member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
