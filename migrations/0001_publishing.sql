-- Publishing (issue 7): deliveries are created when an item goes out
-- (schedules.dispatched_at is the claim), each platform's state machine
-- checkpoints its step and ids on the delivery, and every attempt is a row.
ALTER TABLE `schedules` ADD `dispatched_at` integer;--> statement-breakpoint
CREATE INDEX `schedules_due` ON `schedules` (`brand_id`,`dispatched_at`,`scheduled_at`);--> statement-breakpoint
CREATE INDEX `schedules_undispatched` ON `schedules` (`dispatched_at`,`scheduled_at`);--> statement-breakpoint
ALTER TABLE `deliveries` ADD `account_id` text;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `step` text;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `checkpoint` text;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `lease_until` integer;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `queued_at` integer;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `publish_started_at` integer;--> statement-breakpoint
CREATE INDEX `deliveries_workspace_status` ON `deliveries` (`workspace_id`,`status`);--> statement-breakpoint
ALTER TABLE `publish_attempts` ADD `attempt` integer DEFAULT 1 NOT NULL;
--> statement-breakpoint
-- Which login an Instagram account came through decides its API host
-- (PLATFORMS.md §1.1): `facebook` (graph.facebook.com, IG business id) or `instagram` (graph.instagram.com).
ALTER TABLE `platform_accounts` ADD `login_via` text;--> statement-breakpoint
ALTER TABLE `platform_accounts` ADD `name` text;
