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