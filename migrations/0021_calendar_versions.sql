CREATE TABLE `calendar_versions` (
	`workspace_id` text PRIMARY KEY NOT NULL,
	`version` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
-- What moves a workspace's calendar version: everything GET /api/schedules?view=calendar
-- reads (services/calendar.ts). In SQL, so that no code path, present or future, can
-- change a calendar row without it. No CASE (wrangler's splitter: see 0016).
CREATE TRIGGER `calendar_schedule_added` AFTER INSERT ON `schedules`
BEGIN
  INSERT INTO calendar_versions (workspace_id, version) VALUES (NEW.workspace_id, 1)
    ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `calendar_schedule_changed` AFTER UPDATE ON `schedules`
BEGIN
  INSERT INTO calendar_versions (workspace_id, version) VALUES (NEW.workspace_id, 1)
    ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `calendar_schedule_removed` AFTER DELETE ON `schedules`
BEGIN
  INSERT INTO calendar_versions (workspace_id, version) VALUES (OLD.workspace_id, 1)
    ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `calendar_delivery_added` AFTER INSERT ON `deliveries`
BEGIN
  INSERT INTO calendar_versions (workspace_id, version) VALUES (NEW.workspace_id, 1)
    ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
--> statement-breakpoint
-- queued and publishing roll up alike (scheduling/status.ts; test/calendar-cache.test.ts holds it),
-- so a delivery going from one to the other changes no window.
CREATE TRIGGER `calendar_delivery_status` AFTER UPDATE OF `status` ON `deliveries`
WHEN OLD.status IS NOT NEW.status AND NOT (OLD.status IN ('queued', 'publishing') AND NEW.status IN ('queued', 'publishing'))
BEGIN
  INSERT INTO calendar_versions (workspace_id, version) VALUES (NEW.workspace_id, 1)
    ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `calendar_delivery_removed` AFTER DELETE ON `deliveries`
BEGIN
  INSERT INTO calendar_versions (workspace_id, version) VALUES (OLD.workspace_id, 1)
    ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `calendar_output_title` AFTER UPDATE OF `title` ON `job_outputs`
WHEN OLD.title IS NOT NEW.title
BEGIN
  INSERT INTO calendar_versions (workspace_id, version) VALUES (NEW.workspace_id, 1)
    ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `calendar_brand_added` AFTER INSERT ON `brands`
BEGIN
  INSERT INTO calendar_versions (workspace_id, version) VALUES (NEW.workspace_id, 1)
    ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `calendar_brand_changed` AFTER UPDATE OF `slug`, `name`, `timezone`, `colors` ON `brands`
BEGIN
  INSERT INTO calendar_versions (workspace_id, version) VALUES (NEW.workspace_id, 1)
    ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `calendar_brand_removed` AFTER DELETE ON `brands`
BEGIN
  INSERT INTO calendar_versions (workspace_id, version) VALUES (OLD.workspace_id, 1)
    ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
--> statement-breakpoint
-- A creator's name shows on their items; their workspaces are the ones they belong to
-- (an item whose creator has left keeps the name it was read with until its workspace's
-- next change, or the cache's age limit).
CREATE TRIGGER `calendar_user_renamed` AFTER UPDATE OF `name` ON `users`
WHEN OLD.name IS NOT NEW.name
BEGIN
  INSERT INTO calendar_versions (workspace_id, version) SELECT workspace_id, 1 FROM memberships WHERE user_id = NEW.id
    ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1;
END;
