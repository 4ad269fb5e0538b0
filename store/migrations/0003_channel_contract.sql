ALTER TABLE `outbox` ADD `mentions` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `buttons_text` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `reply_handle` text;