DROP INDEX `lots_expiry`;--> statement-breakpoint
CREATE INDEX `lots_expiry` ON `point_lots` (`expires_at`) WHERE remaining > 0;--> statement-breakpoint
CREATE INDEX `ledger_growth_at` ON `ledger_entries` (`at`) WHERE growth <> 0;--> statement-breakpoint
CREATE UNIQUE INDEX `redemptions_entry` ON `redemptions` (`entry_id`);