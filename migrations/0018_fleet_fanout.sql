ALTER TABLE `workspaces` ADD `next_burst_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `workspaces_burst_due` ON `workspaces` (`next_burst_at`) WHERE automation_paused = 0;--> statement-breakpoint
CREATE INDEX `job_outputs_catchup` ON `job_outputs` (`updated_at`,`workspace_id`) WHERE status = 'ready' AND hold = 0;