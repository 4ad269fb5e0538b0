CREATE TABLE `model_usage` (
	`day` text NOT NULL,
	`member_id` integer NOT NULL,
	`purpose` text NOT NULL,
	`calls` integer DEFAULT 0 NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`replaced` integer DEFAULT 0 NOT NULL,
	`prompt_tokens` integer DEFAULT 0 NOT NULL,
	`completion_tokens` integer DEFAULT 0 NOT NULL,
	`latency_ms` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `member_id`, `purpose`)
);
