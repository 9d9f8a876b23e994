DROP INDEX `metric_brands_workspace`;--> statement-breakpoint
CREATE INDEX `metric_brands_workspace` ON `metric_brands` (`workspace_id`);--> statement-breakpoint
DROP INDEX `metric_snapshots_account`;--> statement-breakpoint
CREATE INDEX `metric_snapshots_account` ON `metric_snapshots` (`account_id`,`captured_at`) WHERE account_id IS NOT NULL;