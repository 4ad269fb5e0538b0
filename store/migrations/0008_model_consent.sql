CREATE TABLE `model_consent` (
	`member_id` integer PRIMARY KEY NOT NULL,
	`agreed_at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
