-- Dispatch (issue 7 item 1): which platforms an item goes to is decided when it
-- goes out. A job's `platforms` is binding only when the user chose them
-- (`platforms_explicit` = 1); otherwise the brand's connected accounts at
-- dispatch decide.
ALTER TABLE `generation_jobs` ADD `platforms_explicit` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Deliveries are now created by the dispatch claim. Rows that booking wrote
-- ahead of time for items not yet claimed would shadow the claim's inserts
-- (UNIQUE(schedule_id, platform)), so they go: the claim writes them afresh.
DELETE FROM `deliveries` WHERE `status` IN ('pending', 'skipped') AND `schedule_id` IN (SELECT `id` FROM `schedules` WHERE `dispatched_at` IS NULL);
