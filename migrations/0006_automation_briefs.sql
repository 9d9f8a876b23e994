-- Automation, second wave (issue 9). Briefs are brand configuration (JSON, no
-- status inside); review mode is a workspace setting; proposals record who
-- wrote them and what; the burst's per-brand progress makes a day resumable;
-- outputs carry a generation claim and count the re-queues of lost messages.
ALTER TABLE `brands` ADD `brief` text;--> statement-breakpoint
ALTER TABLE `workspaces` ADD `review_mode` text DEFAULT 'auto' NOT NULL;--> statement-breakpoint
ALTER TABLE `proposals` ADD `writer` text DEFAULT 'template' NOT NULL;--> statement-breakpoint
ALTER TABLE `proposals` ADD `caption` text;--> statement-breakpoint
ALTER TABLE `proposals` ADD `hashtags` text;--> statement-breakpoint
ALTER TABLE `proposals` ADD `decided_by_user_id` text REFERENCES users(id) ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE `proposals` ADD `updated_at` integer;--> statement-breakpoint
CREATE INDEX `proposals_brand_created` ON `proposals` (`brand_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `burst_progress` (
	`workspace_id` text NOT NULL,
	`run_key` text NOT NULL,
	`brand_id` text NOT NULL,
	`status` text DEFAULT 'running' NOT NULL,
	`claim` text NOT NULL,
	`claimed_at` integer NOT NULL,
	`proposals` integer DEFAULT 0 NOT NULL,
	`jobs` integer DEFAULT 0 NOT NULL,
	`done_at` integer,
	PRIMARY KEY(`workspace_id`, `run_key`, `brand_id`),
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE cascade
);--> statement-breakpoint
ALTER TABLE `job_outputs` ADD `claim` text;--> statement-breakpoint
ALTER TABLE `job_outputs` ADD `requeues` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `job_outputs` ADD `enqueued_at` integer;--> statement-breakpoint
CREATE INDEX `job_outputs_queue` ON `job_outputs` (`status`,`enqueued_at`);
