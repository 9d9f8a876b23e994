CREATE TABLE `metric_brands` (
	`brand_id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`next_at` integer,
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `metric_brands_due` ON `metric_brands` (`next_at`);--> statement-breakpoint
CREATE INDEX `metric_brands_workspace` ON `metric_brands` (`workspace_id`,`next_at`);--> statement-breakpoint
CREATE TABLE `metric_targets` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`workspace_id` text NOT NULL,
	`brand_id` text NOT NULL,
	`platform` text NOT NULL,
	`content_type` text,
	`published_at` integer,
	`next_at` integer,
	`parked` text,
	`claim` text,
	`backoff` integer DEFAULT 0 NOT NULL,
	`samples` integer DEFAULT 0 NOT NULL,
	`captured_at` integer,
	`views` integer,
	`reach` integer,
	`likes` integer,
	`comments` integer,
	`shares` integer,
	`saves` integer,
	`followers` integer,
	`simulated` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `metric_targets_due` ON `metric_targets` (`brand_id`,`next_at`);--> statement-breakpoint
CREATE INDEX `metric_targets_parked` ON `metric_targets` (`brand_id`,`platform`) WHERE parked IS NOT NULL;--> statement-breakpoint
CREATE INDEX `deliveries_published` ON `deliveries` (`workspace_id`,`status`,`published_at`);
--> statement-breakpoint
-- hand-written:
-- Every platform account is sampled (followers, daily) from the moment it is
-- connected, whichever flow connected it: a trigger, not a call each connect
-- path would have to remember. An account that becomes usable again
-- (reconnected, or reconnected with the insights permission) is due at once.
CREATE TRIGGER `metric_targets_account_added` AFTER INSERT ON `platform_accounts`
BEGIN
  INSERT INTO `metric_targets` (`id`, `kind`, `workspace_id`, `brand_id`, `platform`, `next_at`)
    VALUES (NEW.`id`, 'account', NEW.`workspace_id`, NEW.`brand_id`, NEW.`platform`, cast(unixepoch('subsec') * 1000 as integer))
    ON CONFLICT (`id`) DO NOTHING;
  INSERT INTO `metric_brands` (`brand_id`, `workspace_id`, `next_at`)
    VALUES (NEW.`brand_id`, NEW.`workspace_id`, cast(unixepoch('subsec') * 1000 as integer))
    ON CONFLICT (`brand_id`) DO UPDATE SET `next_at` = min(coalesce(`next_at`, excluded.`next_at`), excluded.`next_at`);
END;
--> statement-breakpoint
CREATE TRIGGER `metric_targets_account_usable` AFTER UPDATE OF `status`, `insights_access` ON `platform_accounts`
WHEN NEW.`status` = 'connected' AND NEW.`insights_access` IS NOT 'missing'
  AND (OLD.`status` IS NOT 'connected' OR OLD.`insights_access` IS 'missing')
BEGIN
  UPDATE `metric_targets` SET `next_at` = cast(unixepoch('subsec') * 1000 as integer)
    WHERE `id` = NEW.`id` AND (`next_at` IS NULL OR `next_at` > cast(unixepoch('subsec') * 1000 as integer));
  INSERT INTO `metric_brands` (`brand_id`, `workspace_id`, `next_at`)
    VALUES (NEW.`brand_id`, NEW.`workspace_id`, cast(unixepoch('subsec') * 1000 as integer))
    ON CONFLICT (`brand_id`) DO UPDATE SET `next_at` = min(coalesce(`next_at`, excluded.`next_at`), excluded.`next_at`);
END;
--> statement-breakpoint
-- What exists already: every account, and every published delivery (those
-- younger than 28 days due now; older ones past their sampling age, so never read).
INSERT INTO `metric_targets` (`id`, `kind`, `workspace_id`, `brand_id`, `platform`, `next_at`)
  SELECT `id`, 'account', `workspace_id`, `brand_id`, `platform`, cast(unixepoch('subsec') * 1000 as integer) FROM `platform_accounts`;
--> statement-breakpoint
INSERT INTO `metric_targets` (`id`, `kind`, `workspace_id`, `brand_id`, `platform`, `content_type`, `published_at`, `next_at`)
  SELECT d.`id`, 'post', d.`workspace_id`, s.`brand_id`, d.`platform`, s.`kind`, d.`published_at`,
    CASE WHEN d.`published_at` > cast(unixepoch('subsec') * 1000 as integer) - 28 * 86400000 THEN cast(unixepoch('subsec') * 1000 as integer) END
  FROM `deliveries` d JOIN `schedules` s ON s.`id` = d.`schedule_id`
  WHERE d.`status` = 'published' AND d.`published_at` IS NOT NULL;
--> statement-breakpoint
INSERT INTO `metric_brands` (`brand_id`, `workspace_id`, `next_at`)
  SELECT `brand_id`, `workspace_id`, MIN(`next_at`) FROM `metric_targets` GROUP BY `brand_id`;
