CREATE TABLE `metric_snapshots` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`brand_id` text NOT NULL,
	`platform` text NOT NULL,
	`delivery_id` text,
	`account_id` text,
	`captured_at` integer NOT NULL,
	`views` integer,
	`reach` integer,
	`likes` integer,
	`comments` integer,
	`shares` integer,
	`saves` integer,
	`followers` integer,
	`simulated` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`delivery_id`) REFERENCES `deliveries`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `metric_snapshots_delivery` ON `metric_snapshots` (`delivery_id`,`captured_at`);--> statement-breakpoint
CREATE INDEX `metric_snapshots_account` ON `metric_snapshots` (`account_id`,`captured_at`);--> statement-breakpoint
CREATE INDEX `metric_snapshots_brand` ON `metric_snapshots` (`brand_id`,`captured_at`);--> statement-breakpoint
ALTER TABLE `platform_accounts` ADD `insights_access` text;