CREATE TABLE `email_digests` (
	`workspace_id` text PRIMARY KEY NOT NULL,
	`sent_through` integer DEFAULT 0 NOT NULL,
	`last_sent_at` integer,
	`pending` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`type` text NOT NULL,
	`data` text NOT NULL,
	`webhook_id` text,
	`created_at` integer NOT NULL,
	`relay_after` integer,
	`relays` integer DEFAULT 0 NOT NULL,
	`handled_at` integer,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `events_feed` ON `events` (`workspace_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `events_relay` ON `events` (`relay_after`) WHERE relay_after IS NOT NULL;--> statement-breakpoint
CREATE TABLE `notification_cursors` (
	`user_id` text NOT NULL,
	`workspace_id` text NOT NULL,
	`read_through` integer NOT NULL,
	`read_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `workspace_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `notification_reads` (
	`user_id` text NOT NULL,
	`event_id` text NOT NULL,
	`read_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `event_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `webhook_attempts` (
	`id` text PRIMARY KEY NOT NULL,
	`webhook_id` text NOT NULL,
	`event_id` text NOT NULL,
	`type` text NOT NULL,
	`attempt` integer NOT NULL,
	`at` integer NOT NULL,
	`response_status` integer,
	`duration_ms` integer NOT NULL,
	`error` text,
	`response` text,
	FOREIGN KEY (`webhook_id`) REFERENCES `webhooks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_attempts_webhook` ON `webhook_attempts` (`webhook_id`,`at`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`event_id` text NOT NULL,
	`webhook_id` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_until` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`event_id`, `webhook_id`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`webhook_id`) REFERENCES `webhooks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due` ON `webhook_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `webhooks` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`sealed` text NOT NULL,
	`host` text NOT NULL,
	`events` text NOT NULL,
	`format` text DEFAULT 'standard' NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`disabled_reason` text,
	`last_success_at` integer,
	`last_failure_at` integer,
	`failing_since` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhooks_workspace` ON `webhooks` (`workspace_id`);--> statement-breakpoint
ALTER TABLE `platform_accounts` ADD `expiry_warned_for` integer;--> statement-breakpoint
-- hand-written: the outbox's triggers (DESIGN.md §11). Each writes the event of
-- a state change inside the statement that makes it, so a batch that rolls back
-- or an update that loses its race (matches no row) writes no event, and no
-- code path, present or future, can change a delivery's or an account's status
-- without its event. Event ids are fixed here: 'evt_' and 24 hex digits.
-- (No CASE expressions: wrangler's statement splitter closes a trigger at the
-- first uppercase END, so conditions use iif().)
CREATE TRIGGER `events_delivery_status` AFTER UPDATE OF `status` ON `deliveries`
WHEN NEW.status IN ('published', 'failed', 'missed') AND OLD.status IS NOT NEW.status
BEGIN
  INSERT INTO events (id, workspace_id, type, data, created_at, relay_after)
  SELECT 'evt_' || lower(hex(randomblob(12))), NEW.workspace_id,
    iif(NEW.status = 'published', 'delivery.published',
      iif(NEW.status = 'missed', 'delivery.missed',
        iif(NEW.error_class = 'unknown_outcome', 'delivery.unconfirmed', 'delivery.failed'))),
    json_object('deliveryId', NEW.id, 'scheduleId', NEW.schedule_id, 'brandId', s.brand_id, 'brandName', b.name,
      'platform', NEW.platform, 'title', o.title, 'contentType', s.kind,
      'scheduledAt', strftime('%Y-%m-%dT%H:%M:%fZ', s.scheduled_at / 1000.0, 'unixepoch'),
      'status', NEW.status, 'permalink', NEW.permalink,
      'publishedAt', iif(NEW.published_at IS NULL, NULL, strftime('%Y-%m-%dT%H:%M:%fZ', NEW.published_at / 1000.0, 'unixepoch')),
      'error', NEW.last_error, 'errorClass', NEW.error_class, 'attempts', NEW.attempts),
    cast(unixepoch('subsec') * 1000 AS integer), cast(unixepoch('subsec') * 1000 AS integer)
  FROM (SELECT 1) LEFT JOIN schedules s ON s.id = NEW.schedule_id
    LEFT JOIN brands b ON b.id = s.brand_id LEFT JOIN job_outputs o ON o.id = s.output_id;
END;
--> statement-breakpoint
-- The dispatch claim inserts a delivery already `missed` when its item is too late.
CREATE TRIGGER `events_delivery_missed` AFTER INSERT ON `deliveries`
WHEN NEW.status = 'missed'
BEGIN
  INSERT INTO events (id, workspace_id, type, data, created_at, relay_after)
  SELECT 'evt_' || lower(hex(randomblob(12))), NEW.workspace_id, 'delivery.missed',
    json_object('deliveryId', NEW.id, 'scheduleId', NEW.schedule_id, 'brandId', s.brand_id, 'brandName', b.name,
      'platform', NEW.platform, 'title', o.title, 'contentType', s.kind,
      'scheduledAt', strftime('%Y-%m-%dT%H:%M:%fZ', s.scheduled_at / 1000.0, 'unixepoch'),
      'status', NEW.status, 'permalink', NULL, 'publishedAt', NULL,
      'error', NEW.last_error, 'errorClass', NEW.error_class, 'attempts', NEW.attempts),
    cast(unixepoch('subsec') * 1000 AS integer), cast(unixepoch('subsec') * 1000 AS integer)
  FROM (SELECT 1) LEFT JOIN schedules s ON s.id = NEW.schedule_id
    LEFT JOIN brands b ON b.id = s.brand_id LEFT JOIN job_outputs o ON o.id = s.output_id;
END;
--> statement-breakpoint
CREATE TRIGGER `events_account_reconnect` AFTER UPDATE OF `status` ON `platform_accounts`
WHEN NEW.status = 'needs_reconnect' AND OLD.status IS NOT 'needs_reconnect'
BEGIN
  INSERT INTO events (id, workspace_id, type, data, created_at, relay_after)
  SELECT 'evt_' || lower(hex(randomblob(12))), NEW.workspace_id, 'account.needs_reconnect',
    json_object('accountId', NEW.id, 'brandId', NEW.brand_id, 'brandName', b.name, 'platform', NEW.platform,
      'name', NEW.name, 'externalId', NEW.external_id, 'reason', NEW.status_reason),
    cast(unixepoch('subsec') * 1000 AS integer), cast(unixepoch('subsec') * 1000 AS integer)
  FROM (SELECT 1) LEFT JOIN brands b ON b.id = NEW.brand_id;
END;
--> statement-breakpoint
-- Review mode: a brand's part of the burst is done and left proposals pending (one event per brand and burst).
CREATE TRIGGER `events_proposals_pending` AFTER UPDATE OF `status` ON `burst_progress`
WHEN NEW.status = 'done' AND OLD.status IS NOT 'done'
BEGIN
  INSERT INTO events (id, workspace_id, type, data, created_at, relay_after)
  SELECT 'evt_' || lower(hex(randomblob(12))), NEW.workspace_id, 'proposal.pending',
    json_object('brandId', NEW.brand_id, 'brandName', (SELECT name FROM brands WHERE id = NEW.brand_id),
      'runKey', NEW.run_key, 'count', count(*), 'proposalIds', json_group_array(p.id), 'titles', json_group_array(p.title)),
    cast(unixepoch('subsec') * 1000 AS integer), cast(unixepoch('subsec') * 1000 AS integer)
  FROM proposals p
  WHERE p.brand_id = NEW.brand_id AND p.created_at >= NEW.claimed_at AND p.run_key = NEW.run_key AND p.status = 'pending'
  HAVING count(*) > 0;
END;
--> statement-breakpoint
-- A burst run (every brand's part done) succeeded: what it made, or that it made nothing.
CREATE TRIGGER `events_burst_done` AFTER UPDATE OF `status` ON `automation_runs`
WHEN NEW.kind = 'burst' AND NEW.status = 'succeeded' AND OLD.status IS NOT 'succeeded'
BEGIN
  INSERT INTO events (id, workspace_id, type, data, created_at, relay_after)
  SELECT 'evt_' || lower(hex(randomblob(12))), NEW.workspace_id,
    iif(t.jobs + t.pending = 0, 'burst.empty', 'burst.completed'),
    json_object('runId', NEW.id, 'runKey', NEW.run_key, 'trigger', NEW.trigger, 'brands', t.brands,
      'proposals', t.proposals, 'jobs', t.jobs, 'pending', t.pending),
    cast(unixepoch('subsec') * 1000 AS integer), cast(unixepoch('subsec') * 1000 AS integer)
  FROM (
    SELECT count(*) AS brands, coalesce(sum(proposals), 0) AS proposals, coalesce(sum(jobs), 0) AS jobs,
      (SELECT count(*) FROM proposals WHERE workspace_id = NEW.workspace_id AND run_key = NEW.run_key AND status = 'pending') AS pending
    FROM burst_progress WHERE workspace_id = NEW.workspace_id AND run_key = NEW.run_key AND status = 'done'
  ) t
  WHERE t.brands > 0;
END;
