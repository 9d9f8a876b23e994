CREATE TABLE `workspace_quotas` (
	`workspace_id` text PRIMARY KEY NOT NULL,
	`brands` integer,
	`jobs_per_day` integer,
	`renders_per_day` integer,
	`llm_calls_per_day` integer,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `workspace_usage` (
	`workspace_id` text NOT NULL,
	`day` text NOT NULL,
	`llm_calls` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`workspace_id`, `day`),
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `burst_progress` ADD `note` text;--> statement-breakpoint
CREATE INDEX `generation_jobs_workspace_day` ON `generation_jobs` (`workspace_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `generation_jobs_proposal` ON `generation_jobs` (`proposal_id`);--> statement-breakpoint
CREATE INDEX `job_outputs_workspace_enqueued` ON `job_outputs` (`workspace_id`,`enqueued_at`);